// Issue 19 in real Chromium: the page is true at every moment (one run's state at a time, Start
// locked while a request is in flight, evaluations that honour Pause/Stop and show progress,
// divergence shown as such), runs last (IndexedDB, reload, continue, CLI checkpoints both ways,
// compare), a look inside (confusion cell → its images, top-3), charts with tooltips / smoothing /
// log scale, and a phone layout with nothing scrolling sideways. Each numbered defect of the issue
// has its test here ("defect N"); each fails on the code before the fix (see the README).
// Screenshots of every view go to test-output/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server/serve.mjs';
import { OUT_DIR as outDir, dataset, openApp, runCli, text, trainWithCli, type App, type Browser } from './app.js';

let app: App | undefined;
let server: RunningServer;
let browser: Browser;
let page: Page;
let tmp: string;
let archive: string;
/** checkpoint.safetensors of a 30-step mlp-manual run written by `backprop train`. */
let cliCheckpoint: string;
let firstRunAccuracy = 0;

beforeAll(async () => {
  app = await openApp('e2e-runs');
  ({ server, browser, page, tmp, archive } = app);
  cliCheckpoint = path.join(await trainWithCli(app, 30), 'checkpoint.safetensors');
}, 240_000);

afterAll(() => app?.close());

const stepOf = async (p: Page) => Number((await text(p, '#step')).split(' / ')[0]);
const waitStep = (p: Page, n: number, timeout = 60_000) =>
  p.waitForFunction((k) => Number(document.getElementById('step')?.textContent?.split(' / ')[0]) >= k, n, { timeout });
const pageUrl = (query: string) => `${server.url}&${query}`;
const runRow = (name: string) => `#run-list tr[data-run]:has(b:text-is("${name}"))`;

describe('issue 19: the web app in Chromium', () => {
  it('shows how to start while nothing has run, and takes settings from the URL', async () => {
    await page.goto(`${server.origin}/?preset=mlp&lr=0.05&hidden=64,32&steps=123`);
    expect(await page.inputValue('#preset')).toBe('mlp');
    expect(await page.inputValue('#learning-rate')).toBe('0.05');
    expect(await page.inputValue('#hidden-units')).toBe('64,32');
    expect(await page.inputValue('#max-steps')).toBe('123');
    expect(await page.isVisible('#empty')).toBe(true);
    await page.screenshot({ path: path.join(outDir, 'empty-state.png'), fullPage: true });
  });

  it('defect 1: a double-click on Start starts one run, and Pause then pauses it', async () => {
    await page.goto(pageUrl('preset=mlp-manual&steps=100&eval=50'));
    await page.waitForSelector('#data-status[data-ready="true"]', { timeout: 120_000 });
    await page.dblclick('#start');
    await waitStep(page, 20);
    await page.click('#pause');
    await page.waitForSelector('body[data-state="paused"]', { timeout: 10_000 });
    const pausedAt = await stepOf(page);
    await page.waitForTimeout(1000);
    expect(await stepOf(page)).toBe(pausedAt);
    expect(await page.isVisible('#error'), await text(page, '#error')).toBe(false);
    await page.click('#pause'); // Resume
    await page.waitForSelector('#done[data-reason="completed"]', { timeout: 120_000 });
    firstRunAccuracy = Number(await dataset(page, '#test-accuracy', 'value'));
    expect(firstRunAccuracy).toBeGreaterThan(0.2);
    expect(await page.$$eval('#run-list tr[data-run]', (rows) => rows.length)).toBe(1); // one run, not two
    expect(new URL(page.url()).searchParams.get('steps')).toBe('100'); // the settings are shareable
  });

  it('opens the test images of a confusion-matrix cell, each with its top-3 probabilities', async () => {
    const cell = '#confusion td[data-true="3"][data-pred="5"]'; // true cat, predicted dog
    const count = Number(await text(page, cell));
    expect(count).toBeGreaterThan(0);
    await page.click(cell);
    await page.waitForSelector('#gallery:not([hidden]) figure', { timeout: 20_000 });
    expect(Number(await dataset(page, '#gallery', 'total'))).toBe(count);
    const shown = Math.min(40, count);
    expect(await page.$$eval('#gallery figure canvas', (c) => c.length)).toBe(shown);
    const tops = await page.$$eval('#gallery figure', (figs) => figs.map((f) => [...f.querySelectorAll('li')].map((li) => li.textContent ?? '')));
    for (const top of tops) {
      expect(top).toHaveLength(3);
      expect(top[0]).toMatch(/^dog \d+%$/); // the predicted class leads
    }
    expect(await page.$$eval('#prediction-grid ol.top3', (ls) => ls.filter((l) => l.children.length === 3).length)).toBe(40);
    await page.screenshot({ path: path.join(outDir, 'train-gallery.png'), fullPage: true });
  });

  it('draws curves with tooltips, a smoothing slider and a log scale', async () => {
    await page.locator('#gallery .close').click();
    // The chart's last layer: invisible points that carry the tooltips.
    const dot = page.locator('#loss-chart svg .role-mark.layer_3_marks path').last();
    await dot.hover({ force: true });
    await page.waitForSelector('.chart-tooltip:not([hidden])', { timeout: 5_000 });
    expect(await text(page, '.chart-tooltip')).toMatch(/step: \d+/);
    await page.check('#log-scale');
    await page.waitForSelector('#loss-chart[data-log="true"]', { timeout: 5_000 });
    await page.fill('#smoothing', '0');
    await page.dispatchEvent('#smoothing', 'input');
    await page.waitForSelector('#loss-chart[data-smoothing="0"]', { timeout: 5_000 });
    await page.uncheck('#log-scale');
  });

  it('defects 2 and 5: a new run clears every view; an evaluation shows its progress and obeys Pause and Stop; a CNN step reads in s/step', async () => {
    await page.selectOption('#preset', 'cnn');
    await page.fill('#max-steps', '2');
    await page.fill('#eval-freq', '1');
    await page.click('#start');
    await page.waitForSelector('body[data-state="running"]', { timeout: 60_000 });
    // Nothing of the MLP run is left on screen as if it were the CNN's.
    expect(await page.$$('#confusion table')).toHaveLength(0);
    expect(await page.$$('#weights canvas')).toHaveLength(0);
    expect(await text(page, '#test-accuracy')).toBe('—');
    expect(await dataset(page, '#prediction-grid', 'predicted')).toBeNull();
    expect(await text(page, '#done')).toBe('');
    expect(await text(page, '#description')).not.toMatch(/MLP/);

    await page.waitForFunction(() => Number(document.getElementById('eval-progress')?.dataset.done) > 0 && !document.getElementById('eval-progress')?.hidden, null, { timeout: 120_000 });
    expect(await text(page, '#steps-per-second')).toMatch(/\d s\/step|steps\/s/);
    expect(await text(page, '#steps-per-second')).not.toMatch(/^0\.00/);
    expect(await text(page, '#eta')).not.toBe('—');
    await page.click('#pause');
    await page.waitForSelector('body[data-state="paused"]', { timeout: 30_000 });
    const done = await dataset(page, '#eval-progress', 'done');
    await page.waitForTimeout(1500);
    expect(await dataset(page, '#eval-progress', 'done')).toBe(done); // paused mid-evaluation
    expect(await text(page, '#eval-text')).toMatch(/evaluating the model of step 1: [\d,]+ \/ 10,000 test images/);
    await page.screenshot({ path: path.join(outDir, 'cnn-eval-paused.png'), fullPage: true });
    await page.click('#pause'); // Resume
    await page.waitForFunction((d) => Number(document.getElementById('eval-progress')?.dataset.done) > Number(d), done, { timeout: 60_000 });
    const stopAsked = Date.now();
    await page.click('#stop');
    await page.waitForSelector('#done[data-reason="stopped"]', { timeout: 60_000 }); // one chunk of 50 images
    console.log(`e2e-runs: Stop during the CNN evaluation took ${Date.now() - stopAsked} ms; speed read-out '${await text(page, '#steps-per-second')}'`);
    expect(await page.isVisible('#eval-progress')).toBe(false);
    await page.waitForSelector(`${runRow('#2 cnn')}[data-status="stopped"]`, { timeout: 10_000 }); // stored, then listed
  });

  it('defect 3: a diverged run is shown as diverged, its model download marked', async () => {
    await page.selectOption('#preset', 'mlp-manual');
    await page.fill('#learning-rate', '0.1');
    await page.fill('#max-steps', '300');
    await page.fill('#eval-freq', '100');
    await page.click('#start');
    await page.waitForSelector('#done[data-reason]', { timeout: 120_000 });
    expect(await dataset(page, '#done', 'reason')).toBe('diverged');
    expect(await text(page, '#done')).toMatch(/^diverged at step \d+: the training loss became (NaN|Infinity)/);
    expect(await page.$eval('#done', (e) => e.classList.contains('bad'))).toBe(true);
    expect(await text(page, '#download-model')).toMatch(/diverged/);
    expect(await page.isVisible('#download-warning')).toBe(true);
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download-model')]);
    expect(file.suggestedFilename()).toMatch(/^mlp-manual-step0-DIVERGED-at-\d+-last-finite\.safetensors$/); // the step-0 checkpoint's weights
    const bytes = readFileSync((await file.path())!);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { data_offsets: [number, number] }> & { __metadata__: Record<string, string> };
    expect(header.__metadata__.diverged).toMatch(/^diverged at step \d+/);
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 8 + headerLength));
    expect(weights.every(Number.isFinite)).toBe(true);
    await page.waitForSelector(`${runRow('#3 mlp-manual')}[data-status="diverged"]`, { timeout: 10_000 });
    await page.screenshot({ path: path.join(outDir, 'diverged.png'), fullPage: true });
  });

  it('defect 7: a reload asks first while a run goes, keeps every run with its final accuracy, and continues one to 200 steps', async () => {
    await page.selectOption('#preset', 'mlp-manual');
    await page.fill('#learning-rate', '0.001');
    await page.fill('#max-steps', '2000');
    await page.click('#start');
    await waitStep(page, 5);
    const dialog = new Promise<string>((resolve) => page.once('dialog', (d) => void d.accept().then(() => resolve(d.type()))));
    await page.reload();
    expect(await dialog).toBe('beforeunload');
    await page.waitForSelector('#data-status[data-ready="true"]', { timeout: 120_000 });
    await page.waitForSelector(runRow('#1 mlp-manual'));
    expect(await dataset(page, runRow('#4 mlp-manual'), 'status')).toBe('interrupted');
    expect(await text(page, `${runRow('#1 mlp-manual')} .final-accuracy`)).toBe(`${(100 * firstRunAccuracy).toFixed(2)}%`);

    await page.click(`${runRow('#1 mlp-manual')} button[data-action="continue"]`);
    await page.waitForSelector('#resume-banner:not([hidden])');
    expect(await page.isDisabled('#learning-rate')).toBe(true); // the checkpoint's config is fixed
    await page.fill('#max-steps', '200');
    await page.click('#start');
    await waitStep(page, 120);
    await page.fill('#learning-rate', '0.0005'); // a live change, recorded with the run
    await page.dispatchEvent('#learning-rate', 'change');
    await page.waitForSelector('#done[data-reason="completed"]', { timeout: 120_000 });
    expect(await dataset(page, '#done', 'step')).toBe('200');
    expect(await dataset(page, '#test-accuracy', 'step')).toBe('200');
    // Steps 1…200 and the evaluations at 0, 50, 100 (from the checkpoint), 150 and 200.
    await page.waitForSelector('#loss-chart[data-points="205"]', { timeout: 10_000 });
    await page.waitForSelector(`${runRow('#1 mlp-manual')} td.num:text-is("200 / 200")`, { timeout: 10_000 }); // stored, then listed
    expect(await text(page, runRow('#1 mlp-manual'))).toMatch(/lr changed 1×/);
    await page.screenshot({ path: path.join(outDir, 'runs-continued.png'), fullPage: true });
  });

  it('continues a checkpoint written by the CLI, and the CLI continues one saved by the page', async () => {
    await page.setInputFiles('#checkpoint-file', cliCheckpoint);
    await page.waitForSelector('#resume-banner:not([hidden])', { timeout: 30_000 });
    expect(await text(page, '#resume-text')).toMatch(/step 30 of mlp-manual, trained on this CIFAR-10 \(SHA-256 checked\)/);
    await page.fill('#max-steps', '60');
    await page.fill('#eval-freq', '30');
    await page.click('#start');
    await page.waitForSelector('#done[data-reason="completed"]', { timeout: 120_000 });
    expect(await dataset(page, '#test-accuracy', 'step')).toBe('60');
    expect(await text(page, '#description')).toMatch(/continued from step 30/);

    const [saved] = await Promise.all([page.waitForEvent('download'), page.click('#download-checkpoint')]);
    const file = path.join(tmp, saved.suggestedFilename());
    await saved.saveAs(file);
    const out = path.join(tmp, 'cli-continued');
    await runCli(['train', '--resume', file, '--max-steps', '80', '--eval-freq', '20', '--data', archive, '--out', out, '--threads', '1']);
    const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8')) as { train: { step: number }[]; eval: { step: number }[] };
    expect(metrics.train.at(-1)?.step).toBe(80);
    expect(metrics.eval.map((e) => e.step)).toEqual([0, 30, 60, 80]); // the CLI's 0 and 30, the page's 60, the CLI's 80
  });

  it('overlays the curves of the runs ticked in the run list', async () => {
    await page.check(`${runRow('#1 mlp-manual')} input[type="checkbox"]`);
    await page.check(`${runRow('#5 mlp-manual')} input[type="checkbox"]`);
    await page.waitForSelector('#compare:not([hidden])');
    await page.waitForFunction(() => (document.getElementById('compare-loss')?.dataset.series ?? '').split('|').length === 2, null, { timeout: 10_000 });
    expect((await dataset(page, '#compare-loss', 'series'))!.split('|').sort()).toEqual(['#1 mlp-manual', '#5 mlp-manual']);
    for (const id of ['#compare-loss', '#compare-accuracy']) {
      const lines = await page.$$eval(`${id} svg .mark-line path`, (ps) => ps.filter((p) => (p.getAttribute('d') ?? '').length > 20).length);
      expect(lines, id).toBeGreaterThanOrEqual(2);
    }
    await page.locator('#compare').screenshot({ path: path.join(outDir, 'compare.png') });
    await page.locator('#run-list').screenshot({ path: path.join(outDir, 'run-list.png') });
  });

  it('defect 8: data errors in plain words beside the Data box, settings errors that go away, no fields that do not apply', async () => {
    await page.fill('#max-steps', '0');
    await page.click('#start');
    expect(await page.isVisible('#error')).toBe(true);
    await page.fill('#max-steps', '100');
    expect(await page.isVisible('#error')).toBe(false);

    await page.selectOption('#preset', 'cnn');
    expect(await page.isVisible('#hidden-units')).toBe(false);
    expect(await text(page, '#fixed-note')).toMatch(/CNN/);
    await page.selectOption('#preset', 'mlp-manual');

    await page.setInputFiles('#data-file', { name: 'cifar-10-binary.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from('this is not an archive') });
    await page.waitForSelector('#data-section #data-error:not([hidden])', { timeout: 30_000 });
    expect(await text(page, '#data-error')).toMatch(/^This file is not a CIFAR-10 archive the page can read/);
    expect(await page.isVisible('#error')).toBe(false);
    await page.locator('#data-section').screenshot({ path: path.join(outDir, 'data-error.png') });
  });

  it('defect 6: at 390 px nothing scrolls sideways, the output comes first and the status is in view after Start', async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    const wide = () => phone.evaluate(() => document.documentElement.scrollWidth);
    await phone.goto(pageUrl('preset=mlp-manual&steps=60&eval=30'));
    await phone.waitForSelector('#data-status[data-ready="true"]', { timeout: 120_000 });
    expect(await wide()).toBeLessThanOrEqual(390);
    const viewsTop = await phone.$eval('.views', (e) => e.getBoundingClientRect().top);
    const asideTop = await phone.$eval('aside', (e) => e.getBoundingClientRect().top);
    expect(viewsTop).toBeLessThan(asideTop);
    await phone.locator('#start').scrollIntoViewIfNeeded();
    await phone.click('#start');
    await phone.waitForSelector('body[data-state="running"]', { timeout: 30_000 });
    const status = await phone.$eval('#status', (e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: innerHeight };
    });
    expect(status.top).toBeGreaterThanOrEqual(-2); // sticky at the top: -1 is sub-pixel scrolling
    expect(status.bottom).toBeLessThanOrEqual(status.height);
    await phone.waitForSelector('#done[data-reason="completed"]', { timeout: 120_000 });
    await phone.click('#confusion td[data-true="3"][data-pred="5"]');
    await phone.waitForSelector('#gallery:not([hidden]) figure', { timeout: 20_000 });
    await phone.waitForTimeout(600); // the last chart draw
    expect(await wide()).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(outDir, 'phone-train.png'), fullPage: true });

    await phone.goto(`${server.origin}/gradcheck.html`);
    await phone.waitForFunction(() => document.querySelectorAll('table.checks tr.pass, table.checks tr.fail').length >= 1, null, { timeout: 120_000 });
    expect(await wide()).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(outDir, 'phone-gradcheck.png') });
    await phone.close();
  });
});
