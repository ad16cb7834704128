// The packages as a user gets them: packs every publishable workspace package (`pnpm pack`),
// installs the tarballs into an empty folder outside the workspace with npm, and checks, as a user
// would:
//   - one tfjs-core in the tree (`npm ls`), and @backprop/data alone installs without any tfjs;
//   - every export imports under plain Node; a user's own `@tensorflow/tfjs-core` import is the
//     same module as @backprop/tensor's (no second engine, no "already registered" warnings);
//   - the plain-Node training smoke test (scripts/node-smoke.mjs) with 1 and 2 WASM threads,
//     bit-identical, and the example of each package's README;
//   - `tsc --strict` on scripts/pack-check/types-check.ts (chained ops, a Scalar loss in opt.step)
//     under moduleResolution NodeNext and Bundler, against the shipped declarations;
//   - `vite build` of two pages (scripts/pack-check/*.html) with no Vite configuration: a layers
//     MLP trained for a few steps on WASM, and a page using only @backprop/data (its bundle must
//     hold no tfjs); both run in headless Chromium (Debian's, through playwright-core).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const fixtures = path.join(root, 'scripts/pack-check');
const packagesDir = path.join(root, 'packages');
const packages = readdirSync(packagesDir)
  .map((dir) => ({ dir: path.join(packagesDir, dir), pkg: JSON.parse(readFileSync(path.join(packagesDir, dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

let passed = 0;
let failed = 0;
/** Runs one named check; a throw (or a failed command) counts as a failure with its output. */
async function check(name, fn) {
  const started = performance.now();
  try {
    const detail = await fn();
    passed++;
    console.log(`pack-check: ok   ${name}${detail ? ` — ${detail}` : ''} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed++;
    console.error(`pack-check: FAIL ${name}\n${err.stdout ?? ''}${err.stderr ?? ''}${err.stack ?? err}`);
  }
}
const run = (cmd, args, cwd, timeout = 300_000) => execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
const newProject = (dir) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
  return dir;
};
const npmInstall = (dir, tarballs) => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], dir);

const work = mkdtempSync(path.join(os.tmpdir(), 'backprop-pack-'));
const tarballOf = new Map(
  packages.map(({ dir, pkg }) => {
    const out = run('pnpm', ['pack', '--pack-destination', work], dir);
    const file = out.trim().split('\n').pop().trim();
    return [pkg.name, path.isAbsolute(file) ? file : path.join(work, path.basename(file))];
  }),
);
const app = newProject(path.join(work, 'app'));
npmInstall(app, [...tarballOf.values()]);

await check('npm ls shows one @tensorflow/tfjs-core', () => {
  const out = run('npm', ['ls', '--all', '--parseable', '@tensorflow/tfjs-core'], app);
  const copies = [...new Set(out.trim().split('\n').filter((l) => l.endsWith(path.join('node_modules', '@tensorflow', 'tfjs-core'))))];
  if (copies.length !== 1) throw new Error(`expected one tfjs-core, found ${copies.length}: ${copies.join(', ')}`);
  return path.relative(app, copies[0]);
});

await check('@backprop/data installs and imports without tfjs', () => {
  // Its tarball and those of the workspace packages it depends on (never from the registry).
  const needed = new Set(['@backprop/data']);
  for (const name of needed) {
    const deps = JSON.parse(readFileSync(path.join(packagesDir, name.split('/')[1], 'package.json'), 'utf8')).dependencies ?? {};
    for (const dep of Object.keys(deps)) if (dep.startsWith('@backprop/')) needed.add(dep);
  }
  const dataOnly = newProject(path.join(work, 'data-only'));
  npmInstall(dataOnly, [...needed].map((name) => tarballOf.get(name)));
  const installed = readdirSync(path.join(dataOnly, 'node_modules'));
  if (installed.includes('@tensorflow')) throw new Error(`@backprop/data pulled in @tensorflow/*: node_modules holds ${installed.join(', ')}`);
  const out = run('node', ['--input-type=module', '-e', "const d = await import('@backprop/data'); console.log(Object.keys(d).length);"], dataOnly);
  return `node_modules: ${installed.join(', ')}; ${out.trim()} exports`;
});

await check('packed exports name only shipped files, with no source condition', () => {
  let targets = 0;
  for (const { pkg } of packages) {
    const installed = path.join(app, 'node_modules', pkg.name);
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
    const visit = (value, where) => {
      if (typeof value === 'string') {
        if (value.includes('*')) return; // patterns (e.g. ./*.wasm) are checked by their users
        targets++;
        if (!statSync(path.join(installed, value), { throwIfNoEntry: false })?.isFile()) throw new Error(`${pkg.name} ${where} → ${value}: not in the tarball`);
        return;
      }
      for (const [key, next] of Object.entries(value)) {
        if (key === 'source') throw new Error(`${pkg.name} ${where}: the packed exports keep the 'source' condition`);
        visit(next, `${where} ${key}`);
      }
    };
    visit(manifest.exports, 'exports');
    if (manifest.engines?.node == null) throw new Error(`${pkg.name}: no engines.node`);
  }
  return `${targets} targets in ${packages.length} packages`;
});

for (const { pkg } of packages) {
  for (const subpath of Object.keys(pkg.publishConfig?.exports ?? pkg.exports)) {
    if (subpath.includes('*') || subpath.endsWith('.json')) continue;
    const specifier = `${pkg.name}${subpath.slice(1)}`;
    await check(`${specifier} imports under plain Node`, () => {
      const out = run('node', ['--input-type=module', '-e', `const m = await import('${specifier}'); console.log(Object.keys(m).length);`], app);
      return `${out.trim()} exports`;
    });
  }
}

await check("a user's own @tensorflow/tfjs-core import shares @backprop/tensor's tfjs", () => {
  const script = [
    "import * as userTf from '@tensorflow/tfjs-core';",
    "import '@tensorflow/tfjs-backend-wasm';",
    "import { initBackend, tf } from '@backprop/tensor';",
    'await initBackend();',
    "if (userTf !== tf || userTf.engine() !== tf.engine()) throw new Error('two tfjs-core modules');",
    'const x = userTf.tensor([1, 2, 3]);',
    "console.log(userTf.grad((v) => v.square().sum())(x).add(1).dataSync().join(','));",
  ].join('\n');
  const out = execFileSync('node', ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (out.trim() !== '3,5,7') throw new Error(`expected the gradient plus one, 3,5,7; got ${out.trim()}`);
  return 'one module, one engine, gradients and chained ops on the user\'s import';
});
await check('no tfjs warnings when a user imports tfjs beside @backprop/tensor', () => {
  const script = "import '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-wasm'; import '@tensorflow/tfjs-backend-cpu'; const { initBackend } = await import('@backprop/tensor'); await initBackend();";
  const res = spawnSync('node', ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`exit ${res.status}: ${res.stderr}`);
  // tfjs's duplicate warnings: "… already registered …", "Platform … has already been set".
  const warnings = `${res.stdout}\n${res.stderr}`.split('\n').filter((l) => /already (been )?(registered|set)/.test(l));
  if (warnings.length > 0) throw new Error(`${warnings.length} warning(s), e.g. ${warnings[0]}`);
  return 'none';
});

copyFileSync(path.join(root, 'scripts/node-smoke.mjs'), path.join(app, 'node-smoke.mjs'));
const digests = [];
for (const threads of [1, 2]) {
  await check(`node-smoke.mjs with ${threads} WASM thread(s)`, () => {
    const out = run('node', ['node-smoke.mjs', String(threads)], app, 120_000);
    digests.push(/digest (\w+)/.exec(out)?.[1]);
    return out.trim().split('\n').pop();
  });
}
await check('1 and 2 WASM threads give bit-identical results', () => {
  if (digests.length !== 2 || digests[0] == null || digests[0] !== digests[1]) throw new Error(`digests: ${digests.join(' vs ')}`);
  return digests[0];
});

for (const { dir, pkg } of packages) {
  // The first ```js block of each package README is its example: it must run as written.
  const readme = path.join(dir, 'README.md');
  const example = /^```js\n([\s\S]*?)^```$/m.exec(readFileSync(readme, 'utf8'))?.[1];
  await check(`${pkg.name} README example runs under Node`, () => {
    if (example == null) throw new Error(`${readme} has no \`\`\`js example`);
    const file = path.join(app, `readme-${pkg.name.split('/')[1]}.mjs`);
    writeFileSync(file, example);
    const out = run('node', [file], app, 120_000);
    return `${out.trim().split('\n').length} lines of output`;
  });
}

for (const file of readdirSync(fixtures)) copyFileSync(path.join(fixtures, file), path.join(app, file));
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
for (const resolution of ['nodenext', 'bundler']) {
  await check(`tsc --strict (moduleResolution ${resolution}, skipLibCheck false) on types-check.ts`, () => {
    run('node', [tsc, '-p', `tsconfig.${resolution}.json`], app);
  });
}

// Vite and playwright-core are the web app's devDependencies: taken from there, not installed.
const requireFromWeb = createRequire(path.join(root, 'apps/web/package.json'));
const vitePackage = path.dirname(requireFromWeb.resolve('vite/package.json'));
const { build } = await import(pathToFileURL(path.join(vitePackage, JSON.parse(readFileSync(path.join(vitePackage, 'package.json'), 'utf8')).exports['.'].import ?? 'dist/node/index.js')).href);
const dist = path.join(app, 'dist');
let built = false;
await check('vite build of the pages from the tarballs, no Vite configuration', async () => {
  await build({
    root: app,
    configFile: false,
    logLevel: 'error',
    build: { outDir: dist, emptyOutDir: true, target: 'es2022', manifest: true, rollupOptions: { input: { main: path.join(app, 'index.html'), data: path.join(app, 'data.html') } } },
  });
  built = true;
  const wasm = readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.wasm'));
  if (wasm.length !== 3) throw new Error(`expected tfjs's three .wasm binaries as assets, got ${wasm.join(', ')}`);
  return `assets: ${wasm.join(', ')}`;
});

/** The JS files a page loads up front: its entry and the chunks it imports statically. */
function pageScripts(manifest, entry) {
  const files = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (chunk == null || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  visit(entry);
  return [...files];
}
if (built) {
  await check('the @backprop/data page bundles no tfjs', () => {
    const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));
    const size = (files) => files.reduce((s, f) => s + statSync(path.join(dist, f)).size, 0);
    const text = (files) => files.map((f) => readFileSync(path.join(dist, f), 'utf8')).join('\n');
    const dataFiles = pageScripts(manifest, 'data.html');
    const mainFiles = pageScripts(manifest, 'index.html');
    // tfjs-core's flag names survive minification; the marker must be in the MLP page, else the check proves nothing.
    const marker = /IS_BROWSER|tfjsflags/;
    if (!marker.test(text(mainFiles))) throw new Error('control failed: the tfjs marker is not in the MLP page either');
    if (marker.test(text(dataFiles))) throw new Error(`the data page's scripts (${dataFiles.join(', ')}) contain tfjs`);
    const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
    return `data page ${kb(size(dataFiles))} of JS, MLP page ${kb(size(mainFiles))}`;
  });

  const { launchChromium } = await importBrowserHelper();
  let browser = null;
  try {
    browser = await launchChromium();
    // Twice: a plain page (no SharedArrayBuffer: one thread) and a cross-origin-isolated one
    // (COOP/COEP: tfjs picks its threaded build), as users serve both.
    for (const isolated of [false, true]) {
      const server = await serveStatic(dist, isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {});
      const page = await browser.context.newPage();
      const pageErrors = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      const result = async (file) => {
        await page.goto(`${server.origin}/${file}`);
        await page.waitForFunction(() => window.packCheck != null, null, { timeout: 120_000 });
        const r = await page.evaluate(() => window.packCheck);
        if (!r.ok) throw new Error(r.error);
        if (pageErrors.length > 0) throw new Error(`page errors: ${pageErrors.join('; ')}`);
        return r;
      };
      const how = isolated ? 'cross-origin-isolated page' : 'plain page';
      await check(`Chromium, ${how}: a layers MLP trains on the Vite-built page`, async () => {
        const r = await result('index.html');
        const [first, last] = [r.losses[0], r.losses.at(-1)];
        if (r.backend !== 'wasm' || !r.simd) throw new Error(`expected WASM with SIMD, got ${r.backend} simd ${r.simd}`);
        if (!(last < 0.5 * first)) throw new Error(`loss did not fall by half in ${r.losses.length} steps: ${r.losses.map((l) => l.toFixed(3)).join(' ')}`);
        if (r.leaked !== 0) throw new Error(`${r.leaked} tensors leaked over the steps`);
        return `${r.losses.length} SGD steps, loss ${first.toFixed(3)} → ${last.toFixed(3)}, no tensors leaked`;
      });
      if (!isolated) {
        await check('Chromium: the @backprop/data page batches records', async () => {
          const r = await result('data.html');
          if (r.batchShape.join(',') !== '5,32,32,3' || r.labels.length !== 5) throw new Error(`unexpected batch: ${JSON.stringify(r)}`);
          if (r.badArchive !== 'DataFormatError') throw new Error(`loadCifar10 on 10 bytes: expected a DataFormatError, got ${r.badArchive}`);
          return `batch [${r.batchShape.join(', ')}], labels ${r.labels.join(' ')}; loadCifar10 on 10 bytes → ${r.badArchive}`;
        });
      }
      await page.close();
      await server.close();
    }
  } catch (err) {
    failed++;
    console.error(`pack-check: FAIL Chromium could not run the pages: ${err.stack ?? err}`);
  } finally {
    await browser?.close();
  }
}

/** A static file server for `dir` on a free port, adding `headers` to every response. */
async function serveStatic(dir, headers) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = http.createServer(async (req, res) => {
    const file = path.join(dir, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream', ...headers });
      res.end(body);
    } catch {
      res.writeHead(404, headers);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** apps/web's Chromium launcher (Debian's chromium, playwright-core), compiled from TypeScript by esbuild. */
async function importBrowserHelper() {
  const esbuild = createRequire(path.join(vitePackage, 'package.json'))('esbuild');
  const out = path.join(work, 'browser.mjs');
  await esbuild.build({ entryPoints: [path.join(root, 'apps/web/test/browser.ts')], outfile: out, format: 'esm', platform: 'node', bundle: false });
  // Its import of playwright-core (CommonJS) resolves from apps/web.
  const playwright = JSON.stringify(pathToFileURL(requireFromWeb.resolve('playwright-core')).href);
  const source = readFileSync(out, 'utf8').replace(/import \{ chromium \} from "playwright-core";/, `import playwright from ${playwright};\nconst { chromium } = playwright;`);
  if (!source.includes('const { chromium } = playwright;')) throw new Error('pack-check: apps/web/test/browser.ts no longer imports { chromium } from playwright-core as expected');
  writeFileSync(out, source);
  return import(pathToFileURL(out).href);
}

console.log(`pack-check: ${passed} passed, ${failed} failed (${work})`);
process.exit(failed ? 1 : 0);
