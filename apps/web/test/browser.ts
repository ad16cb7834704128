// Debian's Chromium driven by playwright-core (no browser download): headless, no sandbox (CI runs
// as root), nothing that phones home, a fresh profile per launch. Self-contained (playwright-core and
// Node only): scripts/pack-check.mjs transpiles this file into a scratch project and launches its
// Chromium pages with it. The app served to such a browser for the e2e tests: app.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1400, height: 1000 }): Promise<Browser> {
  // launchPersistentContext is playwright's way to pass --user-data-dir: a fresh temp profile.
  const profile = mkdtempSync(path.join(os.tmpdir(), 'backprop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
