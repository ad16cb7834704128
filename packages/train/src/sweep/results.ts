// A sweep's results: one row per trial (its searched options, how it ended, final and best test
// accuracy), ranked by the sweep's metric, as CSV and as summary.md. Only what the trials' run folders
// record goes in (no wall times), so the same sweep run here or on a cluster gives the same table.
import type { MetricsHistory } from '../metrics.js';
import { formatMetric } from '../summary.js';
import type { Trial } from './plan.js';
import type { SweepKey, SweepMetric, SweepSpec, SweepValue } from './spec.js';

/**
 * completed / diverged (loss or weights became NaN/Infinity) / failed (the run ended with an error) /
 * stopped (interrupted; `--resume` continues it) / running / pending (not started).
 */
export type TrialStatus = 'completed' | 'diverged' | 'failed' | 'stopped' | 'running' | 'pending';

export interface TrialResult {
  index: number;
  id: string;
  status: TrialStatus;
  params: Partial<Record<SweepKey, SweepValue>>;
  /** The last evaluated step (null: no evaluation yet). */
  step: number | null;
  finalAccuracy: number | null;
  finalTestLoss: number | null;
  bestAccuracy: number | null;
  bestStep: number | null;
  /** Why a trial failed or diverged. */
  message?: string;
}

/** A trial's row from its metrics (undefined: no metrics.json yet). */
export function trialResult(trial: Trial, status: TrialStatus, metrics: MetricsHistory | undefined, message?: string): TrialResult {
  const evals = metrics?.eval ?? [];
  const last = evals.at(-1);
  const best = evals.reduce<(typeof evals)[number] | undefined>((b, p) => (Number.isFinite(p.testAccuracy) && (b == null || p.testAccuracy > b.testAccuracy) ? p : b), undefined);
  return {
    index: trial.index,
    id: trial.id,
    status,
    params: trial.params,
    step: last?.step ?? null,
    finalAccuracy: last?.testAccuracy ?? null,
    finalTestLoss: last?.testLoss ?? null,
    bestAccuracy: best?.testAccuracy ?? null,
    bestStep: best?.step ?? null,
    ...(message ? { message } : {}),
  };
}

const metricOf = (r: TrialResult, metric: SweepMetric): number | null => (metric === 'best_accuracy' ? r.bestAccuracy : r.finalAccuracy);

/**
 * Best first: completed trials by the metric, then the others (diverged, failed, stopped, …) by the
 * metric where they have one; ties by trial index, so the order is the same on every machine.
 */
export function rankResults(results: TrialResult[], metric: SweepMetric): TrialResult[] {
  const key = (r: TrialResult): number => {
    const v = metricOf(r, metric);
    return v == null || !Number.isFinite(v) ? -Infinity : v;
  };
  return [...results].sort((a, b) => Number(b.status === 'completed') - Number(a.status === 'completed') || key(b) - key(a) || a.index - b.index);
}

export const formatValue = (v: SweepValue | undefined): string => (v === undefined ? '' : Array.isArray(v) ? v.join('x') : String(v));

/** The searched option names of a spec: grid keys, then random keys. */
export const searchedKeys = (spec: Pick<SweepSpec, 'grid' | 'random'>): SweepKey[] => [...Object.keys(spec.grid), ...Object.keys(spec.random)] as SweepKey[];

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const num = (v: number | null): string => (v == null ? '' : String(v));

/** results.csv: rank, trial, status, the searched options, step, final/best accuracy, best step, final test loss. */
export function resultsCsv(spec: SweepSpec, ranked: TrialResult[]): string {
  const keys = searchedKeys(spec);
  const header = ['rank', 'trial', 'status', ...keys, 'step', 'final_accuracy', 'best_accuracy', 'best_step', 'final_test_loss'];
  const rows = ranked.map((r, i) =>
    [String(i + 1), r.id, r.status, ...keys.map((k) => formatValue(r.params[k])), num(r.step), num(r.finalAccuracy), num(r.bestAccuracy), num(r.bestStep), num(r.finalTestLoss)].map(csvCell).join(','),
  );
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

export interface SweepSummaryInput {
  spec: SweepSpec;
  ranked: TrialResult[];
  /** Where the sweep ran: 'local (2 workers × 1 thread)' or 'Slurm job 1234'. */
  where?: string;
  /** Plot files written next to summary.md. */
  plots?: string[];
}

export function sweepSummaryMarkdown({ spec, ranked, where, plots = [] }: SweepSummaryInput): string {
  const keys = searchedKeys(spec);
  const counts = new Map<TrialStatus, number>();
  for (const r of ranked) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const best = ranked[0];
  const bestLine =
    best && best.status === 'completed'
      ? `- Best: ${best.id} — ${spec.metric.replace('_', ' ')} ${formatMetric(metricOf(best, spec.metric))} (${keys.map((k) => `${k} ${formatValue(best.params[k])}`).join(', ')}); rerun it with \`backprop train --from trials/${best.id}\``
      : '- Best: no trial has completed yet';
  const lines = [
    `# Sweep: ${spec.name}`,
    '',
    `- Base preset: ${spec.base}; fixed: ${Object.keys(spec.set).length > 0 ? Object.entries(spec.set).map(([k, v]) => `${k} ${formatValue(v)}`).join(', ') : 'nothing'}`,
    `- Searched: ${[...Object.entries(spec.grid).map(([k, v]) => `${k} grid [${v.map(formatValue).join(', ')}]`), ...Object.entries(spec.random).map(([k, d]) => `${k} ${d.kind === 'choice' ? `choice [${d.values.map(formatValue).join(', ')}]` : `${d.kind} [${d.low}, ${d.high}]`}`)].join('; ')}`,
    `- Trials: ${ranked.length} (${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}); seed ${spec.seed}; ranked by ${spec.metric}`,
    ...(where ? [`- Ran: ${where}`] : []),
    bestLine,
    '',
    `| rank | trial | status | ${keys.join(' | ')} | step | final accuracy | best accuracy (step) |`,
    `| ---: | --- | --- | ${keys.map(() => '---').join(' | ')} | ---: | ---: | ---: |`,
    ...ranked.map(
      (r, i) =>
        `| ${i + 1} | ${r.id} | ${r.status} | ${keys.map((k) => formatValue(r.params[k])).join(' | ')} | ${r.step ?? '—'} | ${formatMetric(r.finalAccuracy)} | ${formatMetric(r.bestAccuracy)}${r.bestStep != null ? ` (${r.bestStep})` : ''} |`,
    ),
    '',
    ...ranked.filter((r) => r.message).map((r) => `- ${r.id} ${r.status}: ${r.message}`),
    ...(plots.length > 0 ? ['', `Plots: ${plots.map((p) => `\`${p}\``).join(', ')}`] : []),
    '',
    'Files: `results.csv` (this table), `sweep.json` (the spec and every trial\'s config), `trials/<trial>/` (ordinary run folders), `logs/<trial>.log`.',
    '',
  ];
  return lines.join('\n');
}
