import { describe, expect, it } from 'vitest';
import { arraySpec, slurmScript } from './slurm.js';

describe('slurm job array script', () => {
  it('one array task per trial, the options as #SBATCH lines, each task one trial', () => {
    const script = slurmScript({
      sweepDir: '/shared/sweeps/lr',
      jobName: 'backprop-lr',
      tasks: [0, 1, 2, 3],
      partition: 'gpu',
      time: '00:30:00',
      cpusPerTask: 2,
      extraLines: ['--mem=4G', '#SBATCH --account=abc'],
      trialCommand: ['/usr/bin/node', '/opt/backprop/cli.js', 'sweep', 'trial'],
    });
    expect(script.split('\n')).toEqual([
      '#!/bin/bash',
      '#SBATCH --job-name=backprop-lr',
      '#SBATCH --array=0-3',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --ntasks=1',
      '#SBATCH --output=/shared/sweeps/lr/slurm/%A_%a.out',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=00:30:00',
      '#SBATCH --mem=4G',
      '#SBATCH --account=abc',
      '# Written by backprop sweep --slurm: one array task per trial of the sweep in this folder.',
      'set -eu',
      'export BACKPROP_THREADS="${SLURM_CPUS_PER_TASK:-2}"',
      'exec /usr/bin/node /opt/backprop/cli.js sweep trial /shared/sweeps/lr "$SLURM_ARRAY_TASK_ID"',
      '',
    ]);
  });

  it('array ranges, and lines that are not options refused', () => {
    expect(arraySpec([5, 0, 1, 2, 7, 8])).toBe('0-2,5,7-8');
    const o = { sweepDir: '/s', jobName: 'j', tasks: [0], cpusPerTask: 1, trialCommand: ['x'] };
    expect(() => slurmScript({ ...o, extraLines: ['rm -rf /'] })).toThrow("--sbatch-line must be an sbatch option like --mem=4G, got 'rm -rf /'");
    expect(slurmScript({ ...o, sweepDir: "/a b/it's" })).toContain(`exec x '/a b/it'\\''s' "$SLURM_ARRAY_TASK_ID"`);
  });
});
