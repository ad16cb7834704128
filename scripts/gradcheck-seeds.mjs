#!/usr/bin/env node
// Runs `backprop gradcheck --seed S` (float64 and float32 rows, the built CLI) for S = FROM…TO and
// prints one line per failing seed and a summary: seeds passed, rows per seed, and per row the worst
// error over all seeds with its pass rule. Not part of `pnpm test` (≈ 4 s a seed here).
//   pnpm build && node scripts/gradcheck-seeds.mjs [FROM] [TO]     (default 0 99)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'apps/cli/dist/cli.js');
const [from, to] = [Number(process.argv[2] ?? 0), Number(process.argv[3] ?? 99)];
const started = Date.now();
const worst = new Map(); // row key → { error, rule, seed, nearZero }
const rowCounts = new Set();
const failed = [];
for (let seed = from; seed <= to; seed++) {
  const r = spawnSync(process.execPath, [cli, 'gradcheck', '--seed', String(seed)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const lines = r.stdout.trim().split('\n');
  const verdict = lines.at(-1) ?? '';
  const count = /^all (\d+) checks pass$/.exec(verdict)?.[1] ?? /of (\d+) checks FAIL$/.exec(verdict)?.[1];
  if (count) rowCounts.add(Number(count));
  // Table rows: columns separated by two or more spaces; the error is the 5th column.
  for (const line of lines.slice(2, -1)) {
    const cols = line.split(/\s{2,}/);
    if (cols.length < 7) continue;
    const [module, name, check, , error, rule, pass] = cols;
    const key = `${module} | ${name} | ${check}`;
    const e = Number(error);
    const near = /\((\d+) entr/.exec(rule)?.[1];
    const w = worst.get(key) ?? { error: -1, rule: rule.replace(/ \(\d+ entr.*$/, ''), seed: -1, nearZero: 0, fails: 0 };
    if (e > w.error) Object.assign(w, { error: e, seed });
    if (near) w.nearZero += Number(near);
    if (pass !== 'yes') w.fails++;
    worst.set(key, w);
  }
  if (r.status !== 0) {
    failed.push(seed);
    console.log(`seed ${seed}: exit ${r.status}: ${verdict}`);
    for (const line of lines) if (/\sNO$/.test(line)) console.log(`  ${line.replace(/\s{2,}/g, ' | ')}`);
  }
}
const seeds = to - from + 1;
console.log(`\n${seeds - failed.length} of ${seeds} seeds pass (${from}…${to}); rows per seed: ${[...rowCounts].join(', ')}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log('\nworst error per row over all seeds (seed), pass rule, entries judged near 0 in all seeds:');
for (const [key, w] of worst) console.log(`  ${key} | ${w.error.toExponential(2)} (seed ${w.seed}) | ${w.rule}${w.nearZero ? ` | near 0: ${w.nearZero}` : ''}${w.fails ? ` | FAILED ${w.fails}×` : ''}`);
process.exitCode = failed.length === 0 ? 0 : 1;
