// The web app as an end-to-end test drives it (openApp): the production build served with its COOP/COEP
// headers and the CIFAR-10 archive, one Chromium (browser.ts) with a logged page, a scratch folder; and
// the CLI beside it (runCli, trainWithCli).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { serve, type RunningServer } from '../server/serve.mjs';
import { launchChromium, type Browser } from './browser.js';
import { ensureBuilt } from './ensure-built.js';
import { testArchive } from './test-archive.js';

export type { Browser };

const runFile = promisify(execFile);

/**
 * What an end-to-end test drives: the production build served with its COOP/COEP headers and the
 * CIFAR-10 archive, one Chromium with a page on it whose console and errors are collected, and a
 * scratch folder; `close` prints the last of the log and removes everything it made.
 */
export interface App {
  server: RunningServer;
  browser: Browser;
  page: Page;
  /** The CIFAR-10 archive the server serves and the tests load (test-archive.ts). */
  archive: string;
  /** A fresh temporary folder for downloads and CLI runs. */
  tmp: string;
  /** The page's console messages and uncaught errors. */
  log: string[];
  close(): Promise<void>;
}

/** Where the tests' screenshots go (apps/web/test-output/, described in the README). */
export const OUT_DIR = path.resolve(import.meta.dirname, '../test-output');

/** Builds the app if a source changed, serves it, opens Chromium and a page. `test` names the suite in errors. */
export async function openApp(test: string): Promise<App> {
  const archive = testArchive(test);
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), `backprop-${test}-`));
  const log: string[] = [];
  const server = await serve({ root: await ensureBuilt(), dataPath: archive, port: 0 });
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  return {
    server,
    browser,
    page,
    archive,
    tmp,
    log,
    async close() {
      if (log.length) console.log(log.slice(-20).join('\n'));
      await browser.close();
      await server.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

const CLI = path.resolve(import.meta.dirname, '../../cli/dist/cli.js');

/** Runs the built `backprop` command (apps/cli/dist) with `args`; rejects with its output when it fails. */
export async function runCli(args: string[]): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`runCli: the CLI must be built (${CLI}); run pnpm build`);
  await runFile(process.execPath, [CLI, ...args]);
}

/** A CLI run folder under `app.tmp`: `backprop train mlp-manual` for `steps` steps on one thread, evaluated at the end. */
export async function trainWithCli(app: App, steps: number): Promise<string> {
  const out = path.join(app.tmp, 'cli-run');
  await runCli(['train', 'mlp-manual', '--max-steps', String(steps), '--eval-freq', String(steps), '--data', app.archive, '--out', out, '--threads', '1']);
  return out;
}

/** `data-<key>` of the element `selector` finds, or null. */
export const dataset = (p: Page, selector: string, key: string) => p.$eval(selector, (el, k) => (el as HTMLElement).dataset[k] ?? null, key);
/** The text of the element `selector` finds. */
export const text = (p: Page, selector: string) => p.$eval(selector, (el) => el.textContent ?? '');
