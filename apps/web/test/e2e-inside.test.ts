// Issue 19 in real Chromium, the look inside and models that come back: per-layer gradient and
// activation statistics over the steps (the trainer's observation hook) for the manual MLP and the
// CNN, one series per layer with finite values; a downloaded model.safetensors (and a CLI run
// folder's) loaded back and evaluated to the accuracy shown before, trained on from its weights,
// and refused with the tensor and both shapes when it does not fit. Screenshots in test-output/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server/serve.mjs';
import { OUT_DIR as outDir, dataset, openApp, text, trainWithCli, type App } from './app.js';

let app: App | undefined;
let server: RunningServer;
let page: Page;
let tmp: string;
/** A CLI run folder of a 30-step mlp-manual run: model.safetensors and metrics.json. */
let cliRun: string;
/** The page's model download after its mlp-manual run, and the accuracy the page showed for it. */
let downloaded = '';
let shownAccuracy = Number.NaN;
/** What the layer-activity view showed at the end of that run: its charts' series and its table. */
let shownActivity: { charts: Awaited<ReturnType<typeof activityCharts>>; table: string } | null = null;

beforeAll(async () => {
  app = await openApp('e2e-inside');
  ({ server, page, tmp } = app);
  cliRun = await trainWithCli(app, 30);
}, 240_000);

afterAll(() => app?.close());

/** Per chart of the activity view: its series (layers) and the number of lines drawn. */
async function activityCharts(p: Page): Promise<Record<string, { series: string[]; lines: number }>> {
  return p.$$eval('#layer-activity [data-chart]', (hosts) =>
    Object.fromEntries(
      hosts.map((h) => [
        (h as HTMLElement).dataset.chart!,
        {
          series: ((h as HTMLElement).dataset.series ?? '').split('|').filter(Boolean),
          // one path per series; a path of two points at similar values has a short `d`, so any drawn one counts
          lines: [...h.querySelectorAll('svg .mark-line path')].filter((path) => /^M[^L]*L/.test(path.getAttribute('d') ?? '')).length,
        },
      ]),
    ),
  );
}

/** The layers whose saturation the table shows (a percentage, not '—'): the activations. */
const saturatedRows = (p: Page) =>
  p.$$eval('#layer-activity table tr', (rows) => rows.filter((r) => /%$/.test((r as HTMLTableRowElement).cells[4]?.textContent ?? '')).map((r) => (r as HTMLTableRowElement).cells[0]!.textContent));

/** Loads a model file through the page's "Load a model" input; resolves with the accuracy it shows. */
async function loadModel(p: Page, file: string): Promise<number> {
  await p.setInputFiles('#model-file', file);
  await p.waitForSelector('#model-result[data-accuracy]:not([hidden])', { timeout: 60_000 });
  return Number(await dataset(p, '#model-result', 'accuracy'));
}

describe('issue 19: inside the network, and models that load back', () => {
  it('mlp-manual: gradient-norm and activation mean/std curves, one series per layer, finite, for every observed step', async () => {
    await page.goto(`${server.url}&preset=mlp-manual&steps=60&eval=30`);
    await page.waitForSelector('#data-status[data-ready="true"]', { timeout: 120_000 });
    await page.click('#start');
    await page.waitForSelector('#done[data-reason="completed"]', { timeout: 120_000 });
    // 60 steps: every step observed (about 100 a run), the last drawn within 300 ms of its message.
    await page.waitForSelector('#layer-activity[data-points="60"]', { timeout: 10_000 });
    expect(await dataset(page, '#layer-activity', 'finite')).toBe('true');
    expect(await dataset(page, '#layer-activity', 'step')).toBe('60');
    const charts = await activityCharts(page);
    // 3072-100-10: Linear, ELU, Linear; weight gradients of the two Linears.
    expect(charts.gradNorm).toEqual({ series: ['layers.0', 'layers.2'], lines: 2 });
    expect(charts.activationMean).toEqual({ series: ['layers.0', 'layers.1', 'layers.2'], lines: 3 });
    expect(charts.activationStd).toEqual({ series: ['layers.0', 'layers.1', 'layers.2'], lines: 3 });
    expect(await saturatedRows(page)).toEqual(['layers.1']); // the ELU
    await page.locator('#layer-activity').screenshot({ path: path.join(outDir, 'layer-activity-mlp-manual.png') });
    shownActivity = { charts, table: await text(page, '#layer-activity table') };

    shownAccuracy = Number(await dataset(page, '#test-accuracy', 'value'));
    expect(await dataset(page, '#test-accuracy', 'step')).toBe('60');
    expect(shownAccuracy).toBeGreaterThan(0.15);
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download-model')]);
    downloaded = path.join(tmp, file.suggestedFilename());
    await file.saveAs(downloaded);
  });

  it('the downloaded model loads back and evaluates to the accuracy shown for the run; a CLI model.safetensors too', async () => {
    expect(await loadModel(page, downloaded)).toBe(shownAccuracy);
    expect(await text(page, '#model-result-text')).toMatch(new RegExp(`^${path.basename(downloaded).replace(/\./g, '\\.')} \\(step 60\\) in the mlp-manual model: test accuracy ${(100 * shownAccuracy).toFixed(2)}%`));
    const cliMetrics = JSON.parse(readFileSync(path.join(cliRun, 'metrics.json'), 'utf8')) as { eval: { step: number; testAccuracy: number }[] };
    const cliFinal = cliMetrics.eval.at(-1)!;
    expect(cliFinal.step).toBe(30);
    expect(await loadModel(page, path.join(cliRun, 'model.safetensors'))).toBe(cliFinal.testAccuracy);
    await page.locator('#data-section').screenshot({ path: path.join(outDir, 'model-loaded.png') });
  });

  it('a model of other shapes is refused, naming the tensor, the expected and the actual shape', async () => {
    await page.selectOption('#preset', 'mlp');
    await page.fill('#hidden-units', '50');
    await page.setInputFiles('#model-file', downloaded);
    await page.waitForSelector('#data-error:not([hidden])', { timeout: 30_000 });
    expect(await text(page, '#data-error')).toMatch(
      /does not fit the mlp model of these settings \(the file is of preset 'mlp-manual'\): loadState: size mismatch for layers\.0\.weight: expected \[50, 3072\], got \[100, 3072\]/,
    );
    expect(await page.isVisible('#model-result')).toBe(false);
  });

  it('trains on from a loaded model: its step-0 evaluation is the loaded accuracy', async () => {
    await page.selectOption('#preset', 'mlp-manual');
    await page.fill('#max-steps', '20');
    await page.fill('#eval-freq', '20');
    await page.check('#eval-at-start');
    expect(await loadModel(page, downloaded)).toBe(shownAccuracy);
    await page.click('#model-train');
    await page.waitForSelector('#done[data-reason="completed"]', { timeout: 120_000 });
    expect(await text(page, '#description')).toMatch(/from the weights of /);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-metrics')]);
    const rows = readFileSync((await csv.path())!, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const step0 = rows.find((r) => r[0] === '0')!;
    expect(Number(step0[3])).toBe(shownAccuracy);
  });

  it('cnn: one series per layer (features.0 … features.19, classifier), finite, from the first steps', async () => {
    await page.selectOption('#preset', 'cnn');
    await page.fill('#max-steps', '2');
    await page.fill('#eval-freq', '2');
    await page.click('#start');
    await page.waitForSelector('#layer-activity[data-points="2"]', { timeout: 180_000 });
    expect(await dataset(page, '#layer-activity', 'finite')).toBe('true');
    const charts = await activityCharts(page);
    const layers = [...Array.from({ length: 20 }, (_, i) => `features.${i}`), 'classifier'];
    expect(charts.activationMean).toEqual({ series: layers, lines: layers.length });
    expect(charts.activationStd).toEqual({ series: layers, lines: layers.length });
    // Every weight of the CNN (convolutions, BatchNorm scales, the classifier), one line each.
    expect(charts.gradNorm!.series[0]).toBe('features.0');
    expect(charts.gradNorm!.series.at(-1)).toBe('classifier');
    expect(charts.gradNorm!.lines).toBe(charts.gradNorm!.series.length);
    expect(await saturatedRows(page)).toEqual(['features.19']); // the ReLU before the classifier
    await page.locator('#layer-activity').screenshot({ path: path.join(outDir, 'layer-activity-cnn.png') });
    // The whole-test-set evaluation at step 2 takes minutes on two cores: stop it.
    await page.click('#stop');
    await page.waitForSelector('#done[data-reason="stopped"]', { timeout: 120_000 });
  });

  it('a stored run keeps its layer statistics: after a reload, opening it shows the same series and table', async () => {
    expect(shownActivity).not.toBeNull();
    await page.reload();
    const row = '#run-list tr[data-run]:has(b:text-is("#1 mlp-manual"))';
    await page.waitForSelector(row, { timeout: 60_000 });
    await page.click(`${row} button[data-action="continue"]`);
    await page.waitForSelector('#layer-activity[data-points="60"]', { timeout: 10_000 });
    expect(await dataset(page, '#layer-activity', 'step')).toBe('60');
    expect(await dataset(page, '#layer-activity', 'finite')).toBe('true');
    expect(await activityCharts(page)).toEqual(shownActivity!.charts);
    expect(await text(page, '#layer-activity table')).toBe(shownActivity!.table);
    await page.locator('#layer-activity').screenshot({ path: path.join(outDir, 'layer-activity-stored.png') });
  });
});
