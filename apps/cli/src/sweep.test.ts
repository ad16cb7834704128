// backprop sweep end to end on a tiny CIFAR folder: the worker pool runs real `backprop sweep trial`
// processes (the built CLI, apps/cli/dist/cli.js), each an ordinary run folder.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEntry, joinSbatchLines, trialTrainArgs } from './commands/sweep.js';
import { writeCifarFolder } from './test-support/cifar-folder.js';
import { runMain as run } from './test-support/run-main.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'backprop-sweep-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cifar = writeCifarFolder(path.join(root, 'cifar'));


const specFile = (name: string, text: string) => {
  const file = path.join(root, name);
  writeFileSync(file, text);
  return file;
};

// 4 trials: lr 0.01 learns; lr 1e30 diverges; batch 500 > the 100 training examples fails.
const mixed = specFile(
  'mixed.yaml',
  `base: mlp
set: { maxSteps: 8, evalFreq: 4, hiddenUnits: [8] }
grid:
  learningRate: [0.01, 1.0e+30]
  batchSize: [10, 500]
`,
);

describe('backprop sweep, in process', () => {
  it('--dry-run lists the planned trials; nothing is written', async () => {
    const r = await run(['sweep', mixed, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(2, 6).map((l) => l.trim().split(/\s+/))).toEqual([
      ['trial-000', '0.01', '10'],
      ['trial-001', '1e+30', '10'],
      ['trial-002', '0.01', '500'],
      ['trial-003', '1e+30', '500'],
    ]);
    expect(existsSync('sweeps')).toBe(false);
  });

  it("a trial's train flags; --sbatch-line values that are options", () => {
    const plan = { spec: { base: 'mlp', set: { maxSteps: 8, hiddenUnits: [8, 4], evalAtStart: false }, grid: {}, random: {} }, trials: [{ index: 0, id: 'trial-000', params: { learningRate: 0.003 } }] };
    expect(trialTrainArgs(plan as never, 0)).toEqual(['mlp', '--max-steps', '8', '--dnn-hidden-units', '8,4', '--no-initial-eval', '--learning-rate', '0.003']);
    expect(joinSbatchLines(['x', '--sbatch-line', '--mem=4G', '--slurm'])).toEqual(['x', '--sbatch-line=--mem=4G', '--slurm']);
  });
});

describe.skipIf(!existsSync(cliEntry()))('backprop sweep (needs the built CLI)', () => {
  it('bad sweep files: one line naming the file and the key, exit 2', async () => {
    const bad = specFile('bad.yaml', 'base: mlp\ngrid: { optimizer: [sgd, rmsprop] }\n');
    expect(await run(['sweep', bad])).toMatchObject({ code: 2, err: `backprop sweep: ${bad}: grid.optimizer[1] must be one of sgd, adam, got 'rmsprop' (see 'backprop sweep --help')\n` });
    expect((await run(['sweep', path.join(root, 'none.yaml')])).err).toBe(`backprop sweep: cannot read sweep file ${path.join(root, 'none.yaml')} (ENOENT) (see 'backprop sweep --help')\n`);
    expect((await run(['sweep', 'status', root])).err).toBe(`backprop sweep: ${root} is not a sweep folder (no sweep.json) (see 'backprop sweep --help')\n`);
  });

  it('a failed and a diverged trial are recorded and the sweep goes on; results, plots; train --from reruns a trial exactly', async () => {
    const out = path.join(root, 'mixed');
    const r = await run(['sweep', mixed, '--data', cifar, '--out', out, '--workers', '2']);
    expect(r.code).toBe(0);
    const csv = readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('rank,trial,status,learningRate,batchSize,step,final_accuracy,best_accuracy,best_step,final_test_loss');
    expect(csv[1]).toMatch(/^1,trial-000,completed,0\.01,10,8,/);
    expect(csv[2]).toMatch(/^2,trial-001,diverged,1e\+30,10,/);
    expect(csv.slice(3).map((l) => l.split(',').slice(1, 5).join(','))).toEqual(['trial-002,failed,0.01,500', 'trial-003,failed,1e+30,500']);
    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('- trial-002 failed: backprop train: --batch-size 500 is larger than the training set (100 examples');
    expect(summary).toMatch(/- trial-001 diverged: diverged at step \d+: /);
    for (const plot of ['plots/best_accuracy-vs-learningRate.svg', 'plots/best_accuracy-vs-batchSize.svg', 'plots/accuracy-curves.svg']) {
      expect(readFileSync(path.join(out, plot), 'utf8')).toMatch(/^<svg/);
    }
    // Each trial is an ordinary run folder, with the trial's config.
    const config = JSON.parse(readFileSync(path.join(out, 'trials/trial-000/config.json'), 'utf8'));
    expect(config).toMatchObject({ preset: 'mlp', learningRate: 0.01, batchSize: 10, maxSteps: 8, hiddenUnits: [8] });

    const best = JSON.parse(readFileSync(path.join(out, 'trials/trial-000/metrics.json'), 'utf8'));
    const again = await run(['train', '--from', out, '--data', cifar, '--out', path.join(root, 'rerun')]);
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(root, 'rerun/metrics.json'), 'utf8')).eval).toEqual(best.eval);
    expect((await run(['train', '--from', path.join(out, 'trials/trial-000'), 'mlp'])).err).toContain("--from takes the preset from the run's config.json; give no preset");
  });

  it('Ctrl-C stops the running trials cleanly; --resume finishes them; the table equals an uninterrupted run', async () => {
    const spec = specFile('lr.yaml', `base: mlp\ntrials: 3\nseed: 4\nset: { maxSteps: 120, evalFreq: 40, batchSize: 10, hiddenUnits: [16] }\nrandom:\n  learningRate: { logUniform: [1.0e-3, 3.0e-2] }\n`);
    const whole = path.join(root, 'whole');
    expect((await run(['sweep', spec, '--data', cifar, '--out', whole, '--workers', '2'])).code).toBe(0);

    const cut = path.join(root, 'cut');
    const first = await run(['sweep', spec, '--data', cifar, '--out', cut, '--workers', '2'], (io) => {
      // Stop once the first trial has a checkpoint past step 0 (mid-training).
      const timer = setInterval(() => {
        const summary = path.join(cut, 'trials/trial-000/summary.md');
        if (existsSync(summary) && /running \(step [1-9]/.test(readFileSync(summary, 'utf8'))) {
          clearInterval(timer);
          io.interrupt('SIGINT');
        }
      }, 20);
    });
    expect(first.code).toBe(130);
    expect(first.out).toContain(`stopped; continue with: backprop sweep --resume ${cut}`);
    const statusAfterStop = await run(['sweep', 'status', cut]);
    expect(statusAfterStop.out).toMatch(/trial-000\s+stopped/);
    expect(existsSync(path.join(cut, 'trials/trial-000/checkpoint.safetensors'))).toBe(true);

    const resumed = await run(['sweep', '--resume', cut, '--workers', '2']);
    expect(resumed.code).toBe(0);
    expect(readFileSync(path.join(cut, 'logs/trial-000.log'), 'utf8')).toContain(`train --resume ${path.join(cut, 'trials/trial-000')}`);
    expect(readFileSync(path.join(cut, 'results.csv'), 'utf8')).toBe(readFileSync(path.join(whole, 'results.csv'), 'utf8'));
  });
});
