// A sweep as a Slurm job array: one array task per trial, each running `backprop sweep trial
// <folder> $SLURM_ARRAY_TASK_ID`, which trains that trial into <folder>/trials/<trial> (the folder
// must be on a file system the nodes share). Slurm does the distribution; we only write the script
// and call sbatch.
import { execFile } from 'node:child_process';
import path from 'node:path';

export interface SlurmOptions {
  sweepDir: string;
  jobName: string;
  /** Array task ids to run (default all: 0..trials-1). */
  tasks: number[];
  partition?: string;
  /** Slurm time limit per task, e.g. '00:30:00'. */
  time?: string;
  cpusPerTask: number;
  /** Extra lines, with or without the leading '#SBATCH ' (e.g. '--mem=4G', '--account=abc'). */
  extraLines?: string[];
  /** The command that runs one trial, before the sweep folder and task id (e.g. [node, cli.js, 'sweep', 'trial']). */
  trialCommand: string[];
}

const quote = (s: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

/** '0-3' or '0,2,5-7' for Slurm's --array. */
export function arraySpec(tasks: number[]): string {
  const sorted = [...new Set(tasks)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function slurmScript(o: SlurmOptions): string {
  if (o.tasks.length === 0) throw new Error('slurmScript: no trials to submit');
  const dir = path.resolve(o.sweepDir);
  const extra = (o.extraLines ?? []).map((l) => {
    const line = l.trim().replace(/^#SBATCH\s+/, '');
    if (!line.startsWith('-') || /\n/.test(line)) throw new Error(`--sbatch-line must be an sbatch option like --mem=4G, got '${l}'`);
    return `#SBATCH ${line}`;
  });
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${o.jobName}`,
    `#SBATCH --array=${arraySpec(o.tasks)}`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --output=${dir}/slurm/%A_%a.out`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    ...extra,
    '# Written by backprop sweep --slurm: one array task per trial of the sweep in this folder.',
    'set -eu',
    `export BACKPROP_THREADS="\${SLURM_CPUS_PER_TASK:-${o.cpusPerTask}}"`,
    `exec ${o.trialCommand.map(quote).join(' ')} ${quote(dir)} "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

/** sbatch --parsable <script>; resolves with the job id. */
export function submitSlurm(script: string, sbatch = 'sbatch'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(sbatch, ['--parsable', script], { cwd: path.dirname(script) }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException;
        reject(new Error(e.code === 'ENOENT' ? `cannot run ${sbatch}: not found (is this a Slurm login node?)` : `${sbatch} failed: ${(stderr || e.message).trim()}`));
        return;
      }
      const id = stdout.trim().split(';')[0] ?? '';
      if (!/^\d+$/.test(id)) reject(new Error(`${sbatch} printed no job id: '${stdout.trim()}'`));
      else resolve(id);
    });
  });
}
