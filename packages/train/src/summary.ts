// summary.md of a run: what ran, how it ended, the evaluation table, where the files are.
import type { TrainConfig } from './config.js';
import type { MetricsHistory } from './metrics.js';

export interface SummaryInput {
  config: TrainConfig;
  description: string;
  numParameters: number;
  metrics: MetricsHistory;
  /** 'saving': the checkpoint of `step` is being written (if this stays, the run was killed mid-save). */
  reason: 'completed' | 'stopped' | 'running' | 'saving' | 'diverged';
  /** With 'diverged': the step of the checkpoint (and model.safetensors) the folder keeps; -1: none. */
  lastCheckpointStep?: number;
  step: number;
  elapsedMs: number;
  /** e.g. "wasm (SIMD, 1 thread)". */
  backend?: string;
  /** Where the data came from. */
  dataSource?: string;
}

export const formatDuration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
};

/** A metric with 4 decimals; NaN and ±Infinity as such (a diverged run has them), null as '—'. */
export const formatMetric = (v: number | null): string => (v == null ? '—' : Number.isFinite(v) ? v.toFixed(4) : String(v));

/** The status line of a diverged run, shared with the CLI. */
export function divergedStatus(d: { step: number; cause: 'loss' | 'parameters'; loss: number }, lastCheckpointStep: number | undefined): string {
  const what = d.cause === 'loss' ? `the training loss became ${String(d.loss)}` : `the parameters became NaN or infinite (loss ${formatMetric(d.loss)})`;
  const kept =
    lastCheckpointStep == null || lastCheckpointStep < 0
      ? 'no checkpoint was written before it, so the folder holds no model'
      : `model.safetensors and checkpoint.safetensors hold step ${lastCheckpointStep}, the last checkpoint before it`;
  return `diverged at step ${d.step}: ${what}; ${kept}. Try a lower --learning-rate`;
}

export function summaryMarkdown(s: SummaryInput): string {
  const last = s.metrics.eval.at(-1);
  const best = s.metrics.eval.reduce<(typeof s.metrics.eval)[number] | undefined>((b, p) => (b == null || p.testAccuracy > b.testAccuracy ? p : b), undefined);
  const status =
    s.reason === 'completed'
      ? 'completed'
      : s.reason === 'stopped'
        ? `stopped at step ${s.step} (resume with --resume)`
        : s.reason === 'diverged' && s.metrics.diverged
          ? divergedStatus(s.metrics.diverged, s.lastCheckpointStep)
          : s.reason === 'diverged'
            ? `diverged at step ${s.step}`
            : s.reason === 'saving'
              ? `saving the checkpoint of step ${s.step}. If the run is no longer running, it was killed while saving: checkpoint.safetensors, model.safetensors and the curves may be from step ${s.step} or from the step before (each file names its step); --resume continues from the checkpoint and rewrites the others`
              : `running (step ${s.step})`;
  const lines = [
    `# Run: ${s.config.preset}`,
    '',
    `- Model: ${s.description} — ${s.numParameters.toLocaleString('en-US')} parameters`,
    `- Steps: ${s.step} of ${s.config.maxSteps}, batch ${s.config.batchSize}, evaluation every ${s.config.evalFreq} steps on the whole test set`,
    `- Status: ${status}`,
    `- Final test accuracy: ${last ? `${formatMetric(last.testAccuracy)} (step ${last.step})` : '—'}` + (best && last && best !== last ? `; best ${formatMetric(best.testAccuracy)} (step ${best.step})` : ''),
    `- Wall time: ${formatDuration(s.elapsedMs)}${s.backend ? ` on ${s.backend}` : ''}`,
    ...(s.dataSource ? [`- Data: ${s.dataSource} (preprocessing: ${s.config.normalization}, pixels 0–255)`] : []),
    `- Seed: ${s.config.seed}`,
    '',
    '| step | train loss (mean since previous) | test loss | test accuracy |',
    '| ---: | ---: | ---: | ---: |',
    ...s.metrics.eval.map((p) => `| ${p.step} | ${formatMetric(p.trainLoss)} | ${formatMetric(p.testLoss)} | ${formatMetric(p.testAccuracy)} |`),
    '',
    'Files: `config.json`, `metrics.csv`, `metrics.json`, `loss.svg`, `accuracy.svg`, `model.safetensors` (PyTorch names and layouts), `checkpoint.safetensors` (model + optimizer + metrics, for `--resume`).',
    '',
  ];
  return lines.join('\n');
}
