// Downloads into the cache (Node only): streamed to a temp file beside the target while its MD5 is
// computed, checked against the official checksum, then renamed into place — so the cache only
// ever holds complete, verified files, and a failed or corrupt download never touches a good one.
import { defaultCacheDir } from './cache-dir.js';
import { DownloadError } from './errors.js';

export interface DownloadProgress {
  url: string;
  /** Bytes received so far. */
  received: number;
  /** Bytes expected (Content-Length), when the server says. */
  total: number | undefined;
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
}

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
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { createHash, randomBytes } = await import('node:crypto');
  const dir = path.dirname(dest);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    throw notWritable(dir, err);
  }
  const temp = path.join(dir, `.${path.basename(dest)}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
  let file: Awaited<ReturnType<typeof fs.open>>;
  try {
    file = await fs.open(temp, 'wx');
  } catch (err) {
    throw notWritable(dir, err);
  }
  let renamed = false;
  try {
    let res: Response;
    try {
      res = await (options.fetch ?? fetch)(url, { signal });
    } catch (err) {
      throw new DownloadError(
        `could not download ${url}: ${errCode(err) ?? (err as Error).message} (offline, or the server is unreachable).${options.manualHint ? ` ${options.manualHint}` : ''}`,
        'offline',
        { cause: err },
      );
    }
    if (!res.ok || !res.body) throw new DownloadError(`could not download ${url}: HTTP ${res.status} ${res.statusText}`, 'http');
    const length = res.headers.get('content-length');
    const total = length != null && /^\d+$/.test(length) ? Number(length) : undefined;
    const hash = createHash('md5');
    let received = 0;
    onProgress?.({ url, received, total });
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        await file.write(chunk);
        received += chunk.length;
        onProgress?.({ url, received, total });
      }
    } catch (err) {
      if (err instanceof DownloadError) throw err;
      const code = errCode(err);
      if (code === 'ENOSPC' || code === 'EIO' || code === 'EDQUOT') throw notWritable(dir, err);
      throw new DownloadError(`download of ${url} broke off after ${received} bytes (${code ?? (err as Error).message}); run again to retry`, 'interrupted', { cause: err });
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
    return dest;
  } finally {
    if (!renamed) {
      await file.close().catch(() => {});
      await fs.rm(temp, { force: true }).catch(() => {});
    }
  }
}

/** The official CIFAR-10 downloads (https://www.cs.toronto.edu/~kriz/cifar.html) and their MD5s. */
export const CIFAR10_DOWNLOADS = {
  binary: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530', file: 'cifar-10-binary.tar.gz', folder: 'cifar-10-batches-bin' },
  python: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz', md5: 'c58f30108f718f92721af3b95e74349a', file: 'cifar-10-python.tar.gz', folder: 'cifar-10-batches-py' },
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
  onProgress?: (p: DownloadProgress) => void;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * The path of the CIFAR-10 archive in the cache, downloading it first if it is not there. A file
 * already in the cache is trusted as is (it was verified when downloaded, or put there by hand).
 */
export async function ensureCifar10(options: EnsureCifar10Options = {}): Promise<string> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const official = CIFAR10_DOWNLOADS[options.version ?? 'binary'];
  const dir = options.cacheDir ?? defaultCacheDir();
  const dest = path.join(dir, official.file);
  const existing = await fs.stat(dest).catch(() => null);
  if (existing?.isFile() && existing.size > 0) return dest;
  const md5 = options.md5 === null ? undefined : (options.md5 ?? official.md5);
  return downloadFile({
    url: options.url ?? official.url,
    dest,
    md5,
    onProgress: options.onProgress,
    fetch: options.fetch,
    signal: options.signal,
    manualHint:
      `To work offline, download ${official.url} elsewhere (md5 ${official.md5}) and either copy it to ${dest} ` +
      `or pass its path (or the extracted ${official.folder}/ folder) instead of downloading.`,
  });
}
