// The e2e test runs against the production build (what `backprop serve` serves). `pnpm build`
// (scripts/setup.sh) has normally made it; rebuild only when a source is newer than the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const appDir = path.resolve(import.meta.dirname, '..');
const repoRoot = path.resolve(appDir, '../..');
// Vite rewrites index.html on every build, so its time is the build's.
const stamp = path.join(appDir, 'dist', 'index.html');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(p)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, name)));
  }
  return newest;
}

/** Sources the app bundle is made of: this app and every workspace package's src/. */
function newestSource(): number {
  const inputs = ['src', 'index.html', 'gradcheck.html', 'vite.config.ts'].map((f) => path.join(appDir, f));
  for (const pkg of readdirSync(path.join(repoRoot, 'packages'))) inputs.push(path.join(repoRoot, 'packages', pkg, 'src'));
  return Math.max(...inputs.map(newestMtime));
}

/** Builds apps/web/dist unless it is newer than every source; returns the dist folder. */
export async function ensureBuilt(): Promise<string> {
  // Another build to test against (e.g. main's, to see a test fail on the code it fixes).
  if (process.env.BACKPROP_WEB_DIST) return path.resolve(process.env.BACKPROP_WEB_DIST);
  const dist = path.join(appDir, 'dist');
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (builtAt === 0 || newestSource() > builtAt) {
    await build({ root: appDir, configFile: path.join(appDir, 'vite.config.ts'), logLevel: 'warn' });
  }
  return dist;
}
