// Downloads into the cache (Node only): streamed to a temp file beside the target while its MD5 is
// computed, checked against the official checksum, then renamed into place — so the cache only
// ever holds complete, verified files, and a failed or corrupt download never touches a good one.
// A download that stalls (no bytes for `stallTimeoutMs`) is abandoned with a clear error instead
// of hanging for undici's five minutes; progress is also reported on a timer, so a stall shows.
import { defaultCacheDir } from './cache-dir.js';
import { DownloadError } from './errors.js';
import { activeTempFiles, removeStaleTempFiles, tempFileName } from './temp-files.js';

export interface DownloadProgress {
  url: string;
  /** Bytes received so far. */
  received: number;
  /** Bytes expected (Content-Length), when the server says. */
  total: number | undefined;
  /** Milliseconds since the last bytes arrived (0 right after a chunk); grows while the download stalls. */
  stalledMs: number;
}

export interface DownloadOptions {
  url: string;
  /** Final path of the file. */
  dest: string;
  /** Expected MD5 (hex); the download is rejected if it differs. */
  md5?: string;
  onProgress?: (p: DownloadProgress) => void;
  /** For tests or proxies; default the global fetch. */
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Appended to the offline message: how to get the file another way. */
  manualHint?: string;
  /** Give up when no bytes arrive for this long, the wait for the response included (default 30 s). */
  stallTimeoutMs?: number;
  /** Progress is also reported this often while waiting (default 1 s), so that a stall is visible. */
  progressIntervalMs?: number;
}

export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

const errCode = (err: unknown): string | undefined => {
  const e = err as { code?: string; cause?: { code?: string; errors?: { code?: string }[] } };
  return e?.cause?.code ?? e?.cause?.errors?.[0]?.code ?? e?.code;
};

const notWritable = (dir: string, err: unknown): DownloadError =>
  new DownloadError(
    `cache directory ${dir} is not writable (${errCode(err) ?? (err as Error).message}); pass another with cacheDir / --cache-dir, or set BACKPROP_CACHE to a writable folder`,
    'cache-not-writable',
    { cause: err },
  );

/** Downloads `url` to `dest` atomically, verifying `md5` when given. */
export async function downloadFile(options: DownloadOptions): Promise<string> {
  const { url, dest, md5, onProgress, signal } = options;
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { createHash, randomBytes } = await import('node:crypto');
  const dir = path.dirname(dest);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    throw notWritable(dir, err);
  }
  const temp = path.resolve(dir, tempFileName(path.basename(dest), 'part', randomBytes(4).toString('hex')));
  let file: Awaited<ReturnType<typeof fs.open>>;
  try {
    file = await fs.open(temp, 'wx');
  } catch (err) {
    throw notWritable(dir, err);
  }
  activeTempFiles.add(temp);
  // One controller for the request: the caller's signal and the stall watchdog both abort it.
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort);
  if (signal?.aborted) controller.abort(signal.reason);
  let received = 0;
  let total: number | undefined;
  let lastData = performance.now();
  let stalled = false;
  const report = () => onProgress?.({ url, received, total, stalledMs: Math.round(performance.now() - lastData) });
  const watchdog = setInterval(() => {
    if (performance.now() - lastData >= stallTimeoutMs) {
      stalled = true;
      controller.abort(new Error('stalled'));
    }
  }, Math.max(10, Math.min(1000, stallTimeoutMs / 4)));
  const ticker = setInterval(report, options.progressIntervalMs ?? 1000);
  watchdog.unref?.();
  ticker.unref?.();
  const brokeOff = (err: unknown): DownloadError => {
    if (err instanceof DownloadError) return err;
    if (stalled) {
      return new DownloadError(
        `download of ${url} stalled: no data for ${(stallTimeoutMs / 1000).toFixed(stallTimeoutMs < 1000 ? 1 : 0)} s after ${received} bytes${total ? ` of ${total}` : ''}; check the connection and run again to retry`,
        'interrupted',
        { cause: err },
      );
    }
    if (signal?.aborted) return new DownloadError(`download of ${url} cancelled after ${received} bytes; nothing was written to ${dest}`, 'interrupted', { cause: err });
    const code = errCode(err);
    if (code === 'ENOSPC' || code === 'EIO' || code === 'EDQUOT') return notWritable(dir, err);
    return new DownloadError(`download of ${url} broke off after ${received} bytes (${code ?? (err as Error).message}); run again to retry`, 'interrupted', { cause: err });
  };
  let renamed = false;
  try {
    let res: Response;
    try {
      res = await (options.fetch ?? fetch)(url, { signal: controller.signal });
    } catch (err) {
      if (stalled || signal?.aborted) throw brokeOff(err);
      throw new DownloadError(
        `could not download ${url}: ${errCode(err) ?? (err as Error).message} (offline, or the server is unreachable).${options.manualHint ? ` ${options.manualHint}` : ''}`,
        'offline',
        { cause: err },
      );
    }
    if (!res.ok || !res.body) throw new DownloadError(`could not download ${url}: HTTP ${res.status} ${res.statusText}`, 'http');
    const length = res.headers.get('content-length');
    total = length != null && /^\d+$/.test(length) ? Number(length) : undefined;
    const hash = createHash('md5');
    lastData = performance.now();
    report();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        lastData = performance.now();
        hash.update(chunk);
        await file.write(chunk);
        received += chunk.length;
        report();
      }
    } catch (err) {
      throw brokeOff(err);
    }
    if (total != null && received !== total) {
      throw new DownloadError(`download of ${url} broke off after ${received} of ${total} bytes; run again to retry`, 'interrupted');
    }
    const actual = hash.digest('hex');
    if (md5 && actual !== md5.toLowerCase()) {
      throw new DownloadError(
        `checksum mismatch for ${url}: expected md5 ${md5.toLowerCase()}, got ${actual} (${received} bytes). The download is corrupt or the file changed; nothing was written to ${dest}`,
        'checksum',
      );
    }
    await file.sync();
    await file.close();
    await fs.rename(temp, dest);
    renamed = true;
    await syncDir(dir);
    return dest;
  } finally {
    clearInterval(watchdog);
    clearInterval(ticker);
    signal?.removeEventListener('abort', onAbort);
    if (!renamed) {
      await file.close().catch(() => {});
      await fs.rm(temp, { force: true }).catch(() => {});
    }
    activeTempFiles.delete(temp);
  }
}

/**
 * fsync a folder, so that a rename in it survives a power cut. Folders cannot be opened on Windows:
 * skipped there; some file systems refuse fsync on a folder (EINVAL): the rename stands, only its
 * durability is weaker.
 */
export async function syncDir(dir: string): Promise<void> {
  const fs = await import('node:fs/promises');
  const handle = await fs.open(dir, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close().catch(() => {});
}

/** MD5 (hex) of a file, streamed. */
export async function md5OfFile(file: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const { createReadStream } = await import('node:fs');
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The official CIFAR-10 downloads (https://www.cs.toronto.edu/~kriz/cifar.html), their MD5s and sizes in bytes. */
export const CIFAR10_DOWNLOADS = {
  binary: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530', size: 170052171, file: 'cifar-10-binary.tar.gz', folder: 'cifar-10-batches-bin' },
  python: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz', md5: 'c58f30108f718f92721af3b95e74349a', size: 170498071, file: 'cifar-10-python.tar.gz', folder: 'cifar-10-batches-py' },
} as const;

export interface EnsureCifar10Options {
  /** Cache folder (default `defaultCacheDir()`: $BACKPROP_CACHE, $XDG_CACHE_HOME/backprop, ~/.cache/backprop). */
  cacheDir?: string;
  /** Which archive (default 'binary'). */
  version?: 'binary' | 'python';
  /** Override the URL (mirrors, tests); the MD5 still applies unless `md5` is given too. */
  url?: string;
  /** Override the expected MD5; `null` skips the check. */
  md5?: string | null;
  /** Override the expected size in bytes (tests); `null`: unknown. */
  size?: number | null;
  /**
   * How a file already in the cache is checked before it is used: 'size' (default) compares its
   * size with the official one and, only if that differs, its MD5; 'md5' always reads it whole
   * and compares the MD5 (`backprop data fetch`). A file that fails is downloaded again and
   * replaced (the new copy is verified before it replaces the old one).
   */
  verify?: 'size' | 'md5';
  onProgress?: (p: DownloadProgress) => void;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  stallTimeoutMs?: number;
  progressIntervalMs?: number;
  /** Told what happened to a file already in the cache: kept as verified, or found bad and about to be replaced. */
  onCached?: (c: { file: string; status: 'verified' | 'bad'; detail: string }) => void;
}

/**
 * The path of the CIFAR-10 archive in the cache, downloading it first if it is not there or if
 * the file there is not the archive (wrong size and MD5: truncated, an HTML error page, …). Stale
 * `.part` files of killed downloads are removed first.
 */
export async function ensureCifar10(options: EnsureCifar10Options = {}): Promise<string> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const official = CIFAR10_DOWNLOADS[options.version ?? 'binary'];
  const dir = options.cacheDir ?? defaultCacheDir();
  const dest = path.join(dir, official.file);
  await removeStaleTempFiles(dir);
  const md5 = options.md5 === null ? undefined : (options.md5 ?? official.md5);
  const size = options.size === null ? undefined : (options.size ?? (options.md5 === undefined ? official.size : undefined));
  const existing = await fs.stat(dest).catch(() => null);
  if (existing?.isFile()) {
    let problem = await cachedFileProblem(dest, existing.size, { md5, size, verify: options.verify ?? 'size' });
    if (problem != null && options.md5 === undefined && options.size === undefined) {
      const copy = await completeCopy(dest, existing);
      if (copy != null) {
        options.onCached?.({ file: dest, status: 'verified', detail: copy });
        return dest;
      }
      problem += '; nor is it a complete CIFAR-10 archive';
    }
    if (problem == null) {
      options.onCached?.({ file: dest, status: 'verified', detail: md5 && options.verify === 'md5' ? `MD5 ${md5} matches` : `${existing.size} bytes` });
      return dest;
    }
    options.onCached?.({ file: dest, status: 'bad', detail: problem });
    try {
      return await download();
    } catch (err) {
      if (err instanceof DownloadError) {
        throw new DownloadError(`the cached ${dest} is not the archive (${problem}) and could not be replaced: ${err.message}`, err.code, { cause: err });
      }
      throw err;
    }
  }
  return download();

  function download(): Promise<string> {
    return downloadFile({
      url: options.url ?? official.url,
      dest,
      md5,
      onProgress: options.onProgress,
      fetch: options.fetch,
      signal: options.signal,
      stallTimeoutMs: options.stallTimeoutMs,
      progressIntervalMs: options.progressIntervalMs,
      manualHint:
        `To work offline, download ${official.url} elsewhere (md5 ${official.md5}) and either copy it to ${dest} ` +
        `or pass its path (or the extracted ${official.folder}/ folder) instead of downloading.`,
    });
  }
}

/**
 * A cached file that is not byte for byte the official download but reads as a complete CIFAR-10
 * archive — gzip CRC-32 and length, every batch file, 10,000 records in each (a repacked copy
 * such as one without the readme, placed in the cache by hand or by scripts/setup.sh) — is kept.
 * A truncated file, an HTML page or a short batch file fails that read and is replaced. The
 * sidecar `.<file>.complete.json` (size, mtime, MD5) spares later runs the full read; null when
 * the file is not such a copy.
 */
async function completeCopy(file: string, stat: { size: number; mtimeMs: number }): Promise<string | null> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const sidecar = path.join(path.dirname(file), `.${path.basename(file)}.complete.json`);
  const known = await fs.readFile(sidecar, 'utf8').then((t) => JSON.parse(t) as { size: number; mtimeMs: number; md5: string }, () => null);
  if (known != null && known.size === stat.size && known.mtimeMs === stat.mtimeMs) {
    return `${stat.size} bytes, a complete CIFAR-10 archive (md5 ${known.md5}, checked before), not the official download's bytes`;
  }
  const { loadCifar10 } = await import('./cifar10.js');
  try {
    await loadCifar10(file, { checkRecordCounts: true });
  } catch {
    return null;
  }
  const md5 = await md5OfFile(file);
  const record = JSON.stringify({ size: stat.size, mtimeMs: stat.mtimeMs, md5 });
  const { randomBytes } = await import('node:crypto');
  const temp = path.join(path.dirname(file), tempFileName(path.basename(file) + '.complete.json', 'tmp', randomBytes(4).toString('hex')));
  await fs.writeFile(temp, record);
  await fs.rename(temp, sidecar);
  return `${stat.size} bytes, a complete CIFAR-10 archive (md5 ${md5}), not the official download's bytes`;
}

/** Why a cached file is not the expected archive, or null if it is. */
async function cachedFileProblem(file: string, actualSize: number, expected: { md5?: string; size?: number; verify: 'size' | 'md5' }): Promise<string | null> {
  if (actualSize === 0) return 'the file is empty';
  const sizeOk = expected.size == null || actualSize === expected.size;
  if (sizeOk && (expected.verify === 'size' || !expected.md5)) return null;
  if (!expected.md5) return `${actualSize} bytes, expected ${expected.size}`;
  const actual = await md5OfFile(file);
  if (actual === expected.md5.toLowerCase()) return null;
  return `${actualSize} bytes${expected.size != null && !sizeOk ? ` (expected ${expected.size})` : ''}, md5 ${actual} (expected ${expected.md5.toLowerCase()})`;
}
