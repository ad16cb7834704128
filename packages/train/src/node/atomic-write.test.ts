// writeFileAtomic: temp file, fsync, rename, then fsync of the folder so that the rename survives
// a power cut (issue 17, defect 7); the temp file is listed while written, and gone after.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activeTempFiles } from '@backprop/data';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

const calls = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof real.open = async (...args) => {
    const handle = await real.open(...args);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      calls.push(`fsync ${String(args[0])}`);
      return sync();
    };
    return handle;
  };
  const rename: typeof real.rename = async (from, to) => {
    calls.push(`rename ${String(to)}`);
    return real.rename(from, to);
  };
  return { ...real, default: { ...real, open, rename }, open, rename };
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'backprop-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('fsyncs the temp file, renames it over the target, then fsyncs the folder; leaves no temp file', async () => {
    const file = path.join(dir, 'summary.md');
    let seenTemp: string[] = [];
    const write = writeFileAtomic(file, 'hello');
    seenTemp = [...activeTempFiles];
    await write;
    expect(readFileSync(file, 'utf8')).toBe('hello');
    expect(seenTemp).toHaveLength(1);
    expect(path.basename(seenTemp[0]!)).toMatch(new RegExp(`^\\.summary\\.md\\.${process.pid}-[0-9a-f]{8}\\.tmp$`));
    expect(calls.at(-3)).toMatch(/^fsync .*\.summary\.md\.\d+-[0-9a-f]{8}\.tmp$/);
    expect(calls.slice(-2)).toEqual([`rename ${file}`, `fsync ${dir}`]);
    expect(activeTempFiles.size).toBe(0);
    expect(readdirSync(dir)).toEqual(['summary.md']);
  });
});
