import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '@backprop/layers';
import { CHECKPOINT_FORMAT, decodeCheckpoint } from '../checkpoint.js';
import { initBackend } from '@backprop/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsFromCsv, metricsFromJson } from '../metrics.js';
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
    expect([...checkpoint.optimizer.keys()]).toContain('state.0.exp_avg'); // torch.optim's per-parameter state, parameter 0 = layers.0.weight

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

  it('resumed twice (stopped at 7 and 14), the folder ends byte-identical to an uninterrupted run', async () => {
    const full = path.join(root, 'twice-full');
    await runTraining({ config, data, out: full });
    const out = path.join(root, 'twice');
    const stopAt = (step: number) => {
      const controller = new AbortController();
      return { signal: controller.signal, onEvent: (e: { type: string; step?: number }) => void (e.type === 'step' && e.step === step && controller.abort()) };
    };
    expect((await runTraining({ config, data, out, ...stopAt(7) })).step).toBe(7);
    const first = await readCheckpoint(out);
    expect((await runTraining({ config, data, out, resume: first.checkpoint, ...stopAt(14) })).step).toBe(14);
    const second = await readCheckpoint(out);
    expect(second.checkpoint.step).toBe(14);
    const done = await runTraining({ config, data, out, resume: second.checkpoint });
    expect(done.reason).toBe('completed');
    for (const file of [RUN_FILES.metricsCsv, RUN_FILES.metricsJson, RUN_FILES.model, RUN_FILES.lossSvg, RUN_FILES.accuracySvg, RUN_FILES.config]) {
      expect(readFileSync(path.join(out, file)).equals(readFileSync(path.join(full, file))), file).toBe(true);
    }
    // The checkpoint too, but for the wall time in its metadata.
    const [a, b] = [out, full].map((d) => decodeCheckpoint(readFileSync(path.join(d, RUN_FILES.checkpoint))));
    expect({ ...a!, elapsedMs: 0 }).toEqual({ ...b!, elapsedMs: 0 });
  });

  it('a diverged run stops there: summary and metrics say so, the model stays the last finite checkpoint', async () => {
    const manual = presetConfig('mlp-manual', { hiddenUnits: [16], maxSteps: 30, batchSize: 20, evalFreq: 10, evalBatchSize: 25, learningRate: 1e3 });
    const out = path.join(root, 'diverged');
    const events: string[] = [];
    const result = await runTraining({ config: manual, data, out, onEvent: (e) => events.push(e.type) });
    expect(result.reason).toBe('diverged');
    const d = result.metrics.diverged!;
    expect(events.slice(-2)).toEqual(['diverged', 'done']);
    const summary = readFileSync(path.join(out, RUN_FILES.summary), 'utf8');
    expect(summary).toContain(`- Status: diverged at step ${d.step}:`);
    expect(summary).toContain(`hold step ${result.lastCheckpointStep}, the last checkpoint before it. Try a lower --learning-rate`);
    const csv = readFileSync(path.join(out, RUN_FILES.metricsCsv), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + d.step + 1); // steps 0…d.step
    expect(csv.at(-1)).toBe(`${d.step},${String(d.loss)},,`);
    const json = metricsFromJson(readFileSync(path.join(out, RUN_FILES.metricsJson), 'utf8'));
    expect(json.diverged).toEqual(d);
    const model = decodeSafetensors(readFileSync(path.join(out, RUN_FILES.model)));
    expect(model.metadata.step).toBe(String(result.lastCheckpointStep));
    for (const [name, t] of model.tensors) expect(Array.from(t.data as Float32Array).every(Number.isFinite), name).toBe(true);
    const { checkpoint } = await readCheckpoint(out);
    expect(checkpoint.step).toBe(result.lastCheckpointStep);
    expect([...checkpoint.model]).toEqual([...model.tensors]);
  });

  it('resumes a checkpoint whose metrics hold Infinity, also one written before (JSON null)', async () => {
    const out = path.join(root, 'infinite');
    const controller = new AbortController();
    await runTraining({ config, data, out, signal: controller.signal, onEvent: (e) => void (e.type === 'step' && e.step === 12 && controller.abort()) });
    const { checkpoint } = await readCheckpoint(out);
    checkpoint.metrics.eval[1]!.testLoss = Infinity;
    // The old writer: metrics with JSON.stringify, which wrote the Infinity as null.
    const tensors = new Map<string, SafetensorsTensor>([...[...checkpoint.model].map(([k, t]) => [`model.${k}`, t] as const), ...[...checkpoint.optimizer].map(([k, t]) => [`optimizer.${k}`, t] as const)]);
    const metadata = { format: CHECKPOINT_FORMAT, step: String(checkpoint.step), elapsed_ms: '0', config: JSON.stringify(checkpoint.config), metrics: JSON.stringify(checkpoint.metrics) };
    expect(metadata.metrics).toContain('"testLoss":null');
    writeFileSync(path.join(out, RUN_FILES.checkpoint), encodeSafetensors(tensors, metadata));
    const old = await readCheckpoint(out);
    expect(old.checkpoint.metrics.eval[1]!.testLoss).toBeNaN();
    const result = await runTraining({ config, data, out, resume: old.checkpoint });
    expect(result.reason).toBe('completed');
    expect(readFileSync(path.join(out, RUN_FILES.summary), 'utf8')).toMatch(/\| 10 \| [0-9.]+ \| NaN \| [0-9.]+ \|/);
    // And with the current writer the Infinity survives as such.
    const again = await readCheckpoint(out);
    again.checkpoint.metrics.eval[1]!.testLoss = Infinity;
    const { encodeCheckpoint } = await import('../checkpoint.js');
    writeFileSync(path.join(out, RUN_FILES.checkpoint), encodeCheckpoint({ ...again.checkpoint, config: { ...again.checkpoint.config, maxSteps: 20 } }));
    const back = await readCheckpoint(out);
    expect(back.checkpoint.metrics.eval[1]!.testLoss).toBe(Infinity);
    await runTraining({ config: { ...config, maxSteps: 30 }, data, out, resume: back.checkpoint });
    expect(readFileSync(path.join(out, RUN_FILES.metricsCsv), 'utf8')).toContain('\n10,');
    expect(readFileSync(path.join(out, RUN_FILES.summary), 'utf8')).toMatch(/\| 10 \| [0-9.]+ \| Infinity \| [0-9.]+ \|/);
  });

  it('readCheckpoint names the missing file', async () => {
    await expect(readCheckpoint(path.join(root, 'nowhere'))).rejects.toThrow(/cannot read .*nowhere\/checkpoint\.safetensors \(ENOENT\)/);
  });
});
