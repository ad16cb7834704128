// One training step of the reference ConvNet (batch 32, Adam lr 1e-4, cross-entropy) on WASM,
// beside PyTorch's same step on this machine's CPU (convnet_step_torch.py), ratio in one run:
// median of REPS steps after 2 warm-up steps each. Target: ≤ 4× PyTorch.
//   pnpm --filter @backprop/layers bench [-- --reps 5 --profile --threads 2]
// Needs the workspace built (`pnpm build`: tsx loads @backprop/tensor and @backprop/manual from dist)
// and, for the PyTorch column, Debian's /usr/bin/python3 with python3-torch.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { initBackend, Rng, randomNormal, tf } from '@backprop/tensor';
import { Adam, ConvNet, CrossEntropyLoss, trainStep } from '../src/index.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 5) || 5;
const profile = args.includes('--profile');
const threads = args.includes('--threads') ? Number(args[args.indexOf('--threads') + 1]) : 1;
const BATCH = 32;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Timing {
  /** Median wall-clock ms per step. */
  medianMs: number;
  /** Median process CPU ms per step: both sides run one thread, so this is robust to other load. */
  medianCpuMs: number;
}

async function backprop(): Promise<Timing & { samplesMs: number[]; leaked: number; info: string }> {
  const info = await initBackend({ threads });
  const model = new ConvNet(3, 10, { seed: 42 }).train();
  const opt = new Adam(model.parameters(), { lr: 1e-4 });
  const rng = new Rng(1);
  const x = randomNormal([BATCH, 32, 32, 3], rng, { std: 60 });
  const y = Array.from({ length: BATCH }, () => rng.int(10));
  const ce = new CrossEntropyLoss();
  for (let i = 0; i < 2; i++) trainStep(model, ce, x, y, opt); // warm-up; Adam creates its moments
  const before = tf.memory().numTensors;
  const samplesMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    trainStep(model, ce, x, y, opt);
    const c = process.cpuUsage(c0);
    samplesMs.push(performance.now() - t0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  const leaked = tf.memory().numTensors - before;
  if (profile) {
    const p = await tf.profile(() => {
      trainStep(model, ce, x, y, opt);
    });
    const byKernel = new Map<string, number>();
    for (const k of p.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
    console.log('\nWASM kernel time in one step (tf.profile, ms):');
    for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${name.padEnd(24)} ${ms.toFixed(1)}`);
    const slow = [...p.kernels].sort((a, b) => Number(b.kernelTimeMs) - Number(a.kernelTimeMs)).slice(0, 10);
    console.log('slowest calls:');
    for (const k of slow) console.log(`  ${k.name.padEnd(22)} ${Number(k.kernelTimeMs).toFixed(1).padStart(7)} ms  in ${JSON.stringify(k.inputShapes)}`);
  }
  opt.dispose();
  model.dispose();
  return { medianMs: median(samplesMs), medianCpuMs: median(cpuMs), samplesMs, leaked, info: `${info.backend}${info.simd ? ' SIMD' : ''}, ${info.threads} thread(s)` };
}

function pytorch(): (Timing & { threads: number; torch: string }) | string {
  const script = fileURLToPath(new URL('convnet_step_torch.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, String(reps)], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return `PyTorch step failed or not installed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const loadBefore = os.loadavg().map((l) => l.toFixed(1)).join(' ');
const ours = await backprop();
const theirs = pytorch();
console.log(`\nConvNet training step, batch ${BATCH}, Adam lr 1e-4 — median of ${reps} after 2 warm-up (${os.cpus()[0]?.model ?? 'CPU'}, ${os.cpus().length} cores)`);
console.log(`load average before: ${loadBefore}, after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`| runtime | wall ms/step | CPU ms/step |`);
console.log(`| --- | --- | --- |`);
console.log(`| Backprop (tfjs ${ours.info}) | ${ours.medianMs.toFixed(0)} | ${ours.medianCpuMs.toFixed(0)} |`);
if (typeof theirs === 'string') {
  console.log(`| PyTorch CPU | n/a: ${theirs} | |`);
} else {
  console.log(`| PyTorch ${theirs.torch} CPU, ${theirs.threads} thread(s) | ${theirs.medianMs.toFixed(0)} | ${theirs.medianCpuMs.toFixed(0)} |`);
  const ratio = ours.medianMs / theirs.medianMs;
  const cpuRatio = ours.medianCpuMs / theirs.medianCpuMs;
  console.log(`\nratio Backprop / PyTorch: ${ratio.toFixed(2)}× wall, ${cpuRatio.toFixed(2)}× CPU time (target ≤ 4×: ${ratio <= 4 ? 'met' : 'NOT met'})`);
}
console.log(`tf.memory().numTensors change over ${reps} steps: ${ours.leaked}`);
if (ours.leaked !== 0) process.exitCode = 1;
