// A Node worker process: sets up one workload on one implementation, then answers the runner's
// commands (protocol.ts). One process per cell, so each cell's peak RSS is its own.
//
//   tsx src/worker.ts --impl backprop|stock-wasm|tfjs-cpu|convnetjs --task <task> --size <n> [--threads <n>]
import { createInterface } from 'node:readline';
import { initBackend, setTrainingKernels, tf } from '@backprop/tensor';
import { matMulPeak, profileStep } from './kernel-profile.js';
import { convnetjsConvStep, convnetjsMlpStep } from './peers/convnetjs.js';
import { MARK, type Command } from './protocol.js';
import { tfjsTasks, type Task, type TfjsTaskName } from './tasks/tfjs-tasks.js';

export type NodeImpl = 'backprop' | 'stock-wasm' | 'tfjs-cpu' | 'convnetjs';

const argv = process.argv.slice(2);
const arg = (name: string): string => {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? argv[i + 1] : undefined;
  if (v == null) throw new Error(`worker: --${name} is required`);
  return v;
};
const reply = (obj: unknown) => process.stdout.write(`${MARK}${JSON.stringify(obj)}\n`);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

async function setUp(impl: NodeImpl, task: string, size: number, threads: number): Promise<{ task: Task; info: Record<string, unknown> }> {
  if (impl === 'convnetjs') {
    if (task === 'mlp-relu') return { task: { step: convnetjsMlpStep(), dispose: () => {} }, info: { convnetjs: '0.3.0', float: 64 } };
    if (task === 'conv-layer') return { task: { step: convnetjsConvStep(size), dispose: () => {} }, info: { convnetjs: '0.3.0', float: 64 } };
    throw new Error(`worker: convnetjs has no task '${task}'`);
  }
  const backend = await initBackend(impl === 'tfjs-cpu' ? { backend: 'cpu' } : { backend: 'wasm', threads });
  setTrainingKernels(impl === 'backprop');
  const make = tfjsTasks[task as TfjsTaskName];
  if (make == null) throw new Error(`worker: no task '${task}' (have ${Object.keys(tfjsTasks).join(', ')})`);
  return { task: make({ size }), info: { ...backend, trainingKernels: impl === 'backprop' } };
}

async function main(): Promise<void> {
  const impl = arg('impl') as NodeImpl;
  const taskName = arg('task');
  const size = Number(arg('size'));
  const threads = argv.includes('--threads') ? Number(arg('threads')) : 1;
  let task: Task;
  try {
    const s = await setUp(impl, taskName, size, threads);
    task = s.task;
    reply({ ready: true, info: s.info });
  } catch (e) {
    reply({ error: message(e) });
    return;
  }
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const cmd = JSON.parse(line) as Command;
    try {
      if (cmd.cmd === 'run') {
        for (let i = 0; i < cmd.warmup; i++) task.step();
        const before = impl === 'convnetjs' ? 0 : tf.memory().numTensors;
        const samples: number[] = [];
        for (let i = 0; i < cmd.reps; i++) {
          const t0 = performance.now();
          task.step();
          samples.push(performance.now() - t0);
        }
        reply({ samples, leaked: impl === 'convnetjs' ? 0 : tf.memory().numTensors - before });
      } else if (cmd.cmd === 'profile') {
        if (impl === 'convnetjs') throw new Error('worker: profile needs a tfjs implementation');
        const profile = await profileStep(() => task.step(), cmd.reps);
        reply({ profile, peak: matMulPeak() });
      } else if (cmd.cmd === 'end') {
        task.dispose();
        reply({ peak_rss_mib: process.resourceUsage().maxRSS / 1024 });
        break;
      }
    } catch (e) {
      reply({ error: message(e) });
    }
  }
  lines.close();
}

await main();
