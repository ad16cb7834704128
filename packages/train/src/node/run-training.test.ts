import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeSafetensors } from '@backprop/layers';
import { initBackend } from '@backprop/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsFromCsv } from '../metrics.js';
import { presetConfig } from '../presets.js';
import { syntheticData } from '../test-support/synthetic.js';
import { readCheckpoint, RUN_FILES } from './run-folder.js';
import { runTraining } from './run-training.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'backprop-train-test-'));
beforeAll(async () => {
  await initBackend();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = syntheticData();
const config = presetConfig('mlp-tuned', { hiddenUnits: [16, 8], maxSteps: 20, batchSize: 20, evalFreq: 10, evalBatchSize: 25 });

describe('runTraining', () => {
  it('writes the whole run folder, every file readable', async () => {
    const out = path.join(root, 'full');
    const result = await runTraining({ config, data, out, dataSource: 'synthetic', backend: 'test' });
    expect(result.dir).toBe(path.resolve(out));
    expect(readdirSync(out).sort()).toEqual(Object.values(RUN_FILES).sort()); // and no temp files left
    expect(JSON.parse(readFileSync(path.join(out, RUN_FILES.config), 'utf8'))).toEqual(config);

    const csv = readFileSync(path.join(out, RUN_FILES.metricsCsv), 'utf8');
    expect(csv.split('\n')[0]).toBe('step,train_loss,test_loss,test_accuracy');
    expect(csv.trim().split('\n')).toHaveLength(1 + 21); // steps 0…20
    expect(metricsFromCsv(csv).eval.map((p) => [p.step, p.testAccuracy])).toEqual(result.metrics.eval.map((p) => [p.step, p.testAccuracy]));
    expect(JSON.parse(readFileSync(path.join(out, RUN_FILES.metricsJson), 'utf8'))).toEqual(result.metrics);

    for (const svg of [RUN_FILES.lossSvg, RUN_FILES.accuracySvg]) {
      const text = readFileSync(path.join(out, svg), 'utf8');
      expect(text.startsWith('<svg')).toBe(true);
      expect(text).toContain('step'); // the x-axis title
    }
    // The final model with PyTorch names, as the layers MLP + BatchNorm1d names them.
    const model = decodeSafetensors(readFileSync(path.join(out, RUN_FILES.model)));
    expect([...model.tensors.keys()]).toContain('layers.0.weight');
    expect([...model.tensors.keys()]).toContain('layers.2.running_mean');
    expect(model.tensors.get('layers.0.weight')!.shape).toEqual([16, 48]);

    const { checkpoint } = await readCheckpoint(out);
    expect(checkpoint.step).toBe(20);
    expect(checkpoint.metrics).toEqual(result.metrics);
    expect([...checkpoint.optimizer.keys()]).toContain('layers.0.weight/m');

    const summary = readFileSync(path.join(out, RUN_FILES.summary), 'utf8');
    expect(summary).toContain('Status: completed');
    expect(summary).toContain(`Final test accuracy: ${result.finalEval!.testAccuracy.toFixed(4)} (step 20)`);
  });

  it('a stopped run keeps its checkpoint and curves, and --resume finishes it with the same metrics.csv', async () => {
    const full = path.join(root, 'uninterrupted');
    await runTraining({ config, data, out: full });
    const out = path.join(root, 'stopped');
    const controller = new AbortController();
    const stopped = await runTraining({
      config,
      data,
      out,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 7) controller.abort();
      },
    });
    expect(stopped.reason).toBe('stopped');
    expect(readFileSync(path.join(out, RUN_FILES.summary), 'utf8')).toContain('stopped at step 7');
    expect(readFileSync(path.join(out, RUN_FILES.metricsCsv), 'utf8').trim().split('\n')).toHaveLength(1 + 8);
    const { checkpoint, dir } = await readCheckpoint(out);
    expect(checkpoint.step).toBe(7);
    await runTraining({ config, data, out: dir, resume: checkpoint });
    expect(readFileSync(path.join(out, RUN_FILES.metricsCsv), 'utf8')).toBe(readFileSync(path.join(full, RUN_FILES.metricsCsv), 'utf8'));
  });

  it('readCheckpoint names the missing file', async () => {
    await expect(readCheckpoint(path.join(root, 'nowhere'))).rejects.toThrow(/cannot read .*nowhere\/checkpoint\.safetensors \(ENOENT\)/);
  });
});
