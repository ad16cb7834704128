// String(model) is PyTorch's repr of the same model (checked against torch where installed);
// summary() gives output shapes and parameter counts.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvNet } from './convnet.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import { Sequential } from './sequential.js';
import { summary } from './summary.js';
import { fixturesDir } from './testing/fixtures.js';

beforeAll(async () => {
  await initBackend();
});

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const torchRepr = (expr: string): string => {
  const dir = fileURLToPath(fixturesDir);
  const r = spawnSync(PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(dir)}); from torch_reference import *; print(repr(${expr}))`], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trimEnd();
};

describe('String(model): PyTorch repr', () => {
  it('a Sequential with Linear and Dropout', () => {
    const net = new Sequential(new Linear(4, 3), new Dropout(0.25), new Linear(3, 2, { bias: false }));
    expect(String(net)).toBe(
      ['Sequential(', '  (0): Linear(in_features=4, out_features=3, bias=True)', '  (1): Dropout(p=0.25, inplace=False)', '  (2): Linear(in_features=3, out_features=2, bias=False)', ')'].join('\n'),
    );
    net.dispose();
  });

  it.skipIf(!hasTorch)("the reference MLP and ConvNet print exactly as torch's", () => {
    const mlp = new MLP(3072, [100, 100], 10, { batchNorm: true });
    expect(String(mlp)).toBe(torchRepr('MLP()'));
    const cnn = new ConvNet(3, 10);
    expect(String(cnn)).toBe(torchRepr('ConvNet()'));
    mlp.dispose();
    cnn.dispose();
  });
});

describe('summary', () => {
  it('gives every module its output shape and parameter count, and the totals; restores modes; leaks nothing', () => {
    const mlp = new MLP(12, [8], 3, { batchNorm: true, seed: 1 });
    const before = tf.memory().numTensors;
    const s = summary(mlp, [2, 12]);
    expect(tf.memory().numTensors).toBe(before);
    expect(mlp.training).toBe(true);
    expect(s.rows.map((r) => [r.name, r.type, r.outputShape, r.params])).toEqual([
      ['', 'MLP', [2, 3], 12 * 8 + 8 + 16 + 8 * 3 + 3],
      ['layers', 'Sequential', [2, 3], 12 * 8 + 8 + 16 + 8 * 3 + 3],
      ['layers.0', 'Linear', [2, 8], 104],
      ['layers.1', 'ELU', [2, 8], 0],
      ['layers.2', 'BatchNorm1d', [2, 8], 16],
      ['layers.3', 'Linear', [2, 3], 27],
    ]);
    expect(s.totalParams).toBe(147);
    expect(s.bufferValues).toBe(17); // running_mean, running_var (8 each), num_batches_tracked
    expect(s.text).toContain('└─0 (Linear)');
    expect(s.text).toContain('Total params: 147');
    expect(Object.prototype.hasOwnProperty.call(mlp.layers, 'forward')).toBe(false);
    mlp.dispose();
  });

  it('the ConvNet: 32×32 NHWC in, shapes through the pools', () => {
    const cnn = new ConvNet(3, 10);
    const s = summary(cnn, [1, 32, 32, 3]);
    const shape = (name: string) => s.rows.find((r) => r.name === name)!.outputShape;
    expect(shape('features.0')).toEqual([1, 32, 32, 64]);
    expect(shape('features.3')).toEqual([1, 16, 16, 128]);
    expect(shape('features.20')).toEqual([1, 512]);
    expect(shape('classifier')).toEqual([1, 10]);
    expect(s.totalParams).toBe(cnn.numParameters());
    cnn.dispose();
  });
});
