// Runs and data that cannot be lost or silently wrong (issue 17), through the CLI: run folders
// owned by one run, SIGTERM/SIGHUP as graceful stops, --resume checks before anything is loaded,
// refused short batch files, `data fetch` that checks the cache, and every value checked before
// the data is loaded or a folder created.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fetchCommand } from './commands/data.js';
import { processIo } from './io.js';
import { writeCifarFolder } from './test-support/cifar-folder.js';
import { fakeIo } from './test-support/fake-io.js';
import { runMain as run, smallTrainFlags } from './test-support/run-main.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'backprop-cli-safety-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cifar = writeCifarFolder(path.join(root, 'cifar'));
const missing = path.join(root, 'no-such-data.tar.gz');


const small = smallTrainFlags(cifar);

describe('run folders (defects 1 and 2)', () => {
  it("--out naming a previous run's folder is refused before anything is loaded; the old run is untouched; --force overwrites", async () => {
    const out = path.join(root, 'previous');
    expect((await run(['train', 'mlp-manual', ...small, '--max-steps', '3', '--out', out])).code).toBe(0);
    const checkpoint = readFileSync(path.join(out, 'checkpoint.safetensors'));
    const again = await run(['train', 'mlp-manual', '--data', missing, '--max-steps', '6', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.err).toBe(
      `backprop train: ${out} already holds a run of mlp-manual (checkpoint at step 3); continue it with 'backprop train --resume ${out}', pick another --out, or pass --force to overwrite it (see 'backprop train --help')\n`,
    );
    expect(Buffer.compare(readFileSync(path.join(out, 'checkpoint.safetensors')), checkpoint)).toBe(0);
    const forced = await run(['train', 'mlp-manual', ...small, '--max-steps', '6', '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')).maxSteps).toBe(6);
  });

  it('two runs started in the same second get two folders', async () => {
    const cwd = process.cwd();
    const dir = path.join(root, 'same-second');
    mkdirSync(dir);
    process.chdir(dir);
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(2026, 0, 2, 3, 4, 5) });
    try {
      for (let i = 0; i < 2; i++) expect((await run(['train', 'mlp-manual', ...small, '--max-steps', '1'])).code).toBe(0);
    } finally {
      vi.useRealTimers();
      process.chdir(cwd);
    }
    expect(readdirSync(path.join(dir, 'runs')).sort()).toEqual(['mlp-manual-20260102-030405', 'mlp-manual-20260102-030405-2']);
  });
});

describe('SIGTERM and SIGHUP (defect 3)', () => {
  it('the process Io listens for SIGINT, SIGTERM and SIGHUP and tells the handler which came', () => {
    const counts = () => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    const before = counts();
    const seen: string[] = [];
    const off = processIo().onInterrupt((signal) => seen.push(signal));
    expect(counts()).toEqual(before.map((n) => n + 1));
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGHUP', 'SIGHUP');
    off();
    expect(seen).toEqual(['SIGTERM', 'SIGHUP']);
    expect(counts()).toEqual(before);
  });

  it('SIGTERM during a run: stop checkpoint, summary "stopped", exit 143; --resume finishes it', async () => {
    const out = path.join(root, 'sigterm');
    const stopped = await run(['train', 'mlp', ...small, '--max-steps', '9', '--out', out], (io) => {
      io.onStderr = (text) => {
        if (text.startsWith('eval  step 3:')) io.interrupt('SIGTERM');
      };
    });
    expect(stopped.code).toBe(143);
    expect(stopped.err).toContain('SIGTERM: stopping after this step, keeping a checkpoint');
    expect(stopped.out).toContain('stopped at step 3 of 9');
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('Status: stopped at step 3');
    expect(existsSync(path.join(out, 'run.lock'))).toBe(false);
    expect((await run(['train', '--resume', out, '--data', cifar])).code).toBe(0);
  });
});

describe('--resume checks (defect 4)', () => {
  it('--max-steps below the checkpoint step, and a damaged checkpoint, are refused before the data is loaded', async () => {
    const out = path.join(root, 'resume-checks');
    expect((await run(['train', 'mlp-manual', ...small, '--max-steps', '6', '--out', out])).code).toBe(0);
    const short = await run(['train', '--resume', out, '--data', missing, '--max-steps', '3']);
    expect(short.code).toBe(2);
    expect(short.err).toContain(`--max-steps 3 is below the checkpoint's step 6 in ${out}; a run cannot be shortened (pass --max-steps 6 or more)`);
    const file = path.join(out, 'checkpoint.safetensors');
    const bytes = readFileSync(file);
    bytes[bytes.length - 3]! ^= 0x40;
    writeFileSync(file, bytes);
    const damaged = await run(['train', '--resume', out, '--data', missing]);
    expect(damaged.code).toBe(1);
    expect(damaged.err).toMatch(/checkpoint\.safetensors is damaged: its tensor bytes fail their checksum/);
  });

  it('resuming on other data is refused', async () => {
    const out = path.join(root, 'resume-other-data');
    expect((await run(['train', 'mlp-manual', ...small, '--max-steps', '3', '--out', out])).code).toBe(0);
    const other = writeCifarFolder(path.join(root, 'cifar-other'), { seed: 4 });
    const r = await run(['train', '--resume', out, '--data', other, '--max-steps', '6']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--resume: ${other} is not the data this run trained on`);
  });
});

describe('short batch files (defect 5)', () => {
  it('train refuses a training file cut at a record boundary', async () => {
    const cut = writeCifarFolder(path.join(root, 'cifar-cut'));
    truncateSync(path.join(cut, 'data_batch_3.bin'), 15 * 3073);
    const r = await run(['train', 'mlp-manual', '--data', cut, '--batch-size', '10', '--out', path.join(root, 'cut-run')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('data_batch_3.bin holds 15 records, the other training files 20 each');
    expect(existsSync(path.join(root, 'cut-run'))).toBe(false);
  });
});

describe('data fetch (defect 8)', () => {
  it('a bad file in the cache is not "already in the cache"; offline, the advice is one fetch can follow', async () => {
    const cacheDir = path.join(root, 'cache');
    mkdirSync(cacheDir);
    writeFileSync(path.join(cacheDir, 'cifar-10-binary.tar.gz'), '<html>502 Bad Gateway</html>');
    const offline = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    }) as unknown as typeof fetch;
    const io = fakeIo();
    const err = await fetchCommand({ data: undefined, cacheDir }, io, { fetch: offline }).then(
      () => null,
      (e: Error) => e,
    );
    expect(io.err.join('')).toContain(`the cached ${path.join(cacheDir, 'cifar-10-binary.tar.gz')} is not the archive (28 bytes (expected 170052171), md5`);
    expect(io.out.join('')).not.toContain('already in the cache');
    expect(err?.message).toContain(`copy it to ${path.join(cacheDir, 'cifar-10-binary.tar.gz')}, then run 'backprop data fetch' again`);
    expect(err?.message).not.toMatch(/: pass --data/);
  });
});

describe('values checked before any data is loaded or folder created (defects 9 and 10)', () => {
  const file = path.join(root, 'a-file');
  writeFileSync(file, 'x');
  it.each([
    [['train', 'mlp', '--learning-rate', '-1'], "--learning-rate must be a positive number, got '-1' (negative)"],
    [['train', 'mlp', '--learning-rate', '1e-320'], '--learning-rate 1e-320 is 0 (or denormal) in float32, in which training runs; the smallest usable value is 1.2e-38'],
    [['train', 'mlp', '--learning-rate', '0x10'], "--learning-rate must be a positive number, got '0x10' (decimal digits only, like 16 or 1e-3)"],
    [['train', 'mlp', '--seed', '4294967338'], "--seed must be a non-negative integer no larger than 4294967295, got '4294967338'"],
    [['train', 'mlp', '--threads', '64'], "--threads must be a positive integer no larger than 8, got '64'"],
    [['train', 'mlp', '--out', ''], "--out must name a folder, got ''"],
    [['train', 'mlp', '--out', path.join(file, 'run')], `--out ${path.join(file, 'run')}: cannot create the run folder, ${file} is a file, not a folder`],
    [['train', 'mlp', '--out', '/sys/backprop-run'], '--out /sys/backprop-run: cannot create the run folder, /sys is not writable (EPERM); pick a folder you can write to'],
    [['train', 'mlp', '--out', file], `--out ${file} is a file, not a folder`],
    [['experiment', 'norm-batch-size', '--batch-sizes', ''], '--batch-sizes must be comma-separated positive integers like 1,16,256, got an empty list'],
    [['experiment', 'norm-batch-size', '--examples', '10'], '--examples 10 is smaller than the largest batch size 512: that run would train on 512 examples, not 10'],
    [['experiment', 'activation', '--seed', '4294967296'], "--seed must be a non-negative integer no larger than 4294967295, got '4294967296'"],
    [['experiment', 'activation', '--out', path.join(file, 'x')], `--out ${path.join(file, 'x')}: cannot create the run folder, ${file} is a file, not a folder`],
  ])('%j → exit 2 with a clear message, before the data is loaded', async (argv, message) => {
    const r = await run([...argv, '--data', missing]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toContain('no-such-data'); // the data was never touched
  });

  it('a batch larger than the training set: exit 2 after the data load, and no folder', async () => {
    const out = path.join(root, 'too-big-batch');
    const r = await run(['train', 'mlp-manual', '--data', cifar, '--batch-size', '100000', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--batch-size 100000 is larger than the training set (100 examples in ${cifar})`);
    expect(existsSync(out)).toBe(false);
  });

  it('--resume of a folder whose name ends in .safetensors', async () => {
    const out = path.join(root, 'weights.safetensors');
    expect((await run(['train', 'mlp-manual', ...small, '--max-steps', '3', '--out', out])).code).toBe(0);
    const r = await run(['train', '--resume', out, '--data', cifar, '--max-steps', '6']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('resuming at step 3');
  });
});
