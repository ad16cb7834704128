#!/usr/bin/env node
// Backprop's `cnn` run against the PyTorch reference run with the same settings (issue: train + CLI):
// test accuracy at the steps both evaluated, and the mean training loss over windows of 100 steps.
//   node scripts/reference/compare-cnn.mjs <backprop run folder> [scripts/reference/torch-cnn-1000.json]
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [runDir, torchFile = path.join(import.meta.dirname, 'torch-cnn-1000.json')] = process.argv.slice(2);
if (!runDir) {
  console.error('usage: node scripts/reference/compare-cnn.mjs <backprop run folder> [torch json]');
  process.exit(2);
}
const ours = JSON.parse(readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
const torch = JSON.parse(readFileSync(torchFile, 'utf8'));

const rows = [['step', 'Backprop test acc', 'PyTorch test acc', 'difference']];
for (const t of torch.history) {
  const b = ours.eval.find((e) => e.step === t.step);
  if (b == null) continue;
  rows.push([String(t.step), b.testAccuracy.toFixed(4), t.test_accuracy.toFixed(4), (b.testAccuracy - t.test_accuracy).toFixed(4)]);
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const lossRows = [['steps', 'Backprop mean train loss', 'PyTorch mean train loss']];
const last = Math.min(ours.train.length, torch.loss_curve.length);
for (let from = 0; from < last; from += 100) {
  const to = Math.min(from + 100, last);
  lossRows.push([`${from + 1}–${to}`, mean(ours.train.slice(from, to).map((p) => p.loss)).toFixed(4), mean(torch.loss_curve.slice(from, to)).toFixed(4)]);
}
const table = (r) => r.map((cells) => `| ${cells.join(' | ')} |`).toSpliced(1, 0, `|${r[0].map(() => ' --- ').join('|')}|`).join('\n');
console.log(`${table(rows)}\n\n${table(lossRows)}`);
