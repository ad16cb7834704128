// Timing helpers shared by the benchmarks: median of repetitions after warm-up.
export interface Timing {
  medianMs: number;
  reps: number;
}

export function time(fn: () => void, { warmup = 2, reps = 5, maxMs = 20_000 } = {}): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < reps) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
    // Slow peers (tfjs-backend-cpu) get fewer repetitions rather than minutes per cell.
    if (performance.now() - started > maxMs && samples.length >= 1) break;
  }
  samples.sort((a, b) => a - b);
  const mid = Math.floor(samples.length / 2);
  const medianMs = samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
  return { medianMs, reps: samples.length };
}

export const gflops = (flop: number, ms: number): number => flop / (ms * 1e6);

/** Renders rows of cells as a GitHub-flavoured markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
