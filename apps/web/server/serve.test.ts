import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from './serve.mjs';

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'backprop-serve-'));
  const root = path.join(dir, 'dist');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(path.join(root, 'assets', 'x.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the root');
  writeFileSync(path.join(dir, 'cifar-10-binary.tar.gz'), new Uint8Array([31, 139, 8, 0]));
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
    expect([...new Uint8Array(await data.arrayBuffer())]).toEqual([31, 139, 8, 0]);
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
});
