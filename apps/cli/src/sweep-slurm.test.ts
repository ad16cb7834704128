// The must-show of `backprop sweep --slurm`: a real single-node Slurm (Debian's slurmctld, slurmd and
// munge, configured and started by scripts/slurm-local.sh on localhost), a 4-trial sweep submitted as
// a job array, waited for and collected; the same sweep run here by the worker pool gives the same
// table. It installs packages and starts daemons as root, so it runs only when asked:
//   bash scripts/test-slurm.sh      (sets BACKPROP_SLURM_TEST=1 and runs this file)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntry } from './commands/sweep.js';
import { writeCifarFolder } from './test-support/cifar-folder.js';
import { runMain as run } from './test-support/run-main.js';

const enabled = process.env.BACKPROP_SLURM_TEST === '1';
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');


describe.skipIf(!enabled)('backprop sweep --slurm on a real single-node Slurm', () => {
  // Under /tmp, readable by the job's tasks (they run as the submitting user).
  const root = enabled ? mkdtempSync(path.join(os.tmpdir(), 'backprop-slurm-test-')) : '';
  beforeAll(() => {
    if (!existsSync(cliEntry())) throw new Error(`the Slurm tasks run the built CLI ${cliEntry()}; run 'pnpm build' first`);
    execFileSync('bash', [path.join(repo, 'scripts/slurm-local.sh')], { stdio: 'inherit', timeout: 600_000 });
  }, 600_000);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('submits a 4-trial job array, collects 4 finished trials, and the local run gives the same table', async () => {
    const cifar = writeCifarFolder(path.join(root, 'cifar'));
    const spec = path.join(root, 'sweep.yaml');
    writeFileSync(
      spec,
      `name: slurm-test\nbase: mlp\ntrials: 4\nseed: 11\nset: { maxSteps: 30, evalFreq: 10, batchSize: 10, hiddenUnits: [16] }\ngrid: { optimizer: [sgd, adam] }\nrandom:\n  learningRate: { logUniform: [1.0e-3, 1.0e-2] }\n`,
    );
    const onSlurm = path.join(root, 'on-slurm');
    const submitted = await run(['sweep', spec, '--data', cifar, '--out', onSlurm, '--slurm', '--partition', 'local', '--time', '00:10:00', '--cpus-per-task', '1', '--sbatch-line', '--mem=1G']);
    expect(submitted.err).toBe('');
    expect(submitted.code).toBe(0);
    const jobId = /submitted Slurm job array (\d+) \(4 tasks/.exec(submitted.out)?.[1];
    expect(jobId).toBeDefined();
    expect(readFileSync(path.join(onSlurm, 'sweep.sbatch'), 'utf8')).toContain('#SBATCH --array=0-3');

    // Wait until Slurm has no task of the job left (squeue lists pending and running ones).
    const deadline = Date.now() + 300_000;
    for (;;) {
      const left = execFileSync('squeue', ['-h', '-j', jobId!, '-o', '%i %T'], { encoding: 'utf8' }).trim();
      if (left === '') break;
      if (Date.now() > deadline) throw new Error(`Slurm job ${jobId} still has tasks after 5 minutes:\n${left}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const status = await run(['sweep', 'status', onSlurm]);
    expect(status.out).toContain(`(Slurm job ${jobId}): 4 completed`);
    // Each task wrote its Slurm output file, and each trial its run folder.
    for (let i = 0; i < 4; i++) {
      expect(readFileSync(path.join(onSlurm, 'slurm', `${jobId}_${i}.out`), 'utf8')).toContain('done: 30 steps');
      expect(existsSync(path.join(onSlurm, 'trials', `trial-00${i}`, 'model.safetensors'))).toBe(true);
    }
    const collected = await run(['sweep', 'collect', onSlurm]);
    expect(collected.code).toBe(0);
    const slurmCsv = readFileSync(path.join(onSlurm, 'results.csv'), 'utf8');
    expect(slurmCsv.trim().split('\n').slice(1).filter((l) => l.split(',')[2] === 'completed')).toHaveLength(4);
    expect(readFileSync(path.join(onSlurm, 'summary.md'), 'utf8')).toContain(`- Ran: Slurm job array ${jobId}`);

    const local = path.join(root, 'local');
    expect((await run(['sweep', spec, '--data', cifar, '--out', local, '--workers', '2'])).code).toBe(0);
    expect(readFileSync(path.join(local, 'results.csv'), 'utf8')).toBe(slurmCsv);
    process.stdout.write(`Slurm job ${jobId}, collected:\n${collected.out}\nlocal results.csv equals the Slurm one:\n${slurmCsv}`);
  }, 900_000);
});
