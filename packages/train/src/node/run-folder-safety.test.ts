// Runs that cannot be lost or silently wrong (issue 17), at the library level: one run per folder,
// unique default names, verified resume (tensor checksum, data identity, steps), stale temp files
// removed, a folder that a failure mid-save leaves marked and that --resume repairs, and a write
// error that names the file and how to continue.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeSafetensors } from '@backprop/layers';
import { initBackend } from '@backprop/tensor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { presetConfig } from '../presets.js';
import { syntheticData } from '../test-support/synthetic.js';
import { createUniqueDir, readCheckpoint, RUN_FILES, RUN_LOCK } from './run-folder.js';
import { runTraining } from './run-training.js';

// Write failures on demand: the file names that fail, and with which code.
const failing = vi.hoisted(() => ({ when: null as null | ((file: string) => boolean), code: 'ENOSPC' }));
vi.mock('./atomic-write.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./atomic-write.js')>();
  return {
    ...real,
    writeFileAtomic: async (file: string, data: string | Uint8Array) => {
      if (failing.when?.(file)) throw Object.assign(new Error(`${failing.code}: no space left on device, write`), { code: failing.code });
      return real.writeFileAtomic(file, data);
    },
  };
});

const root = mkdtempSync(path.join(os.tmpdir(), 'backprop-run-safety-'));
beforeAll(async () => {
  await initBackend();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = syntheticData();
const config = presetConfig('mlp-tuned', { hiddenUnits: [8], maxSteps: 6, batchSize: 20, evalFreq: 3, evalBatchSize: 30 });
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;
const dir = (name: string) => path.join(root, name);

async function rejection(p: Promise<unknown>): Promise<Error> {
  const r = await p.then(
    () => null,
    (e: unknown) => e as Error,
  );
  if (r == null) throw new Error('expected a rejection, the promise resolved');
  return r;
}

describe('one run per folder (defects 1 and 2)', () => {
  it("a folder holding another run's record is refused and left untouched; --force replaces it", async () => {
    const out = dir('owned');
    await runTraining({ config, data, out });
    const before = readFileSync(path.join(out, RUN_FILES.checkpoint));
    const err = await rejection(runTraining({ config: { ...config, seed: 7 }, data, out }));
    expect(err.message).toContain(`${out} already holds a run of mlp-tuned (checkpoint at step 6); continue it with 'backprop train --resume ${out}', pick another --out, or pass --force`);
    expect(Buffer.compare(readFileSync(path.join(out, RUN_FILES.checkpoint)), before)).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, RUN_FILES.config), 'utf8')).seed).toBe(42);
    expect(existsSync(path.join(out, RUN_LOCK))).toBe(false);
    await runTraining({ config: { ...config, seed: 7 }, data, out, force: true });
    expect(JSON.parse(readFileSync(path.join(out, RUN_FILES.config), 'utf8')).seed).toBe(7);
  });

  it('two runs started at once on one folder: one is refused while the other owns it', async () => {
    const out = dir('shared');
    const results = await Promise.allSettled([runTraining({ config, data, out }), runTraining({ config: { ...config, seed: 9 }, data, out })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(refused.reason.message)).toMatch(/is in use by another run \(pid \d+|already holds a run/);
    // Every file is the winner's: config and checkpoint agree.
    const { checkpoint } = await readCheckpoint(out);
    expect(JSON.parse(readFileSync(path.join(out, RUN_FILES.config), 'utf8'))).toEqual(checkpoint.config);
  });

  it("a live process's lock is respected; a dead process's lock is taken over", async () => {
    const out = dir('locked');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, RUN_LOCK), `${process.ppid}\n${os.hostname()}\n2026-01-01T00:00:00.000Z\n`);
    expect((await rejection(runTraining({ config, data, out }))).message).toContain(`is in use by another run (pid ${process.ppid}, started 2026-01-01T00:00:00.000Z)`);
    writeFileSync(path.join(out, RUN_LOCK), `${deadPid()}\n${os.hostname()}\nyesterday\n`);
    await runTraining({ config, data, out });
    expect(readdirSync(out).sort()).toEqual(Object.values(RUN_FILES).sort());
  });

  it('default names are unique even within one second', async () => {
    const base = dir('runs/mlp-20260101-120000');
    const made = await Promise.all([createUniqueDir(base), createUniqueDir(base), createUniqueDir(base)]);
    expect(new Set(made).size).toBe(3);
    expect(made.sort()).toEqual([base, `${base}-2`, `${base}-3`].map((d) => path.resolve(d)).sort());
  });
});

describe('verified resume (defect 4)', () => {
  const out = dir('verified');
  beforeAll(async () => {
    await runTraining({ config: { ...config, maxSteps: 3 }, data, out });
  });

  it('a checkpoint whose tensor bytes were altered (a flipped bit, a NaN) is refused with a clear error', async () => {
    const file = path.join(out, RUN_FILES.checkpoint);
    const good = readFileSync(file);
    const dataStart = 8 + Number(good.readBigUInt64LE(0));
    for (const patch of [(b: Buffer) => void (b[dataStart + 5]! ^= 0x04), (b: Buffer) => b.writeFloatLE(Number.NaN, dataStart + 16)]) {
      const bad = Buffer.from(good);
      patch(bad);
      const copy = dir(`damaged-${Math.random().toString(16).slice(2)}`);
      mkdirSync(copy);
      writeFileSync(path.join(copy, RUN_FILES.checkpoint), bad);
      const err = await rejection(readCheckpoint(copy));
      expect(err.message).toMatch(/checkpoint\.safetensors is damaged: its tensor bytes fail their checksum \(CRC-32 [0-9a-f]{8}, recorded [0-9a-f]{8}\)/);
    }
  });

  it('other data is refused (the checkpoint records the SHA-256 of the data it trained on)', async () => {
    const { checkpoint } = await readCheckpoint(out);
    expect(checkpoint.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    const other = syntheticData({ seed: 8 });
    const err = await rejection(runTraining({ config, data: other, dataSource: 'other.tar.gz', resume: checkpoint, out }));
    expect(err.message).toMatch(/--resume: other\.tar\.gz is not the data this run trained on \(its SHA-256 is [0-9a-f]{16}…, the checkpoint records [0-9a-f]{16}…\)/);
    expect((await readCheckpoint(out)).checkpoint.step).toBe(3); // untouched
  });

  it('maxSteps below the checkpoint step is refused', async () => {
    const { checkpoint } = await readCheckpoint(out);
    const err = await rejection(runTraining({ config: { ...config, maxSteps: 2 }, data, resume: checkpoint, out }));
    expect(err.message).toContain("--max-steps 2 is below the checkpoint's step 3");
  });

  it('--resume of a folder whose name ends in .safetensors reads the checkpoint inside it', async () => {
    const odd = dir('model.safetensors');
    await runTraining({ config: { ...config, maxSteps: 3 }, data, out: odd });
    expect((await readCheckpoint(odd)).checkpoint.step).toBe(3);
  });
});

describe('stale temp files (defect 6)', () => {
  it("opening a run folder removes temp files of dead writers, keeps a live process's", async () => {
    const out = dir('temps');
    await runTraining({ config: { ...config, maxSteps: 3 }, data, out });
    const stale = [`.checkpoint.safetensors.${deadPid()}-0badf00d.tmp`, `.model.safetensors.${deadPid()}-12345678.tmp`];
    const live = `.metrics.csv.${process.ppid}-abcdef01.tmp`;
    for (const f of [...stale, live]) writeFileSync(path.join(out, f), 'half');
    const { checkpoint } = await readCheckpoint(out);
    await runTraining({ config, data, out, resume: checkpoint });
    expect(readdirSync(out).sort()).toEqual([...Object.values(RUN_FILES), live].sort());
  });
});

describe('a folder left by a failure mid-save (defects 7 and 9)', () => {
  it('a write error names the file, the last complete checkpoint and how to resume; the summary says the save was cut; --resume repairs the folder', async () => {
    const full = dir('uninterrupted');
    await runTraining({ config, data, out: full });
    const out = dir('cut-save');
    // The checkpoint of step 6 is written, then the disk is full for model.safetensors.
    let checkpoints = 0;
    failing.when = (file) => {
      if (file.endsWith(RUN_FILES.checkpoint)) checkpoints++;
      return file.endsWith(RUN_FILES.model) && checkpoints === 3; // checkpoints at steps 0, 3, 6
    };
    const err = await rejection(runTraining({ config, data, out }));
    failing.when = null;
    expect(err.message).toBe(
      `cannot write ${path.join(out, RUN_FILES.model)} (ENOSPC: no space left on device, write); the folder keeps its last complete checkpoint (step 6); free some space, then continue with: backprop train --resume ${out}`,
    );
    const summary = readFileSync(path.join(out, RUN_FILES.summary), 'utf8');
    expect(summary).toMatch(/Status: saving the checkpoint of step 6\. If the run is no longer running, it was killed while saving/);
    const modelStep = () => decodeSafetensors(readFileSync(path.join(out, RUN_FILES.model))).metadata.step;
    const lastCsvStep = () => readFileSync(path.join(out, RUN_FILES.metricsCsv), 'utf8').trim().split('\n').at(-1)!.split(',')[0];
    expect([modelStep(), lastCsvStep()]).toEqual(['3', '3']); // behind the checkpoint, and the summary says so
    expect(existsSync(path.join(out, RUN_LOCK))).toBe(false);

    const { checkpoint } = await readCheckpoint(out);
    expect(checkpoint.step).toBe(6);
    await runTraining({ config, data, out, resume: checkpoint });
    expect([modelStep(), lastCsvStep()]).toEqual(['6', '6']);
    expect(readFileSync(path.join(out, RUN_FILES.summary), 'utf8')).toContain('Status: completed');
    for (const f of [RUN_FILES.metricsCsv, RUN_FILES.metricsJson, RUN_FILES.model, RUN_FILES.lossSvg, RUN_FILES.accuracySvg, RUN_FILES.config]) {
      expect(Buffer.compare(readFileSync(path.join(out, f)), readFileSync(path.join(full, f))), f).toBe(0);
    }
  });

  it('a run that fails before its first checkpoint leaves no folder behind', async () => {
    const out = dir('failed-at-once');
    failing.when = (file) => file.endsWith(RUN_FILES.config);
    const err = await rejection(runTraining({ config, data, out }));
    failing.when = null;
    expect(err.message).toMatch(/cannot write .*config\.json \(ENOSPC: .*\); no checkpoint of this run was saved yet/);
    expect(existsSync(out)).toBe(false);
  });
});
