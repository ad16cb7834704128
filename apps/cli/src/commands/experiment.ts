// backprop experiment activation|norm-batch-size: runs one of the reference settings' experiments and
// writes a folder with its table (results.csv, summary.md) and plot(s) (SVG).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '@backprop/tensor';
import {
  activationAccuracyChartSpec,
  activationExperiment,
  activationTable,
  gradNormChartSpec,
  normBatchSizeChartSpec,
  normBatchSizeExperiment,
  type NormBatchSizeResult,
} from '@backprop/train';
import { checkRunDir, createUniqueDir, defaultRunDir, renderSvg, RunFolderError, writeFileAtomic } from '@backprop/train/node';
import { intList, parse, positiveIntFlag, seedValue } from '../args.js';
import { loadCifarWithProgress } from '../data-source.js';
import { UsageError } from '../errors.js';
import { EXPERIMENT_HELP } from '../help.js';
import type { Io } from '../io.js';
import { formatTable } from '../table.js';
import { resolveThreads } from '../threads.js';

const OPTIONS = {
  'max-steps': { type: 'string' },
  'batch-size': { type: 'string' },
  examples: { type: 'string' },
  'batch-sizes': { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  'cache-dir': { type: 'string' },
  out: { type: 'string' },
  threads: { type: 'string' },
} as const;

export async function experimentCommand(argv: string[], io: Io): Promise<number> {
  const cmd = 'experiment';
  const { values: v, positionals } = parse(argv, OPTIONS, cmd);
  if (v.help) {
    io.stdout.write(EXPERIMENT_HELP);
    return 0;
  }
  const [name, ...rest] = positionals;
  if (name === undefined) throw new UsageError('missing experiment: backprop experiment activation|norm-batch-size', cmd);
  if (name !== 'activation' && name !== 'norm-batch-size') throw new UsageError(`unknown experiment '${name}', expected activation or norm-batch-size`, cmd);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`, cmd);
  const str = (k: string) => v[k] as string | undefined;
  if (name === 'activation' && (str('examples') !== undefined || str('batch-sizes') !== undefined)) throw new UsageError('--examples and --batch-sizes belong to norm-batch-size', cmd);
  if (name === 'norm-batch-size' && (str('max-steps') !== undefined || str('batch-size') !== undefined)) throw new UsageError('--max-steps and --batch-size belong to activation; norm-batch-size takes --examples and --batch-sizes', cmd);
  // Every value is checked here, before the data is loaded or a folder created.
  const seed = str('seed') === undefined ? 42 : seedValue('--seed', str('seed')!, cmd);
  const maxSteps = str('max-steps') === undefined ? 1000 : positiveIntFlag('--max-steps', str('max-steps')!, cmd);
  const batchSize = str('batch-size') === undefined ? 200 : positiveIntFlag('--batch-size', str('batch-size')!, cmd);
  const examples = str('examples') === undefined ? 50000 : positiveIntFlag('--examples', str('examples')!, cmd);
  const batchSizes = str('batch-sizes') === undefined ? [1, 4, 16, 64, 256, 512] : intList('--batch-sizes', str('batch-sizes')!, cmd, { allowEmpty: false });
  const largest = Math.max(...batchSizes);
  if (name === 'norm-batch-size' && examples < largest) {
    throw new UsageError(`--examples ${examples} is smaller than the largest batch size ${largest}: that run would train on ${largest} examples, not ${examples} (pass --examples ${largest} or more, or smaller --batch-sizes)`, cmd);
  }
  const outFlag = str('out');
  if (outFlag !== undefined) {
    try {
      // Experiment folders hold no run record: only that the folder is usable is checked.
      await checkRunDir(outFlag, { force: true });
    } catch (err) {
      throw err instanceof RunFolderError ? new UsageError(err.message, cmd) : err;
    }
  }
  const threads = resolveThreads(str('threads'), cmd);

  await initBackend({ threads });
  const { data } = await loadCifarWithProgress({ data: str('data'), cacheDir: str('cache-dir') }, io, { checkRecordCounts: true });
  const need = name === 'activation' ? batchSize : largest;
  if (need > data.train.length) {
    throw new UsageError(`${name === 'activation' ? '--batch-size' : '--batch-sizes'} ${need} is larger than the training set (${data.train.length} examples)`, cmd);
  }
  let out: string;
  if (outFlag !== undefined) {
    out = path.resolve(outFlag);
    await mkdir(out, { recursive: true });
  } else {
    out = await createUniqueDir(defaultRunDir(`experiment-${name}`));
  }
  const controller = new AbortController();
  const off = io.onInterrupt(() => {
    if (controller.signal.aborted) io.exit(130);
    controller.abort();
    io.stderr.write('stopping… (Ctrl-C again to quit at once)\n');
  });
  const onProgress = (m: string) => io.stderr.write(`${m}\n`);
  try {
    let completed: boolean;
    let table: string;
    if (name === 'activation') {
      const r = await activationExperiment(data, { maxSteps, batchSize, seed, signal: controller.signal, onProgress });
      completed = r.completed;
      const rows = activationTable(r);
      const finalAcc = (a: string) => r.accuracy.filter((p) => p.activation === a).at(-1)?.testAccuracy;
      table = formatTable(
        ['activation', 'layer', 'mean ‖∂L/∂W‖ first 10%', 'mean ‖∂L/∂W‖ last 10%', 'final test acc.'],
        rows.map((x) => [x.activation, String(x.layer), x.early.toExponential(3), x.late.toExponential(3), x.layer === 1 ? (finalAcc(x.activation)?.toFixed(4) ?? '—') : '']),
        new Set([1, 2, 3, 4]),
      );
      await writeFileAtomic(
        path.join(out, 'results.csv'),
        ['kind,activation,step,layer,value', ...r.gradNorms.map((p) => `grad_norm,${p.activation},${p.step},${p.layer},${p.norm}`), ...r.accuracy.map((p) => `test_accuracy,${p.activation},${p.step},,${p.testAccuracy}`)].join('\n') + '\n',
      );
      await writeFileAtomic(path.join(out, 'grad-norms.svg'), await renderSvg(gradNormChartSpec(r)));
      await writeFileAtomic(path.join(out, 'accuracy.svg'), await renderSvg(activationAccuracyChartSpec(r)));
      await writeFileAtomic(
        path.join(out, 'summary.md'),
        `# Experiment: activation (ELU vs Tanh)\n\nMLP 3072-${r.options.hiddenUnits.join('-')}-10, SGD lr ${r.options.learningRate}, batch ${r.options.batchSize}, ${r.options.maxSteps} steps, seed ${seed}${completed ? '' : ' (stopped early)'}.\nLayer 1 is next to the input. Plots: grad-norms.svg, accuracy.svg.\n\n\`\`\`\n${table}\n\`\`\`\n`,
      );
    } else {
      const r = await normBatchSizeExperiment(data, { examples, batchSizes, seed, signal: controller.signal, onProgress });
      completed = r.completed;
      table = normTable(r);
      await writeFileAtomic(
        path.join(out, 'results.csv'),
        ['norm,batch_size,steps,test_accuracy,wall_ms,note', ...r.rows.map((x) => `${x.norm},${x.batchSize},${x.steps},${x.testAccuracy ?? ''},${Math.round(x.wallMs)},${x.note}`)].join('\n') + '\n',
      );
      await writeFileAtomic(path.join(out, 'accuracy-vs-batch-size.svg'), await renderSvg(normBatchSizeChartSpec(r)));
      await writeFileAtomic(
        path.join(out, 'summary.md'),
        `# Experiment: norm-batch-size\n\nMLP 3072-${r.options.hiddenUnits.join('-')}-10 (ELU), Adam lr ${r.options.learningRate}, ${examples} training examples per run, seed ${seed}${completed ? '' : ' (stopped early)'}.\nTest accuracy on the whole test set. Plot: accuracy-vs-batch-size.svg.\n\n\`\`\`\n${table}\n\`\`\`\n`,
      );
    }
    io.stdout.write(`${table}\n${completed ? 'done' : 'stopped'}: ${out}\n`);
    return completed ? 0 : 130;
  } finally {
    off();
  }
}

function normTable(r: NormBatchSizeResult): string {
  const norms = r.options.norms;
  const sizes = [...new Set(r.rows.map((x) => x.batchSize))];
  return formatTable(
    ['batch size', 'steps', ...norms.map((n) => (n === 'none' ? 'no norm' : n === 'batch' ? 'BatchNorm' : 'LayerNorm'))],
    sizes.map((b) => {
      const cells = norms.map((n) => {
        const row = r.rows.find((x) => x.batchSize === b && x.norm === n);
        return row == null ? '' : row.testAccuracy == null ? 'n/a' : row.testAccuracy.toFixed(4);
      });
      return [String(b), String(r.rows.find((x) => x.batchSize === b)!.steps), ...cells];
    }),
    new Set([0, 1, 2, 3, 4]),
  );
}
