// Load + preprocess the full CIFAR-10 binary archive, beside NumPy doing the same from the same
// archive (bench/load_numpy.py), each in a fresh process; prints times, peak RSS and the ratio.
//
//   pnpm --filter @backprop/data bench [-- <archive>] [--runs N]
//
// "Preprocess" is what the original did: float32 pixels minus the training mean image. NumPy does
// it eagerly on the whole set; DataSet does it per batch, so the JS run times fitting the mean
// plus one full pass of batches over train and test (the same float32 work), and also reports the
// lazy figure (load + mean only), which is what a training run pays up front.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
const archive = path.resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs') ?? path.join(here, '../../../../shared/data/cifar-10-binary.tar.gz'));

interface JsResult {
  load_s: number;
  mean_s: number;
  pass_s: number;
  peak_rss_mib: number;
  base_rss_mib: number;
  train: number;
  test: number;
}

async function child(): Promise<void> {
  const baseRss = process.memoryUsage().rss;
  const { loadCifar10, createDataSets } = await import('../src/index.js');
  const t0 = performance.now();
  const data = await loadCifar10(archive);
  const t1 = performance.now();
  const sets = createDataSets(data, { layout: 'flat' });
  const t2 = performance.now();
  let checksum = 0;
  for (const set of [sets.train, sets.test]) for (const b of set.batches(1000)) checksum += b.x[0]!;
  const t3 = performance.now();
  const out: JsResult = {
    load_s: (t1 - t0) / 1000,
    mean_s: (t2 - t1) / 1000,
    pass_s: (t3 - t2) / 1000,
    peak_rss_mib: process.resourceUsage().maxRSS / 1024,
    base_rss_mib: baseRss / 2 ** 20,
    train: data.train.length,
    test: data.test.length,
  };
  if (!Number.isFinite(checksum)) throw new Error('non-finite batch values');
  console.log(JSON.stringify(out));
}

interface PyResult {
  load_s: number;
  total_s: number;
  peak_rss_mib: number;
  numpy: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  if (!existsSync(archive)) {
    console.error(`load-bench: no archive at ${archive} (pass its path)`);
    process.exit(1);
  }
  const js: JsResult[] = [];
  const py: PyResult[] = [];
  for (let r = 0; r < runs; r++) {
    // Fresh processes, alternating, so neither side inherits the other's warm heap or page cache advantage.
    const jsOut = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', archive], { encoding: 'utf8' });
    js.push(JSON.parse(jsOut.trim().split('\n').pop()!) as JsResult);
    const pyOut = execFileSync('/usr/bin/python3', [path.join(here, 'load_numpy.py'), archive], { encoding: 'utf8' });
    py.push(JSON.parse(pyOut.trim().split('\n').pop()!) as PyResult);
  }
  const jsTotal = median(js.map((j) => j.load_s + j.mean_s + j.pass_s));
  const jsLazy = median(js.map((j) => j.load_s + j.mean_s));
  const pyTotal = median(py.map((p) => p.total_s));
  const f = (s: number) => `${s.toFixed(2)} s`;
  console.log(`CIFAR-10 load + preprocess: ${archive}  (${js[0]!.train} train / ${js[0]!.test} test; ${runs} run${runs > 1 ? 's, medians' : ''})`);
  console.log(`  Backprop (Node ${process.version}): load ${f(median(js.map((j) => j.load_s)))}, mean image ${f(median(js.map((j) => j.mean_s)))}, full float32 pass ${f(median(js.map((j) => j.pass_s)))} → ${f(jsTotal)}; peak RSS ${median(js.map((j) => j.peak_rss_mib)).toFixed(0)} MiB (${js[0]!.base_rss_mib.toFixed(0)} MiB before loading)`);
  console.log(`  NumPy ${py[0]!.numpy}: load ${f(median(py.map((p) => p.load_s)))}, float32 − mean image ${f(median(py.map((p) => p.total_s - p.load_s)))} → ${f(pyTotal)}; peak RSS ${median(py.map((p) => p.peak_rss_mib)).toFixed(0)} MiB`);
  console.log(`  ratio Backprop / NumPy: ${(jsTotal / pyTotal).toFixed(2)}× (load + mean + full pass), ${(jsLazy / pyTotal).toFixed(2)}× (load + mean, batches made lazily); target ≤ 1.5×`);
}

if (args[0] === '--child') {
  await child();
} else {
  main();
}
