// End to end in real Chromium: the production build served with the COOP/COEP headers, CIFAR-10
// through the file input, mlp-manual trained for 300 steps in the worker on WASM SIMD threads,
// and the page's own read-outs checked: accuracy, curves, prediction grid, confusion matrix,
// weights, pause/resume, a learning-rate change and both downloads.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server/serve.mjs';
import { OUT_DIR as outDir, dataset as datasetOn, openApp, text as textOn, type App } from './app.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const STEPS = 300;

let app: App | undefined;
let server: RunningServer;
let page: Page;
let archive: string;

beforeAll(async () => {
  app = await openApp('e2e');
  ({ server, page, archive } = app);
}, 240_000);

afterAll(() => app?.close());

const dataset = (selector: string, key: string) => datasetOn(page, selector, key);
const text = (selector: string) => textOn(page, selector);

describe('the web app in Chromium', () => {
  it('is cross-origin isolated and runs WASM SIMD on more than one thread', async () => {
    await page.goto(`${server.origin}/?preset=mlp-manual`);
    await page.waitForSelector('#backend[data-threads]', { timeout: 60_000 });
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    expect(await dataset('#backend', 'backend')).toBe('wasm');
    expect(await dataset('#backend', 'simd')).toBe('true');
    expect(Number(await dataset('#backend', 'threads'))).toBeGreaterThan(1);
    // Backprop's engine runs in the browser too, on Chromium's relaxed SIMD (on by default there).
    expect(await dataset('#backend', 'engine')).toBe('fma');
  });

  it('loads CIFAR-10 through the file input', async () => {
    await page.setInputFiles('#data-file', archive);
    await page.waitForSelector('#data-status[data-ready="true"]', { timeout: 120_000 });
    expect(await text('#data-status')).toMatch(/50,000 train \/ 10,000 test/);
    expect(await page.$$eval('#prediction-grid canvas', (c) => c.length)).toBe(40);
  });

  it(`trains mlp-manual for ${STEPS} steps, pausing, resuming and changing the learning rate on the way`, async () => {
    await page.fill('#max-steps', String(STEPS));
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('step')?.textContent?.split(' / ')[0]) >= 40, null, { timeout: 60_000 });

    await page.click('#pause');
    await page.waitForSelector('body[data-state="paused"]', { timeout: 10_000 });
    const pausedAt = await text('#step');
    await page.waitForTimeout(1500);
    expect(await text('#step')).toBe(pausedAt); // nothing moves while paused
    await page.click('#pause'); // now "Resume"
    await page.waitForSelector('body[data-state="running"]', { timeout: 10_000 });

    await page.waitForFunction(() => Number(document.getElementById('step')?.textContent?.split(' / ')[0]) >= 200, null, { timeout: 120_000 });
    await page.fill('#learning-rate', '0.0005');
    await page.dispatchEvent('#learning-rate', 'change');
    await page.waitForFunction(() => document.getElementById('current-lr')?.textContent === '0.0005', null, { timeout: 30_000 });

    await page.waitForSelector('#done[data-reason="completed"]', { timeout: 180_000 });
    expect(await dataset('#done', 'step')).toBe(String(STEPS));
    const accuracy = Number(await dataset('#test-accuracy', 'value'));
    expect(await dataset('#test-accuracy', 'step')).toBe(String(STEPS));
    console.log(`e2e: mlp-manual ${STEPS} steps → test accuracy ${accuracy}, ${await dataset('#steps-per-second', 'value')} steps/s, ${await dataset('#backend', 'threads')} threads`);
    expect(accuracy).toBeGreaterThanOrEqual(0.3);
    expect(accuracy).toBeLessThan(1);
  });

  it('draws the curves, the prediction grid, the confusion matrix and the first-layer weights', async () => {
    // Charts redraw at most twice a second; wait for the final points (300 losses + 4 evaluations).
    await page.waitForFunction(() => document.getElementById('loss-chart')?.dataset.points === String(300 + 4), null, { timeout: 10_000 });
    for (const id of ['#loss-chart', '#accuracy-chart']) {
      const paths = await page.$$eval(`${id} svg path`, (ps) => ps.filter((p) => (p.getAttribute('d') ?? '').length > 50).length);
      expect(paths, id).toBeGreaterThan(0);
    }
    expect(await dataset('#prediction-grid', 'predicted')).toBe('40');
    const right = Number(await dataset('#prediction-grid', 'right'));
    expect(right).toBeGreaterThan(4); // chance level is 4 of 40
    const confusionTotal = await page.$$eval('#confusion td', (tds) => tds.reduce((s, td) => s + Number(td.textContent), 0));
    expect(confusionTotal).toBe(10_000);
    expect(await dataset('#weights', 'name')).toBe('layers.0.weight');
    expect(await page.$$eval('#weights canvas', (c) => c.length)).toBe(100);
    await page.screenshot({ path: path.join(outDir, 'train-mlp-manual.png'), fullPage: true });
    await page.locator('.views').screenshot({ path: path.join(outDir, 'views.png') });
  });

  it('downloads the metrics as CSV and the model as safetensors', async () => {
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-metrics')]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('step,train_loss,test_loss,test_accuracy');
    expect(csv).toHaveLength(1 + STEPS + 1); // header, step 0 (eval only), steps 1…300

    const [modelDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-model')]);
    const bytes = readFileSync((await modelDownload.path())!);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header['layers.0.weight']).toMatchObject({ dtype: 'F32', shape: [100, 3072] });
    expect(header['layers.2.weight']).toMatchObject({ dtype: 'F32', shape: [10, 100] });
    expect(bytes.length).toBe(8 + headerLength + 4 * (100 * 3072 + 100 + 10 * 100 + 10));
  });

  it('checks every hand-derived gradient on the gradient-check page', async () => {
    await page.goto(`${server.origin}/gradcheck.html`);
    await page.waitForSelector('#summary[data-done="true"]', { timeout: 120_000 });
    // As many rows as `backprop gradcheck` prints: the README's count, which
    // packages/layers/src/grad-check-all.test.ts ties to gradCheckAll().length.
    const claimed = /Gradient checks \(`pnpm backprop gradcheck`\): all (\d+) rows pass/.exec(readFileSync(path.join(repoRoot, 'README.md'), 'utf8'))?.[1];
    expect(claimed, "README's gradient-check count").toBeDefined();
    expect(Number(await dataset('#summary', 'total'))).toBe(Number(claimed));
    expect(Number(await dataset('#summary', 'failures'))).toBe(0);
    expect(await page.$$eval('.module .katex', (k) => k.length)).toBeGreaterThan(15); // derivations typeset
    expect(await page.$$eval('#module-LayerNorm tr.pass', (r) => r.length)).toBeGreaterThanOrEqual(6);
    await page.screenshot({ path: path.join(outDir, 'gradcheck.png'), fullPage: true });
  });

  it('loads the archive from the URL `backprop serve --data` gives it', async () => {
    await page.goto(server.url); // …/?data=/data/cifar-10-binary.tar.gz
    await page.waitForSelector('#data-status[data-ready="true"]', { timeout: 120_000 });
    expect(await text('#data-status')).toMatch(/50,000 train \/ 10,000 test/);
  });
});
