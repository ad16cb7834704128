// The folder a run writes (Node only): config.json, metrics.csv, metrics.json, loss.svg,
// accuracy.svg, model.safetensors, checkpoint.safetensors and summary.md.
//
// One folder, one run. While a run writes it, the folder holds `run.lock` with the run's pid; a
// second run asking for the same folder is refused while that pid lives (a lock left by a killed
// run is taken over). A folder that already holds a run's record is refused too, unless the run
// continues it (--resume) or the user asks to overwrite it (--force). Default folder names are made
// unique by creating them exclusively (`-2`, `-3`, … when two runs start in the same second).
//
// Every file is written atomically (temp file, rename, folder fsync). At each checkpoint the
// summary first says "saving step N", then the checkpoint, model and curves are rewritten, then
// the summary says "running (step N)": if the run is killed in between, the folder says so, and
// every file names its step (checkpoint and model metadata, the last row of metrics.csv).
// `--resume` rewrites the model and curves from the checkpoint, so the folder agrees again.
import { mkdir, mkdtemp, open, readdir, readFile, rm, rmdir, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive, removeStaleTempFiles } from '@backprop/data';
import { encodeSafetensors } from '@backprop/layers';
import { accuracyChartSpec, lossChartSpec } from '../charts.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../checkpoint.js';
import type { TrainConfig } from '../config.js';
import { metricsToCsv, metricsToJson, type MetricsHistory } from '../metrics.js';
import { summaryMarkdown, type SummaryInput } from '../summary.js';
import { writeFileAtomic } from './atomic-write.js';
import { renderSvg } from './render-svg.js';

export const RUN_FILES = {
  config: 'config.json',
  metricsCsv: 'metrics.csv',
  metricsJson: 'metrics.json',
  lossSvg: 'loss.svg',
  accuracySvg: 'accuracy.svg',
  model: 'model.safetensors',
  checkpoint: 'checkpoint.safetensors',
  summary: 'summary.md',
} as const;

/** Present while a run owns the folder: `<pid>\n<host>\n<ISO start time>\n`. */
export const RUN_LOCK = 'run.lock';

/** A run folder that cannot be used as asked: in use, holding another run, not writable. */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

/** A fresh folder name for a run: `<root>/<preset>-<yyyymmdd-hhmmss>` (made unique when created). */
export function defaultRunDir(preset: string, root = 'runs', date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return path.join(root, `${preset}-${stamp}`);
}

/**
 * Creates a new folder `base`, or `base-2`, `base-3`, … if taken — exclusively (mkdir without
 * `recursive` fails if the folder exists), so two processes starting at once get two folders.
 */
export async function createUniqueDir(base: string): Promise<string> {
  await mkdir(path.dirname(base), { recursive: true }).catch((err: unknown) => {
    throw new RunFolderError(`cannot create ${path.dirname(base)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  });
  for (let k = 1; k < 10_000; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    try {
      await mkdir(dir);
      return path.resolve(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RunFolderError(`cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  throw new RunFolderError(`cannot find a free folder name next to ${base}`);
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

const readLock = async (file: string): Promise<LockInfo | null> => {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text == null) return null;
  const [pid, host, started] = text.split('\n');
  return { pid: Number(pid), host: host ?? '', started: started ?? '' };
};

/** Folders this process holds (a lock with our own pid is only live if listed here). */
const heldHere = new Set<string>();

/** Whether a lock is held by a live run: another live process here, one of our own runs, or a run on another host. */
function lockIsLive(lock: LockInfo, dir: string): boolean {
  if (lock.host && lock.host !== os.hostname()) return true; // cannot tell: assume it is
  if (lock.pid === process.pid) return heldHere.has(dir);
  return isProcessAlive(lock.pid);
}

const busyMessage = (dir: string, lock: LockInfo) =>
  `${dir} is in use by another run (pid ${lock.pid}${lock.host && lock.host !== os.hostname() ? ` on ${lock.host}` : ''}, started ${lock.started || 'at an unknown time'}); ` +
  `wait for it to finish or stop it, or pick another --out${lock.host && lock.host !== os.hostname() ? ` (if that run is gone, remove ${path.join(dir, RUN_LOCK)})` : ''}`;

/** What a folder already holds: the step of its checkpoint (null if none) and whether any record file is there. */
async function existingRecord(dir: string): Promise<{ files: string[]; step: number | null; preset: string | null }> {
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  const files = Object.values(RUN_FILES).filter((f) => names.has(f));
  let step: number | null = null;
  let preset: string | null = null;
  if (names.has(RUN_FILES.checkpoint)) {
    const meta = await checkpointMetadata(path.join(dir, RUN_FILES.checkpoint));
    if (meta) {
      step = Number.isInteger(Number(meta.step)) ? Number(meta.step) : null;
      preset = ((): string | null => {
        try {
          return (JSON.parse(meta.config ?? 'null') as { preset?: string } | null)?.preset ?? null;
        } catch {
          return null;
        }
      })();
    }
  }
  if (preset == null && names.has(RUN_FILES.config)) {
    preset = ((await readFile(path.join(dir, RUN_FILES.config), 'utf8').then(JSON.parse, () => null)) as { preset?: string } | null)?.preset ?? null;
  }
  return { files, step, preset };
}

/** The metadata of a safetensors file, from its header alone (null if unreadable). */
async function checkpointMetadata(file: string): Promise<Record<string, string> | null> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const head = Buffer.alloc(8);
    if ((await handle.read(head, 0, 8, 0)).bytesRead < 8) return null;
    const length = Number(head.readBigUInt64LE(0));
    if (length > 64 << 20) return null;
    const json = Buffer.alloc(length);
    await handle.read(json, 0, length, 8);
    return ((JSON.parse(json.toString('utf8')) as { __metadata__?: Record<string, string> }).__metadata__ ?? {}) as Record<string, string>;
  } catch {
    return null; // a damaged checkpoint is still another run's record
  } finally {
    await handle.close();
  }
}

const recordMessage = (dir: string, r: { files: string[]; step: number | null; preset: string | null }) =>
  `${dir} already holds a run${r.preset ? ` of ${r.preset}` : ''}${r.step != null ? ` (checkpoint at step ${r.step})` : ` (${r.files.join(', ')})`}; ` +
  `continue it with 'backprop train --resume ${dir}', pick another --out, or pass --force to overwrite it`;

export interface RunDirOptions {
  /** The run continues the record in this folder (--resume): keep it. */
  resume?: boolean;
  /** Overwrite another run's record in the folder (--force). A live run's folder is refused all the same. */
  force?: boolean;
}

/**
 * Checks, without creating or changing anything, that `dir` can be this run's folder: not a
 * file, not in use by a live run, not holding another run's record (unless `resume`/`force`), and
 * creatable (its nearest existing parent is a writable folder). Throws a RunFolderError saying
 * which and what to do.
 */
export async function checkRunDir(dir: string, options: RunDirOptions = {}): Promise<void> {
  if (dir.trim() === '') throw new RunFolderError(`--out must name a folder, got '${dir}'`);
  const s = await stat(dir).catch(() => null);
  if (s && !s.isDirectory()) throw new RunFolderError(`--out ${dir} is a file, not a folder`);
  if (s) {
    const lock = await readLock(path.join(dir, RUN_LOCK));
    if (lock && lockIsLive(lock, path.resolve(dir))) throw new RunFolderError(busyMessage(dir, lock));
    if (!options.resume && !options.force) {
      const record = await existingRecord(dir);
      if (record.files.length > 0) throw new RunFolderError(recordMessage(dir, record));
    }
    return;
  }
  // Not there yet: find the folder it would be created in and try to write there.
  let parent = path.resolve(dir);
  let ps: Awaited<ReturnType<typeof stat>> | null = null;
  while (ps == null) {
    const up = path.dirname(parent);
    if (up === parent) break;
    parent = up;
    ps = await stat(parent).catch(() => null);
  }
  if (ps && !ps.isDirectory()) throw new RunFolderError(`--out ${dir}: cannot create the run folder, ${parent} is a file, not a folder`);
  try {
    const probe = await mkdtemp(path.join(parent, '.backprop-probe-'));
    await rmdir(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new RunFolderError(`--out ${dir}: cannot create the run folder, ${parent} is not writable (${e.code ?? e.message}); pick a folder you can write to`);
  }
}

export interface OpenRunFolderOptions extends RunDirOptions {
  /** For the default name `runs/<preset>-<stamp>` when `dir` is not given. */
  preset: string;
  /** Root of default names (default 'runs'). */
  root?: string;
}

export class RunFolder {
  /** Step of the last checkpoint fully written by this session (or the resumed one), null before. */
  lastSavedStep: number | null = null;
  private released = false;

  private constructor(
    readonly dir: string,
    /** Whether this run created the folder (and may remove it if it fails before its first checkpoint). */
    readonly created: boolean,
  ) {}

  /**
   * Creates (or, for `resume`/`force`, reuses) the run folder and takes its lock; `dir` undefined
   * gives a new unique default folder. Removes temp files of killed writers. Call `release()` when
   * the run ends.
   */
  static async open(dir: string | undefined, options: OpenRunFolderOptions): Promise<RunFolder> {
    let folder: RunFolder;
    if (dir == null) {
      folder = new RunFolder(await createUniqueDir(defaultRunDir(options.preset, options.root)), true);
    } else {
      await checkRunDir(dir, options);
      const existed = (await stat(dir).catch(() => null)) != null;
      try {
        await mkdir(dir, { recursive: true });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new RunFolderError(`--out ${dir}: cannot create the run folder (${e.code ?? e.message})`);
      }
      folder = new RunFolder(path.resolve(dir), !existed);
    }
    await folder.lock();
    try {
      const record = await existingRecord(folder.dir);
      if (record.files.length > 0 && !options.resume) {
        if (!options.force) throw new RunFolderError(recordMessage(dir ?? folder.dir, record));
        // --force: the old record goes first, so that the folder never mixes two runs' files.
        for (const f of record.files) await rm(path.join(folder.dir, f), { force: true });
      }
      await removeStaleTempFiles(folder.dir);
    } catch (err) {
      await folder.release();
      throw err;
    }
    return folder;
  }

  private async lock(): Promise<void> {
    const file = path.join(this.dir, RUN_LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx');
        await handle.writeFile(`${process.pid}\n${os.hostname()}\n${new Date().toISOString()}\n`);
        await handle.close();
        heldHere.add(this.dir);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          const e = err as NodeJS.ErrnoException;
          throw new RunFolderError(`cannot write ${file} (${e.code ?? e.message}); the run folder must be writable`);
        }
      }
      const lock = await readLock(file);
      if (lock && lockIsLive(lock, this.dir)) throw new RunFolderError(busyMessage(this.dir, lock));
      // Left by a run that was killed: take it over (once; if another run takes it first, we lose).
      await unlink(file).catch(() => {});
    }
    const lock = await readLock(file);
    throw new RunFolderError(busyMessage(this.dir, lock ?? { pid: 0, host: '', started: '' }));
  }

  /** Gives the folder up (removes the lock if it is still ours). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.dir);
    const file = path.join(this.dir, RUN_LOCK);
    const lock = await readLock(file);
    if (lock && lock.pid === process.pid) await unlink(file).catch(() => {});
  }

  /**
   * After a failure: a folder this run created and never checkpointed into is removed, so that a
   * run that fails at once leaves nothing behind.
   */
  async abandon(): Promise<void> {
    if (!this.created || this.lastSavedStep != null) return;
    await this.release();
    await rm(this.dir, { recursive: true, force: true }).catch(() => {});
  }

  file(name: keyof typeof RUN_FILES): string {
    return path.join(this.dir, RUN_FILES[name]);
  }

  /** writeFileAtomic, with an error that names the file and says what the folder still holds. */
  private async write(name: keyof typeof RUN_FILES, data: string | Uint8Array): Promise<void> {
    const file = this.file(name);
    try {
      await writeFileAtomic(file, data);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const full = e.code === 'ENOSPC' || e.code === 'EDQUOT';
      const kept =
        this.lastSavedStep == null
          ? 'no checkpoint of this run was saved yet'
          : `the folder keeps its last complete checkpoint (step ${this.lastSavedStep}); ${full ? 'free some space, then ' : ''}continue with: backprop train --resume ${this.dir}`;
      throw new RunFolderError(`cannot write ${file} (${e.code ? `${e.code}: ` : ''}${e.message.replace(/^[A-Z]+: /, '')}); ${kept}`, { cause: err });
    }
  }

  async writeConfig(config: TrainConfig): Promise<void> {
    await this.write('config', `${JSON.stringify(config, null, 2)}\n`);
  }

  /** Curves and tables: metrics.csv, metrics.json, loss.svg, accuracy.svg. */
  async writeMetrics(metrics: MetricsHistory, title: string): Promise<void> {
    await this.write('metricsCsv', metricsToCsv(metrics));
    await this.write('metricsJson', `${metricsToJson(metrics)}\n`);
    await this.write('lossSvg', await renderSvg(lossChartSpec(metrics, { title: `${title}: loss` })));
    await this.write('accuracySvg', await renderSvg(accuracyChartSpec(metrics, { title: `${title}: test accuracy` })));
  }

  /** The checkpoint (for --resume), then what follows from it: the model alone and the curves. */
  async writeCheckpoint(c: Checkpoint): Promise<void> {
    await this.write('checkpoint', encodeCheckpoint(c));
    this.lastSavedStep = c.step;
    await this.writeDerived(c);
  }

  /**
   * The model (PyTorch names; loads with safetensors.torch.load_file) and the curves from a
   * checkpoint: at each checkpoint, and on resuming, to repair a folder left mixed by a kill.
   */
  async writeDerived(c: Checkpoint): Promise<void> {
    await this.write('model', encodeSafetensors(c.model, { format: 'pt', preset: c.config.preset, step: String(c.step) }));
    await this.writeMetrics(c.metrics, c.config.preset);
  }

  async writeSummary(s: SummaryInput): Promise<void> {
    await this.write('summary', summaryMarkdown(s));
  }
}

/**
 * Reads the checkpoint of a run folder (`<dir>/checkpoint.safetensors`), or a checkpoint file given
 * directly, checking its checksum.
 */
export async function readCheckpoint(dirOrFile: string): Promise<{ checkpoint: Checkpoint; dir: string }> {
  const s = await stat(dirOrFile).catch(() => null);
  const file = s?.isDirectory() || (!s && !dirOrFile.endsWith('.safetensors')) ? path.join(dirOrFile, RUN_FILES.checkpoint) : dirOrFile;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(`--resume: cannot read ${file} (${code ?? (err as Error).message}); pass a run folder that holds ${RUN_FILES.checkpoint}`);
  }
  try {
    return { checkpoint: decodeCheckpoint(bytes, file), dir: path.dirname(file) };
  } catch (err) {
    throw new Error(`--resume: ${(err as Error).message}`, { cause: err });
  }
}
