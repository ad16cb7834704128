// The folder a run writes (Node only). Every file is rewritten at each checkpoint, atomically, so
// that whenever the run stops — completed, Ctrl-C, or killed — the folder holds a consistent
// record: config.json, metrics.csv, metrics.json, loss.svg, accuracy.svg, model.safetensors,
// checkpoint.safetensors and summary.md.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeSafetensors } from '@backprop/layers';
import { accuracyChartSpec, lossChartSpec } from '../charts.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../checkpoint.js';
import type { TrainConfig } from '../config.js';
import { metricsToCsv, type MetricsHistory } from '../metrics.js';
import { summaryMarkdown, type SummaryInput } from '../summary.js';
import { writeFileAtomic } from './atomic-write.js';
import { renderSvg } from './render-svg.js';

export const RUN_FILES = {
  config: 'config.json',
  metricsCsv: 'metrics.csv',
  metricsJson: 'metrics.json',
  lossSvg: 'loss.svg',
  accuracySvg: 'accuracy.svg',
  model: 'model.safetensors',
  checkpoint: 'checkpoint.safetensors',
  summary: 'summary.md',
} as const;

/** A fresh folder name for a run: `<root>/<preset>-<yyyymmdd-hhmmss>`. */
export function defaultRunDir(preset: string, root = 'runs', date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return path.join(root, `${preset}-${stamp}`);
}

export class RunFolder {
  private constructor(readonly dir: string) {}

  /** Creates (or reuses) `dir`. */
  static async create(dir: string): Promise<RunFolder> {
    await mkdir(dir, { recursive: true });
    return new RunFolder(path.resolve(dir));
  }

  file(name: keyof typeof RUN_FILES): string {
    return path.join(this.dir, RUN_FILES[name]);
  }

  async writeConfig(config: TrainConfig): Promise<void> {
    await writeFileAtomic(this.file('config'), `${JSON.stringify(config, null, 2)}\n`);
  }

  /** Curves and tables: metrics.csv, metrics.json, loss.svg, accuracy.svg. */
  async writeMetrics(metrics: MetricsHistory, title: string): Promise<void> {
    await writeFileAtomic(this.file('metricsCsv'), metricsToCsv(metrics));
    await writeFileAtomic(this.file('metricsJson'), `${JSON.stringify(metrics)}\n`);
    await writeFileAtomic(this.file('lossSvg'), await renderSvg(lossChartSpec(metrics, { title: `${title}: loss` })));
    await writeFileAtomic(this.file('accuracySvg'), await renderSvg(accuracyChartSpec(metrics, { title: `${title}: test accuracy` })));
  }

  /** The checkpoint (for --resume), the model alone (PyTorch names; loads with safetensors.torch.load_file) and the curves. */
  async writeCheckpoint(c: Checkpoint): Promise<void> {
    await writeFileAtomic(this.file('checkpoint'), encodeCheckpoint(c));
    await writeFileAtomic(this.file('model'), encodeSafetensors(c.model, { format: 'pt', preset: c.config.preset, step: String(c.step) }));
    await this.writeMetrics(c.metrics, c.config.preset);
  }

  async writeSummary(s: SummaryInput): Promise<void> {
    await writeFileAtomic(this.file('summary'), summaryMarkdown(s));
  }
}

/** Reads `<dir>/checkpoint.safetensors` (or a checkpoint file given directly). */
export async function readCheckpoint(dirOrFile: string): Promise<{ checkpoint: Checkpoint; dir: string }> {
  const file = dirOrFile.endsWith('.safetensors') ? dirOrFile : path.join(dirOrFile, RUN_FILES.checkpoint);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(`--resume: cannot read ${file} (${code ?? (err as Error).message}); pass a run folder that holds ${RUN_FILES.checkpoint}`);
  }
  return { checkpoint: decodeCheckpoint(bytes), dir: path.dirname(file) };
}
