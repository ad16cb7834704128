// Packs every publishable workspace package (`pnpm pack`), installs the tarballs into an empty
// folder outside the workspace, and imports each main export under plain Node — as a user would.
// Then runs the plain-Node training smoke test against the installed @backprop/tensor.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const packagesDir = path.join(root, 'packages');
const packages = readdirSync(packagesDir)
  .map((dir) => ({ dir: path.join(packagesDir, dir), pkg: JSON.parse(readFileSync(path.join(packagesDir, dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

const work = mkdtempSync(path.join(os.tmpdir(), 'backprop-pack-'));
const tarballs = packages.map(({ dir }) => {
  const out = execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: dir, encoding: 'utf8' });
  const file = out.trim().split('\n').pop().trim();
  return path.isAbsolute(file) ? file : path.join(work, path.basename(file));
});
const app = path.join(work, 'app');
execFileSync('mkdir', ['-p', app]);
writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: app, stdio: 'inherit' });

let failed = 0;
for (const { pkg } of packages) {
  try {
    const out = execFileSync('node', ['--input-type=module', '-e', `const m = await import('${pkg.name}'); console.log(Object.keys(m).length);`], { cwd: app, encoding: 'utf8' });
    console.log(`pack-check: ${pkg.name} imports under plain node (${out.trim()} exports)`);
  } catch (err) {
    failed++;
    console.error(`pack-check: ${pkg.name} FAILED to import under plain node\n${err.stderr ?? err}`);
  }
}
copyFileSync(path.join(root, 'scripts/node-smoke.mjs'), path.join(app, 'node-smoke.mjs'));
const digests = [];
for (const threads of [1, 2]) {
  try {
    const out = execFileSync('node', ['node-smoke.mjs', String(threads)], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    process.stdout.write(out);
    digests.push(/digest (\w+)/.exec(out)?.[1]);
  } catch (err) {
    failed++;
    console.error(`pack-check: node-smoke.mjs with ${threads} WASM thread(s) FAILED\n${err.stdout ?? ''}${err.stderr ?? err}`);
  }
}
if (digests.length === 2 && digests[0] !== digests[1]) {
  failed++;
  console.error(`pack-check: results differ between 1 and 2 WASM threads (${digests.join(' vs ')})`);
} else if (digests.length === 2) {
  console.log('pack-check: 1 and 2 WASM threads give bit-identical results');
}
console.log(`${packages.length + 2 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
