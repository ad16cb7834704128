import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '@backprop/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from './cache-dir.js';
import { loadCifar10 } from './cifar10.js';
import { CIFAR10_DOWNLOADS, downloadFile, ensureCifar10, type DownloadProgress } from './download.js';
import { DownloadError } from './errors.js';
import { binaryArchive, binaryFiles } from './test-support/cifar-fixture.js';

// Padded with 256 KiB of noise (gzip cannot shrink it), so the download arrives in several chunks.
const files = binaryFiles();
const rng = new Rng(1);
files.set('readme.html', Uint8Array.from({ length: 256 * 1024 }, () => rng.nextUint32() & 255));
const archive = binaryArchive(files);
const md5 = createHash('md5').update(archive).digest('hex');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'backprop-download-'));
let server: http.Server;
let base = '';
let requests = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    if (req.url === '/cifar-10-binary.tar.gz') {
      res.writeHead(200, { 'content-length': archive.length, 'content-type': 'application/gzip' });
      // In pieces, so progress is reported more than once.
      const cut = Math.floor(archive.length / 3);
      res.write(archive.subarray(0, cut));
      setTimeout(() => res.end(archive.subarray(cut)), 5);
    } else if (req.url === '/broken.tar.gz') {
      res.writeHead(200, { 'content-length': archive.length });
      res.write(archive.subarray(0, 100_000), () => setTimeout(() => res.destroy(), 5));
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

const freshDir = (name: string) => {
  const d = path.join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
};

async function downloadError(p: Promise<unknown>): Promise<DownloadError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DownloadError);
  return err as DownloadError;
}

describe('ensureCifar10 / downloadFile against a local server', () => {
  it('downloads, verifies, reports progress, and reuses the cached file', async () => {
    const cacheDir = freshDir('ok');
    const progress: DownloadProgress[] = [];
    const before = requests;
    const file = await ensureCifar10({ cacheDir, url: `${base}/cifar-10-binary.tar.gz`, md5, onProgress: (p) => progress.push({ ...p }) });
    expect(file).toBe(path.join(cacheDir, 'cifar-10-binary.tar.gz'));
    expect(Buffer.compare(readFileSync(file), Buffer.from(archive))).toBe(0);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress[0]).toMatchObject({ received: 0, total: archive.length });
    expect(progress.at(-1)).toMatchObject({ received: archive.length, total: archive.length });
    expect(progress.every((p, i) => i === 0 || p.received >= progress[i - 1]!.received)).toBe(true);
    expect(readdirSync(cacheDir)).toEqual(['cifar-10-binary.tar.gz']); // no temp file left
    expect((await loadCifar10(file)).train.length).toBe(10);
    expect(await ensureCifar10({ cacheDir, url: `${base}/cifar-10-binary.tar.gz`, md5 })).toBe(file);
    expect(requests - before).toBe(1);
  });

  it('serves an archive big enough to arrive in pieces', () => {
    expect(archive.length).toBeGreaterThan(256 * 1024);
  });

  it('rejects a checksum mismatch, writes nothing, and never touches a good file already there', async () => {
    const cacheDir = freshDir('mismatch');
    // Default md5 is the official one, which the served test archive does not have.
    const err = await downloadError(ensureCifar10({ cacheDir, url: `${base}/cifar-10-binary.tar.gz` }));
    expect(err.code).toBe('checksum');
    expect(err.message).toContain(`expected md5 ${CIFAR10_DOWNLOADS.binary.md5}, got ${md5}`);
    expect(err.message).toContain(path.join(cacheDir, 'cifar-10-binary.tar.gz'));
    expect(readdirSync(cacheDir)).toEqual([]);
    const dest = path.join(cacheDir, 'good.bin');
    writeFileSync(dest, 'good data');
    const again = await downloadError(downloadFile({ url: `${base}/cifar-10-binary.tar.gz`, dest, md5: '0'.repeat(32) }));
    expect(again.code).toBe('checksum');
    expect(readFileSync(dest, 'utf8')).toBe('good data');
    expect(readdirSync(cacheDir)).toEqual(['good.bin']);
  });

  it('offline (connection refused): a clear message with the manual alternative', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const cacheDir = freshDir('offline');
    const err = await downloadError(ensureCifar10({ cacheDir, url: `http://127.0.0.1:${port}/cifar-10-binary.tar.gz` }));
    expect(err.code).toBe('offline');
    expect(err.message).toMatch(/could not download http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz: ECONNREFUSED/);
    expect(err.message).toContain(`download ${CIFAR10_DOWNLOADS.binary.url} elsewhere (md5 ${CIFAR10_DOWNLOADS.binary.md5})`);
    expect(err.message).toContain(`copy it to ${path.join(cacheDir, 'cifar-10-binary.tar.gz')}`);
    expect(err.message).toContain('cifar-10-batches-bin/ folder');
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('a cache directory that cannot be written', async () => {
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const cacheDir = path.join(file, 'cache'); // a folder under a regular file: fails even for root
    const err = await downloadError(ensureCifar10({ cacheDir, url: `${base}/cifar-10-binary.tar.gz`, md5 }));
    expect(err.code).toBe('cache-not-writable');
    expect(err.message).toMatch(new RegExp(`cache directory ${cacheDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not writable \\(ENOTDIR\\)`));
    expect(err.message).toContain('BACKPROP_CACHE');
    if (process.getuid?.() !== 0) {
      const readOnly = freshDir('read-only');
      (await import('node:fs')).chmodSync(readOnly, 0o500);
      const e2 = await downloadError(ensureCifar10({ cacheDir: readOnly, url: `${base}/cifar-10-binary.tar.gz`, md5 }));
      expect(e2.code).toBe('cache-not-writable');
    }
  });

  it('HTTP errors and a connection that breaks off mid-file', async () => {
    const cacheDir = freshDir('http');
    const e404 = await downloadError(ensureCifar10({ cacheDir, url: `${base}/missing.tar.gz`, md5 }));
    expect(e404.code).toBe('http');
    expect(e404.message).toMatch(/HTTP 404/);
    const broken = await downloadError(ensureCifar10({ cacheDir, url: `${base}/broken.tar.gz`, md5 }));
    expect(broken.code).toBe('interrupted');
    expect(broken.message).toMatch(/broke off after \d+ (of \d+ )?bytes/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});

describe('defaultCacheDir', () => {
  it('BACKPROP_CACHE, then $XDG_CACHE_HOME/backprop, then ~/.cache/backprop', () => {
    const saved = { ...process.env };
    try {
      process.env.BACKPROP_CACHE = '/x/cache';
      process.env.XDG_CACHE_HOME = '/xdg/';
      process.env.HOME = '/home/u';
      expect(defaultCacheDir()).toBe('/x/cache');
      delete process.env.BACKPROP_CACHE;
      expect(defaultCacheDir()).toBe('/xdg/backprop');
      delete process.env.XDG_CACHE_HOME;
      expect(defaultCacheDir()).toBe('/home/u/.cache/backprop');
    } finally {
      for (const k of ['BACKPROP_CACHE', 'XDG_CACHE_HOME', 'HOME']) {
        if (saved[k] == null) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});
