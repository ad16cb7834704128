// backprop data fetch|info|verify.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CIFAR10_CLASS_NAMES, CIFAR10_DOWNLOADS, channelStats, defaultCacheDir, DEFAULT_STALL_TIMEOUT_MS, type DownloadProgress, type LabelledData, type Split } from '@backprop/data';
import { resolveDataPath } from '@backprop/train/node';
import { parse } from '../args.js';
import { loadCifarWithProgress, type DataFlags } from '../data-source.js';
import { UsageError } from '../errors.js';
import { DATA_HELP } from '../help.js';
import { mb, type Io } from '../io.js';
import { formatTable } from '../table.js';

/** SHA-256 of the six batch files of Backprop's shared copy (/work/shared/data/README.md). */
export const SHARED_COPY_SHA256: Record<string, string> = {
  data_batch_1: '2eed4e25a23918bd969748756855443c258047d2bda3d6037bf88b08f09bb1bf',
  data_batch_2: '9323d128d6d778621714d49efbea19bc422df8d9ff43f924c3743fd6c94bed02',
  data_batch_3: '9bade5d22d59fe77add0c396a6a979330948245bf2e9e2077d0ebdc782952cdb',
  data_batch_4: '45e0e2390fe13febec7157626675b1620ae2e59276f5d3913b7bf52ac11dc7b1',
  data_batch_5: '385952ade6780886202cb4611ebd5df4e430e5264ba34cce5f3a9bb148aac9f8',
  test_batch: 'fd01c187bc5f3ec284e554963c60384a21860ffdb7dea6eff2ee1bd47cc79161',
};

/** SHA-256 of records [from, to) of a split written as the binary format's records (label byte, then pixels). */
export function binaryBatchSha256(split: Split, from: number, to: number): string {
  const size = split.shape[0] * split.shape[1] * split.shape[2];
  const hash = createHash('sha256');
  const record = new Uint8Array(size + 1);
  for (let i = from; i < to; i++) {
    record[0] = split.labels[i]!;
    record.set(split.images.subarray(i * size, (i + 1) * size), 1);
    hash.update(record);
  }
  return hash.digest('hex');
}

function md5File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(file)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

const classCounts = (split: Split, k: number): number[] => {
  const counts = new Array<number>(k).fill(0);
  for (const l of split.labels) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
};

export interface VerifyCheck {
  check: string;
  ok: boolean;
  detail: string;
}

/** Structural checks of a loaded CIFAR-10 (sizes, shapes, labels, class balance, class names). */
export function verifyCifar10(data: LabelledData): VerifyCheck[] {
  const checks: VerifyCheck[] = [];
  const add = (check: string, ok: boolean, detail: string) => checks.push({ check, ok, detail });
  add('train records', data.train.length === 50000, `${data.train.length} (expected 50000)`);
  add('test records', data.test.length === 10000, `${data.test.length} (expected 10000)`);
  const shapeOk = [data.train, data.test].every((s) => s.shape.join('x') === '3x32x32');
  add('image shape', shapeOk, `${data.train.shape.join('×')} (expected 3×32×32)`);
  add('class names', data.classNames.join(',') === CIFAR10_CLASS_NAMES.join(','), data.classNames.join(', '));
  for (const [name, split, each] of [['train', data.train, 5000], ['test', data.test, 1000]] as const) {
    const counts = classCounts(split, 10);
    const outside = split.labels.length - counts.reduce((a, b) => a + b, 0);
    add(`${name} labels in 0–9`, outside === 0, outside === 0 ? 'all' : `${outside} outside`);
    add(`${name} class balance`, counts.every((c) => c === each), `${counts.join(', ')} (expected ${each} each)`);
  }
  return checks;
}

/** A download's progress as one line: percent and MB, rate, and how long it has been stalled. */
export function downloadLine(file: string, p: DownloadProgress, bytesPerSecond: number): string {
  const amount = p.total ? `${String(Math.floor((100 * p.received) / p.total)).padStart(3)}% ${mb(p.received)} / ${mb(p.total)}` : mb(p.received);
  const rate = bytesPerSecond > 0 ? `, ${mb(bytesPerSecond)}/s` : '';
  const stall = p.stalledMs >= 3000 ? ` — no data for ${Math.round(p.stalledMs / 1000)} s (gives up after ${DEFAULT_STALL_TIMEOUT_MS / 1000} s)` : '';
  return `downloading ${file} ${amount}${rate}${stall}`;
}

export interface FetchOptions {
  /** For tests: the fetch used for the download. */
  fetch?: typeof fetch;
}

/**
 * `data fetch`: the archive in the cache, verified by size and MD5; a bad file there (truncated,
 * an HTML page, altered) is downloaded again and replaced. Progress is redrawn every second on a
 * terminal (so a stall shows) and printed every 10 % otherwise.
 */
export async function fetchCommand(flags: DataFlags, io: Io, options: FetchOptions = {}): Promise<number> {
  const official = CIFAR10_DOWNLOADS.binary;
  let downloaded = false;
  let lastLogged = -1;
  let drawn = false;
  let rateFrom: { t: number; bytes: number } | null = null;
  let rate = 0;
  const cacheDir = flags.cacheDir ?? defaultCacheDir();
  const file = await resolveDataPath({
    cacheDir,
    fetch: options.fetch,
    verify: 'md5',
    onCached: (c) => {
      if (c.status === 'bad') io.stderr.write(`the cached ${c.file} is not the archive (${c.detail}): downloading it again\n`);
    },
    offlineHint: `download ${official.url} elsewhere (md5 ${official.md5}) and copy it to ${path.join(cacheDir, official.file)}, then run 'backprop data fetch' again to check it; or skip the cache: train, info and verify take --data PATH`,
    onDownloadProgress: (p) => {
      downloaded = true;
      const now = performance.now();
      if (rateFrom == null) rateFrom = { t: now, bytes: p.received };
      else if (now - rateFrom.t >= 1000) {
        rate = ((p.received - rateFrom.bytes) * 1000) / (now - rateFrom.t);
        rateFrom = { t: now, bytes: p.received };
      }
      const line = downloadLine(official.file, p, p.stalledMs >= 3000 ? 0 : rate);
      if (io.stderr.isTTY) {
        io.stderr.write(`\r${line}\x1b[K`);
        drawn = true;
      } else {
        const tenth = p.total ? Math.floor((10 * p.received) / p.total) : -1;
        const stalledTick = p.stalledMs >= 3000 && Math.floor(p.stalledMs / 10000) !== Math.floor((p.stalledMs - 1000) / 10000);
        if (tenth !== lastLogged || stalledTick) {
          lastLogged = tenth;
          io.stderr.write(`${line}\n`);
        }
      }
    },
  });
  if (drawn) io.stderr.write('\n');
  const size = (await stat(file)).size;
  io.stdout.write(`${downloaded ? 'downloaded, MD5 verified' : 'already in the cache, MD5 verified'}: ${file} (${mb(size)})\n`);
  return 0;
}

async function infoCommand(flags: DataFlags, io: Io): Promise<number> {
  const { data, source } = await loadCifarWithProgress(flags, io);
  const train = classCounts(data.train, data.classNames.length);
  const test = classCounts(data.test, data.classNames.length);
  const stats = channelStats(data.train);
  const lines = [
    `source: ${source}`,
    `train: ${data.train.length} images, test: ${data.test.length} images, ${data.train.shape.join('×')} (C×H×W) uint8`,
    `training-set channel mean (0–1): ${Array.from(stats.mean, (v) => (v / 255).toFixed(4)).join(', ')}; std ${Array.from(stats.std, (v) => (v / 255).toFixed(4)).join(', ')}`,
    '',
    formatTable(
      ['label', 'class', 'train', 'test'],
      data.classNames.map((name, k) => [String(k), name, String(train[k]), String(test[k])]),
      new Set([0, 2, 3]),
    ),
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function verifyCommand(flags: DataFlags, io: Io): Promise<number> {
  const { data, source } = await loadCifarWithProgress(flags, io);
  const checks = verifyCifar10(data);
  const structuralOk = checks.every((c) => c.ok);
  // Which copy is it? The official archive (by its MD5), Backprop's shared copy (by batch SHA-256s), or neither.
  let copy = 'unknown copy: loads and checks fine, but results may not match the reference runs exactly';
  const isFile = (await stat(source)).isFile();
  if (isFile && source.endsWith('.tar.gz') && (await md5File(source)) === CIFAR10_DOWNLOADS.binary.md5) copy = 'the official cifar-10-binary.tar.gz (MD5 matches)';
  else if (isFile && source.endsWith('.tar.gz') && (await md5File(source)) === CIFAR10_DOWNLOADS.python.md5) copy = 'the official cifar-10-python.tar.gz (MD5 matches)';
  else if (data.train.length === 50000 && data.test.length === 10000) {
    const sums = [1, 2, 3, 4, 5].map((k) => binaryBatchSha256(data.train, (k - 1) * 10000, k * 10000));
    const testSum = binaryBatchSha256(data.test, 0, 10000);
    const match = sums.every((s, i) => s === SHARED_COPY_SHA256[`data_batch_${i + 1}`]) && testSum === SHARED_COPY_SHA256.test_batch;
    if (match) copy = "Backprop's shared copy (all six batch SHA-256s match)";
  }
  io.stdout.write(`${formatTable(['check', 'ok', 'detail'], checks.map((c) => [c.check, c.ok ? 'yes' : 'NO', c.detail]))}\n`);
  io.stdout.write(`copy: ${copy}\n`);
  io.stdout.write(structuralOk ? `verified: ${source}\n` : `FAILED: ${checks.filter((c) => !c.ok).length} check(s) failed for ${source}\n`);
  return structuralOk ? 0 : 1;
}

export async function dataCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { data: { type: 'string' }, 'cache-dir': { type: 'string' } }, 'data');
  if (values.help) {
    io.stdout.write(DATA_HELP);
    return 0;
  }
  const flags: DataFlags = { data: values.data as string | undefined, cacheDir: values['cache-dir'] as string | undefined };
  const [sub, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`, 'data');
  switch (sub) {
    case 'fetch':
      if (flags.data) throw new UsageError('fetch downloads into the cache; --data does not apply', 'data');
      return fetchCommand(flags, io);
    case 'info':
      return infoCommand(flags, io);
    case 'verify':
      return verifyCommand(flags, io);
    case undefined:
      throw new UsageError('missing subcommand: backprop data fetch|info|verify', 'data');
    default:
      throw new UsageError(`unknown subcommand '${sub}', expected fetch, info or verify`, 'data');
  }
}
