// The folder of a sweep (Node only):
//   sweep.json         the spec and every trial's config, written once when the sweep is created
//   trials/<trial>/    one ordinary run folder per trial (config.json, metrics, checkpoint, …)
//   outcomes/<trial>.json  how each trial's process ended (written by the trial itself, wherever it ran)
//   logs/<trial>.log   what each trial printed (locally; Slurm writes slurm/<job>_<task>.out)
//   results.csv, summary.md, plots/*.svg   written by `sweep collect` and at the end of a local sweep
// Everything is a file on the shared folder, so status and results read the same whether the
// trials ran here or on a cluster's nodes.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { validateConfig, type TrainConfig } from '../../config.js';
import { metricsFromJson, type MetricsHistory } from '../../metrics.js';
import type { Trial } from '../../sweep/plan.js';
import { rankResults, resultsCsv, searchedKeys, sweepSummaryMarkdown, trialResult, type TrialResult, type TrialStatus } from '../../sweep/results.js';
import { sweepSpecToFile, validateSweepSpec, type SweepKey, type SweepSpec } from '../../sweep/spec.js';
import { metricVsOptionSpec, trialCurvesSpec } from '../../sweep/sweep-charts.js';
import { writeFileAtomic } from '../atomic-write.js';
import { renderSvg } from '../render-svg.js';
import { RUN_FILES, RUN_LOCK } from '../run-folder.js';

export const SWEEP_FILE = 'sweep.json';
export const SWEEP_FORMAT = 'backprop-sweep/1';

export interface SweepPlan {
  format: typeof SWEEP_FORMAT;
  spec: SweepSpec;
  /** Absolute data folder/file for every trial (undefined: the download cache). */
  data?: string;
  /** Download cache folder (with data undefined). */
  cacheDir?: string;
  trials: Trial[];
  created: string;
  /** Set by --slurm: the submitted job. */
  slurm?: { jobId: string; script: string; submitted: string };
}

/** How a trial's process ended, written by the trial into outcomes/<trial>.json. */
export interface TrialOutcome {
  status: Extract<TrialStatus, 'completed' | 'diverged' | 'failed' | 'stopped'>;
  exitCode: number;
  /** The error or divergence line, when there is one. */
  message?: string;
  host: string;
  finished: string;
  wallMs: number;
}

export class SweepFolderError extends Error {
  override name = 'SweepFolderError';
}

export const trialDir = (sweepDir: string, id: string): string => path.join(sweepDir, 'trials', id);
export const outcomeFile = (sweepDir: string, id: string): string => path.join(sweepDir, 'outcomes', `${id}.json`);
export const logFile = (sweepDir: string, id: string): string => path.join(sweepDir, 'logs', `${id}.log`);

/** Creates the sweep folder with its sweep.json; refuses a folder that already holds a sweep (use --resume). */
export async function createSweepFolder(dir: string, plan: Omit<SweepPlan, 'format' | 'created'>): Promise<SweepPlan> {
  const existing = await stat(path.join(dir, SWEEP_FILE)).catch(() => null);
  if (existing) throw new SweepFolderError(`${dir} already holds a sweep; continue it with 'backprop sweep --resume ${dir}' or pick another --out`);
  const s = await stat(dir).catch(() => null);
  if (s && !s.isDirectory()) throw new SweepFolderError(`--out ${dir} is a file, not a folder`);
  if (s && (await readdir(dir)).length > 0) throw new SweepFolderError(`--out ${dir} is not empty and holds no sweep; pick a new folder`);
  const full: SweepPlan = { format: SWEEP_FORMAT, ...plan, created: new Date().toISOString() };
  for (const sub of ['trials', 'outcomes', 'logs']) await mkdir(path.join(dir, sub), { recursive: true });
  await writeSweepPlan(dir, full);
  return full;
}

export async function writeSweepPlan(dir: string, plan: SweepPlan): Promise<void> {
  await writeFileAtomic(path.join(dir, SWEEP_FILE), `${JSON.stringify({ ...plan, spec: sweepSpecToFile(plan.spec) }, null, 2)}\n`);
}

/** Reads and checks sweep.json (the spec and every trial's config revalidated). */
export async function readSweepPlan(dir: string): Promise<SweepPlan> {
  const file = path.join(dir, SWEEP_FILE);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new SweepFolderError(err.code === 'ENOENT' ? `${dir} is not a sweep folder (no ${SWEEP_FILE})` : `cannot read ${file} (${err.code ?? err.message})`);
  });
  let raw: SweepPlan;
  try {
    raw = JSON.parse(text) as SweepPlan;
  } catch (err) {
    throw new SweepFolderError(`${file} is not valid JSON (${(err as Error).message})`);
  }
  if (raw?.format !== SWEEP_FORMAT) throw new SweepFolderError(`${file}: format must be '${SWEEP_FORMAT}', got ${JSON.stringify(raw?.format)}`);
  const spec = validateSweepSpec(raw.spec, `${file} spec`);
  if (!Array.isArray(raw.trials) || raw.trials.length !== spec.trials) throw new SweepFolderError(`${file}: trials must list ${spec.trials} trials, got ${Array.isArray(raw.trials) ? raw.trials.length : 'none'}`);
  const trials = raw.trials.map((t, i) => {
    if (t?.index !== i || typeof t.id !== 'string' || !/^trial-\d+$/.test(t.id)) throw new SweepFolderError(`${file}: trials[${i}] must have index ${i} and an id like trial-00${i}`);
    try {
      return { ...t, config: validateConfig({ ...(t.config as TrainConfig) }) };
    } catch (err) {
      throw new SweepFolderError(`${file}: trials[${i}].config: ${(err as Error).message}`);
    }
  });
  return { ...raw, spec, trials };
}

export async function writeOutcome(sweepDir: string, id: string, outcome: TrialOutcome): Promise<void> {
  await mkdir(path.join(sweepDir, 'outcomes'), { recursive: true });
  await writeFileAtomic(outcomeFile(sweepDir, id), `${JSON.stringify(outcome, null, 2)}\n`);
}

export async function readOutcome(sweepDir: string, id: string): Promise<TrialOutcome | undefined> {
  const text = await readFile(outcomeFile(sweepDir, id), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as TrialOutcome;
  } catch {
    return undefined; // a torn file cannot happen (atomic writes); an edited one counts as no outcome
  }
}

/** Removes a trial's outcome (before it runs again on --resume). */
export async function clearOutcome(sweepDir: string, id: string): Promise<void> {
  const { rm } = await import('node:fs/promises');
  await rm(outcomeFile(sweepDir, id), { force: true });
}

export interface CollectedTrial {
  trial: Trial;
  result: TrialResult;
  metrics?: MetricsHistory;
  outcome?: TrialOutcome;
}

/** A trial's state from its files: its outcome, else a live lock (running), else a folder (stopped), else pending. */
export async function readTrial(sweepDir: string, trial: Trial): Promise<CollectedTrial> {
  const dir = trialDir(sweepDir, trial.id);
  const outcome = await readOutcome(sweepDir, trial.id);
  const metricsText = await readFile(path.join(dir, RUN_FILES.metricsJson), 'utf8').catch(() => undefined);
  let metrics: MetricsHistory | undefined;
  try {
    metrics = metricsText === undefined ? undefined : metricsFromJson(metricsText);
  } catch {
    metrics = undefined;
  }
  let status: TrialStatus;
  if (outcome) status = outcome.status;
  else if (await stat(path.join(dir, RUN_LOCK)).catch(() => null)) status = 'running';
  else if (await stat(dir).catch(() => null)) status = 'stopped';
  else status = 'pending';
  return { trial, result: trialResult(trial, status, metrics, outcome?.status === 'failed' || outcome?.status === 'diverged' ? outcome.message : undefined), metrics, outcome };
}

export async function collectTrials(sweepDir: string, plan: SweepPlan): Promise<CollectedTrial[]> {
  return Promise.all(plan.trials.map((t) => readTrial(sweepDir, t)));
}

/** Writes results.csv, summary.md and plots/ (metric vs each searched option, all trials' curves). Returns the ranked rows. */
export async function writeSweepResults(sweepDir: string, plan: SweepPlan, collected: CollectedTrial[], where?: string): Promise<{ ranked: TrialResult[]; plots: string[] }> {
  const ranked = rankResults(
    collected.map((c) => c.result),
    plan.spec.metric,
  );
  await mkdir(path.join(sweepDir, 'plots'), { recursive: true });
  const plots: string[] = [];
  for (const key of searchedKeys(plan.spec) as SweepKey[]) {
    const name = `plots/${plan.spec.metric}-vs-${key}.svg`;
    await writeFileAtomic(path.join(sweepDir, name), await renderSvg(metricVsOptionSpec(plan.spec, key, ranked)));
    plots.push(name);
  }
  const curves = collected.filter((c) => c.metrics && c.metrics.eval.length > 0).map((c) => ({ id: c.trial.id, metrics: c.metrics! }));
  await writeFileAtomic(path.join(sweepDir, 'plots/accuracy-curves.svg'), await renderSvg(trialCurvesSpec(plan.spec, curves)));
  plots.push('plots/accuracy-curves.svg');
  await writeFileAtomic(path.join(sweepDir, 'results.csv'), resultsCsv(plan.spec, ranked));
  await writeFileAtomic(path.join(sweepDir, 'summary.md'), sweepSummaryMarkdown({ spec: plan.spec, ranked, where, plots }));
  return { ranked, plots };
}

export const hostName = (): string => os.hostname();
