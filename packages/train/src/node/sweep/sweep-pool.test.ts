import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPool, type PoolTask } from './sweep-pool.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'backprop-pool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Each task logs its start and end (ms) and exits with the given code; SIGTERM ends it with 143.
const task = (id: string, ms: number, code = 0): PoolTask => ({
  id,
  command: process.execPath,
  args: ['-e', `process.on('SIGTERM', () => { console.log('term'); process.exit(143); }); console.log('start', Date.now()); setTimeout(() => { console.log('end', Date.now()); process.exit(${code}); }, ${ms});`],
  log: path.join(root, `${id}.log`),
});
const times = (id: string) => {
  const text = readFileSync(path.join(root, `${id}.log`), 'utf8');
  return { start: Number(/start (\d+)/.exec(text)?.[1]), end: Number(/end (\d+)/.exec(text)?.[1]), term: text.includes('term') };
};

describe('runPool', () => {
  it('runs every task, at most `workers` at once, and reports each exit code', async () => {
    const tasks = [task('a', 300), task('b', 300, 3), task('c', 300), task('d', 300, 1), task('e', 300)];
    const exits: string[] = [];
    const { codes, stopped } = await runPool(tasks, { workers: 2, onExit: (t, c) => void exits.push(`${t.id}:${c}`) });
    expect(stopped).toBe(false);
    expect(Object.fromEntries(codes)).toEqual({ a: 0, b: 3, c: 0, d: 1, e: 0 });
    expect(exits).toHaveLength(5);
    // Most tasks alive at one moment: at each start, count the tasks started and not yet ended. (Counting
    // every span that overlaps a given one would be wrong: under load one slow task on a worker can
    // overlap two tasks that ran one after the other on the other worker.)
    const spans = tasks.map((t) => times(t.id));
    const alive = spans.map((s) => spans.filter((o) => o.start <= s.start && o.end > s.start).length);
    expect(Math.max(...alive)).toBeLessThanOrEqual(2);
  });

  it('on abort: SIGTERM to the running tasks, no new ones, stopped', async () => {
    const controller = new AbortController();
    const tasks = [task('s1', 20_000), task('s2', 20_000), task('s3', 100)];
    const started: string[] = [];
    const done = runPool(tasks, { workers: 2, signal: controller.signal, onStart: (t) => void started.push(t.id) });
    // Abort once both running tasks have their SIGTERM handler (they print 'start' after installing it).
    const hasStarted = (id: string) => existsSync(path.join(root, `${id}.log`)) && readFileSync(path.join(root, `${id}.log`), 'utf8').includes('start');
    while (!(hasStarted('s1') && hasStarted('s2'))) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const { codes, stopped } = await done;
    expect(stopped).toBe(true);
    expect(started).toEqual(['s1', 's2']);
    expect(Object.fromEntries(codes)).toEqual({ s1: 143, s2: 143 });
    expect(times('s1').term).toBe(true);
  });
});
