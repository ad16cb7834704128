import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange, serve, type RunningServer } from './serve.mjs';

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'backprop-serve-'));
  const root = path.join(dir, 'dist');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(path.join(root, 'assets', 'x.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the root');
  writeFileSync(path.join(dir, 'cifar-10-binary.tar.gz'), new Uint8Array([31, 139, 8, 0, 1, 2, 3, 4, 5, 6]));
  server = await serve({ root, dataPath: path.join(dir, 'cifar-10-binary.tar.gz'), port: 0 });
});

afterAll(async () => {
  await server?.close();
});

describe('serve', () => {
  it('serves the app with the cross-origin-isolation headers and points the page at the archive', async () => {
    expect(server.url).toBe(`${server.origin}/?data=/data/cifar-10-binary.tar.gz`);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<title>app</title>');
  });

  it('sends .wasm as application/wasm and the archive at /data/<name>', async () => {
    const wasm = await fetch(`${server.origin}/assets/x.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect([...new Uint8Array(await wasm.arrayBuffer())]).toEqual([0, 97, 115, 109]);
    const data = await fetch(`${server.origin}${server.dataUrl}`);
    expect(data.status).toBe(200);
    expect(data.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect([...new Uint8Array(await data.arrayBuffer())]).toEqual([31, 139, 8, 0, 1, 2, 3, 4, 5, 6]);
  });

  it('answers 404 for missing files and never serves outside the root', async () => {
    expect((await fetch(`${server.origin}/nope.js`)).status).toBe(404);
    // An encoded slash survives URL normalisation and decodes to /../secret.txt.
    const outside = await fetch(`${server.origin}/..%2fsecret.txt`);
    expect(outside.status).toBe(403);
    expect(await outside.text()).not.toContain('outside the root');
  });

  it('refuses a root without index.html and a data path that is not a file, naming them', async () => {
    await expect(serve({ root: dir, port: 0 })).rejects.toThrow(/root must be a built app folder holding index.html.*backprop-serve-/);
    await expect(serve({ root: path.join(dir, 'dist'), dataPath: path.join(dir, 'missing.tar.gz'), port: 0 })).rejects.toThrow(/dataPath must be a CIFAR-10 archive file, got '.*missing.tar.gz' \(no such file\)/);
  });

  it('answers a malformed %-escape with 400 naming the path, not 500', async () => {
    const res = await fetch(`${server.origin}/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/the path '\/%E0%A4%A' holds a malformed %-escape/);
  });

  it('serves byte ranges of the archive (206, Content-Range) and refuses one past the end (416)', async () => {
    const url = `${server.origin}${server.dataUrl}`;
    const part = await fetch(url, { headers: { Range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(part.headers.get('content-length')).toBe('4');
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([8, 0, 1, 2]);
    const tail = await fetch(url, { headers: { Range: 'bytes=-3' } });
    expect([...new Uint8Array(await tail.arrayBuffer())]).toEqual([4, 5, 6]);
    const open = await fetch(url, { headers: { Range: 'bytes=7-' } });
    expect(open.headers.get('content-range')).toBe('bytes 7-9/10');
    const past = await fetch(url, { headers: { Range: 'bytes=10-20' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */10');
    expect((await fetch(url)).headers.get('accept-ranges')).toBe('bytes');
  });

  it('sends an ETag, answers a matching If-None-Match with 304 and ignores a Range whose If-Range is stale', async () => {
    const url = `${server.origin}${server.dataUrl}`;
    const first = await fetch(url);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    const again = await fetch(url, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    const resumed = await fetch(url, { headers: { Range: 'bytes=8-', 'If-Range': etag! } });
    expect(resumed.status).toBe(206);
    const stale = await fetch(url, { headers: { Range: 'bytes=8-', 'If-Range': '"0-0"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(10);
  });

  it('parses Range headers the way RFC 9110 reads them', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-100', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,4-5', 10)).toBeNull(); // several ranges: the whole file
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=6-2', 10)).toBeNull();
  });
});
