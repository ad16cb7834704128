// The CNN (Part 4 of docs/reference-settings.md) through the UI in real Chromium, end to end: pick the preset, train a few
// steps on WASM SIMD threads, evaluate the whole test set once, and check what the page shows
// for a conv net (64 first-layer 3×3 filters, curves, predictions). Opt-in (BACKPROP_SLOW_TESTS=1):
// one whole-test evaluation of the CNN takes minutes on this machine's two cores.
//   BACKPROP_SLOW_TESTS=1 npx vitest run test/e2e-cnn.test.ts
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUT_DIR as outDir, dataset, openApp, type App } from './app.js';

const STEPS = Number(process.env.CNN_UI_STEPS ?? 20);
const slow = process.env.BACKPROP_SLOW_TESTS === '1';

/** Opened in beforeAll: the suite is skipped unless BACKPROP_SLOW_TESTS is set. */
let app: App | undefined;

describe.skipIf(!slow)('the CNN in the web app', () => {
  beforeAll(async () => {
    app = await openApp('e2e-cnn');
  }, 240_000);

  afterAll(() => app?.close());

  it(`trains cnn for ${STEPS} steps through the UI and evaluates the whole test set`, async () => {
    const { page, server } = app!;
    const started = Date.now();
    await page.goto(`${server.url}&preset=cnn`);
    await page.waitForSelector('#data-status[data-ready="true"]', { timeout: 120_000 });
    await page.selectOption('#preset', 'cnn');
    expect(await page.isChecked('#eval-at-start')).toBe(false); // the CNN preset skips the step-0 pass
    expect(await page.isDisabled('#hidden-units')).toBe(true);
    await page.fill('#max-steps', String(STEPS));
    await page.fill('#eval-freq', String(STEPS));
    await page.click('#start');
    await page.waitForSelector('#done[data-reason="completed"]', { timeout: 1_500_000 });
    const read = (selector: string, key: string) => dataset(page, selector, key);
    const accuracy = Number(await read('#test-accuracy', 'value'));
    const threads = await read('#backend', 'threads');
    console.log(`e2e-cnn: ${STEPS} steps + 1 evaluation in ${((Date.now() - started) / 1000).toFixed(0)} s → test accuracy ${accuracy}, ${await read('#steps-per-second', 'value')} steps/s, ${threads} threads`);
    expect(await read('#test-accuracy', 'step')).toBe(String(STEPS));
    expect(accuracy).toBeGreaterThan(0.15); // chance is 0.10; 20 steps of Adam 1e-4 reach about 0.2
    expect(await read('#weights', 'name')).toBe('features.0.weight'); // conv0, 64 filters 3×3×3
    expect(await page.$$eval('#weights canvas', (c) => c.length)).toBe(64);
    expect(await read('#prediction-grid', 'predicted')).toBe('40');
    const lossPaths = await page.$$eval('#loss-chart svg path', (ps) => ps.filter((p) => (p.getAttribute('d') ?? '').length > 50).length);
    expect(lossPaths).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(outDir, 'train-cnn.png'), fullPage: true });
  }, 1_800_000);
});
