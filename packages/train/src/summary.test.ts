import { describe, expect, it } from 'vitest';
import type { MetricsHistory } from './metrics.js';
import { presetConfig } from './presets.js';
import { summaryMarkdown, type SummaryInput } from './summary.js';

const metrics: MetricsHistory = {
  train: [1, 2, 3].map((step) => ({ step, loss: 2 - step / 10 })),
  eval: [
    { step: 0, testLoss: 2.3, testAccuracy: 0.1, trainLoss: null },
    { step: 2, testLoss: 1.9, testAccuracy: 0.25, trainLoss: 1.85 },
  ],
};

const statusOf = (s: Partial<SummaryInput> & Pick<SummaryInput, 'reason'>): string => {
  const md = summaryMarkdown({ config: presetConfig('mlp'), description: 'MLP', numParameters: 10, metrics, step: 3, elapsedMs: 1000, ...s });
  const line = md.split('\n').find((l) => l.startsWith('- Status: '));
  if (line == null) throw new Error(`summary.md has no status line:\n${md}`);
  return line.slice('- Status: '.length);
};

// One status line per way a run can be: each issue added one (17: 'saving', 16: 'diverged'), and
// a merge must keep them all.
describe('summaryMarkdown status line', () => {
  it('completed, stopped, running', () => {
    expect(statusOf({ reason: 'completed' })).toBe('completed');
    expect(statusOf({ reason: 'stopped' })).toBe('stopped at step 3 (resume with --resume)');
    expect(statusOf({ reason: 'running' })).toBe('running (step 3)');
  });

  it('saving: says a run killed here may have files from two steps and how to repair them', () => {
    const s = statusOf({ reason: 'saving' });
    expect(s).toMatch(/^saving the checkpoint of step 3\. If the run is no longer running, it was killed while saving/);
    expect(s).toContain('--resume continues from the checkpoint and rewrites the others');
  });

  it('diverged: the step, the cause, which checkpoint the folder keeps, and the hint', () => {
    const diverged = { ...metrics, diverged: { step: 3, cause: 'loss' as const, loss: Number.NaN } };
    expect(statusOf({ reason: 'diverged', metrics: diverged, lastCheckpointStep: 2 })).toBe(
      'diverged at step 3: the training loss became NaN; model.safetensors and checkpoint.safetensors hold step 2, the last checkpoint before it. Try a lower --learning-rate',
    );
    expect(statusOf({ reason: 'diverged', metrics: { ...diverged, diverged: { step: 3, cause: 'parameters', loss: 1.5 } }, lastCheckpointStep: -1 })).toBe(
      'diverged at step 3: the parameters became NaN or infinite (loss 1.5000); no checkpoint was written before it, so the folder holds no model. Try a lower --learning-rate',
    );
    expect(statusOf({ reason: 'diverged' })).toBe('diverged at step 3');
  });
});
