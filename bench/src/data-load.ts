// Workload 4: load + preprocess the full CIFAR-10 binary archive, Backprop (@backprop/data) beside
// NumPy, each repetition in a fresh process, alternating. Both sides are the data package's own
// harness: packages/data/bench/load-bench.ts --child (Backprop) and load_numpy.py (NumPy).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { median, type CellResult, type WorkloadResult } from './run-workload.js';
import { PYTHON, pythonEnv, repoRoot } from './worker-client.js';

export const defaultArchive = path.resolve(repoRoot, '../shared/data/cifar-10-binary.tar.gz');

interface JsChild {
  load_s: number;
  mean_s: number;
  pass_s: number;
  peak_rss_mib: number;
}
interface PyChild {
  total_s: number;
  load_s: number;
  peak_rss_mib: number;
  numpy: string;
}

const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').pop()!) as T;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

export function runDataLoad(rounds: number, archive = defaultArchive): WorkloadResult {
  const title = '4 · Load + preprocess the full CIFAR-10 archive (float32, minus the training mean image), fresh process each';
  log(`\n${title}`);
  const cell = (id: string, label: string, impl: string, runtime: 'node' | 'python', ref: string[]): CellResult => ({
    id, label, impl, runtime, size: 60000, scale: 1, ms: null, samples: [], peakRssMib: null, ref, info: {},
  });
  const full = cell('bp', 'Backprop @backprop/data: load, mean image, one float32 pass over every batch', 'backprop', 'node', []);
  const lazy = cell('bp-lazy', 'Backprop, load + mean image only (batches made lazily in training)', 'backprop', 'node', []);
  const numpy = cell('numpy', 'NumPy (tarfile + frombuffer, as cifar10_utils)', 'numpy', 'python', ['bp', 'bp-lazy']);
  const cells = [full, lazy, numpy];
  if (!existsSync(archive)) {
    for (const c of cells) c.error = `no archive at ${archive}`;
    return { id: 'data-load', title, cells, profiles: [] };
  }
  const jsBench = path.join(repoRoot, 'packages/data/bench/load-bench.ts');
  const rss = { js: [] as number[], py: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['js', 'py'] : ['py', 'js'];
    for (const side of order) {
      try {
        if (side === 'js') {
          const j = lastJson<JsChild>(execFileSync(process.execPath, [...process.execArgv, jsBench, '--child', archive], { encoding: 'utf8', cwd: repoRoot }));
          full.samples.push((j.load_s + j.mean_s + j.pass_s) * 1000);
          lazy.samples.push((j.load_s + j.mean_s) * 1000);
          rss.js.push(j.peak_rss_mib);
          log(`  round ${r + 1}/${rounds} Backprop: load ${j.load_s.toFixed(2)} s + mean ${j.mean_s.toFixed(2)} s + pass ${j.pass_s.toFixed(2)} s`);
        } else {
          const p = lastJson<PyChild>(execFileSync(PYTHON, [path.join(repoRoot, 'packages/data/bench/load_numpy.py'), archive], { encoding: 'utf8', env: pythonEnv() }));
          numpy.samples.push(p.total_s * 1000);
          numpy.info = { numpy: p.numpy };
          rss.py.push(p.peak_rss_mib);
          log(`  round ${r + 1}/${rounds} NumPy: ${p.total_s.toFixed(2)} s`);
        }
      } catch (e) {
        const error = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        for (const c of side === 'js' ? [full, lazy] : [numpy]) c.error = error;
      }
    }
  }
  for (const c of cells) if (c.samples.length) c.ms = median(c.samples);
  if (rss.js.length) full.peakRssMib = lazy.peakRssMib = Math.max(...rss.js);
  if (rss.py.length) numpy.peakRssMib = Math.max(...rss.py);
  return { id: 'data-load', title, cells, profiles: [] };
}
