// Training steps per second of a preset, in Node (WASM SIMD; BENCH_NODE_THREADS threads, default
// one per logical core, on worker_threads) and in headless Chromium (the built app's worker, WASM
// SIMD with 1 and with every logical core's worth of threads), on the same machine, same code
// (src/worker/measure-steps.ts). Prints a table; writes test-output/steps-per-second.json.
// Presets and step counts: BENCH_PRESETS="mlp-manual:100,cnn:10" (warm-up: 5 steps MLP, 2 CNN).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCifar10 } from '@backprop/data';
import { initBackend } from '@backprop/tensor';
import { describe, expect, it } from 'vitest';
import { serve } from '../server/serve.mjs';
import { measureSteps, type StepTiming } from '../src/worker/measure-steps.js';
import { launchChromium } from '../test/browser.js';
import { ensureBuilt } from '../test/ensure-built.js';

const appDir = path.resolve(import.meta.dirname, '..');
const archive = path.resolve(appDir, '../../../shared/data/cifar-10-binary.tar.gz');
const plan = (process.env.BENCH_PRESETS ?? 'mlp-manual:100,cnn:10').split(',').map((s) => {
  const [preset, steps] = s.split(':');
  return { preset: preset!, steps: Number(steps ?? 20), warmup: preset === 'cnn' ? 2 : 5 };
});
const browserThreads = [...new Set([1, os.availableParallelism()])];

interface Row extends StepTiming {
  where: string;
  threads: number;
}

describe('steps per second, Node vs Chromium', () => {
  it('measures every preset of the plan', async () => {
    const rows: Row[] = [];
    // --- Node
    const info = await initBackend({ threads: Number(process.env.BENCH_NODE_THREADS ?? os.availableParallelism()) });
    const data = await loadCifar10(archive);
    for (const { preset, steps, warmup } of plan) rows.push({ where: 'node', threads: info.threads, ...measureSteps(data, preset, steps, warmup) });

    // --- Chromium, the production build
    const dist = await ensureBuilt();
    const server = await serve({ root: dist, port: 0 });
    try {
      for (const threads of browserThreads) {
        const browser = await launchChromium();
        try {
          const page = await browser.context.newPage();
          await page.goto(`${server.origin}/?threads=${threads}`);
          await page.waitForSelector('#backend[data-threads]');
          await page.setInputFiles('#data-file', archive);
          await page.waitForSelector('#data-status[data-ready="true"]', { timeout: 120_000 });
          for (const { preset, steps, warmup } of plan) {
            const r = (await page.evaluate(
              ([p, s, w]) => (self as unknown as { backpropMeasure: (p: string, s: number, w: number) => Promise<unknown> }).backpropMeasure(p, s, w),
              [preset, steps, warmup] as const,
            )) as StepTiming & { threads: number };
            rows.push({ where: 'chromium', ...r });
          }
        } finally {
          await browser.close();
        }
      }
    } finally {
      await server.close();
    }

    const table = rows.map((r) => `${r.where.padEnd(9)} ${String(r.threads).padStart(2)} thr  ${r.preset.padEnd(11)} ${r.stepsPerSecond.toFixed(2).padStart(8)} steps/s  ${r.msPerStep.toFixed(1).padStart(8)} ms/step  (${r.steps} steps)`);
    for (const { preset } of plan) {
      const node = rows.find((r) => r.where === 'node' && r.preset === preset)!;
      for (const r of rows.filter((x) => x.where === 'chromium' && x.preset === preset)) {
        table.push(`${preset}: chromium ${r.threads} thr / node = ${(r.stepsPerSecond / node.stepsPerSecond).toFixed(2)}×`);
      }
    }
    console.log(`${os.cpus()[0]?.model} × ${os.availableParallelism()}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n${table.join('\n')}`);
    mkdirSync(path.join(appDir, 'test-output'), { recursive: true });
    writeFileSync(path.join(appDir, 'test-output', 'steps-per-second.json'), JSON.stringify(rows, null, 2));
    expect(rows.length).toBe(plan.length * (1 + browserThreads.length));
  });
});
