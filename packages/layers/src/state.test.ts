import { initBackend, Rng, tf } from '@backprop/tensor';
import { seededTensor } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReLU } from './activations.js';
import { BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { Sequential } from './sequential.js';
import { loadState, saveState, stateDict } from './state.js';

beforeAll(async () => {
  await initBackend();
});

const smallNet = (seed: number) => {
  const rng = new Rng(seed);
  return new Sequential(new Conv2d(3, 4, 3, { padding: 1, rng }), new BatchNorm2d(4), new ReLU(), new Flatten(), new Linear(4 * 5 * 5, 2, { rng }));
};

describe('saveState / loadState', () => {
  it("saves PyTorch's names, layouts and dtypes (conv weight out×in×kh×kw, num_batches_tracked I64)", () => {
    const net = smallNet(1);
    const x = seededTensor([2, 5, 5, 3], 1);
    net.forward(x).dispose(); // train mode: running stats move, num_batches_tracked = 1
    const file = decodeSafetensors(saveState(net));
    const conv = net.at(0) as Conv2d;
    expect([...file.tensors.keys()]).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '4.weight', '4.bias']);
    const w = file.tensors.get('0.weight')!;
    expect(w.shape).toEqual([4, 3, 3, 3]);
    // PyTorch's w[o, i, kh, kw] is our weight[kh, kw, i, o].
    const ours = conv.weight.arraySync() as number[][][][];
    expect(w.data[((2 * 3 + 1) * 3 + 0) * 3 + 2]).toBe(ours[0]![2]![1]![2]);
    expect(file.tensors.get('1.num_batches_tracked')).toMatchObject({ dtype: 'I64', shape: [] });
    expect(file.tensors.get('1.num_batches_tracked')!.data[0]).toBe(1n);
    net.dispose();
  });

  it('round-trips: a fresh model loaded from the bytes gives the same outputs in eval mode', () => {
    const a = smallNet(1);
    const b = smallNet(2);
    const x = seededTensor([2, 5, 5, 3], 2);
    a.forward(x).dispose();
    loadState(b, saveState(a));
    a.eval();
    b.eval();
    expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(a.forward(x).dataSync()));
    expect(Array.from((b.at(1) as BatchNorm2d).runningVar.dataSync())).toEqual(Array.from((a.at(1) as BatchNorm2d).runningVar.dataSync()));
    a.dispose();
    b.dispose();
  });

  it('names missing and unexpected keys and shape mismatches, and writes nothing on error', () => {
    const net = new MLP(6, [4], 2, { batchNorm: true, seed: 1 });
    const state = stateDict(net);
    const before = Array.from(net.layers.at(0).parameters()[0]!.dataSync());

    const missing = new Map(state);
    missing.delete('layers.2.running_var');
    missing.set('layers.9.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) });
    expect(() => loadState(net, encodeSafetensors(missing))).toThrow('loadState: Missing key(s): layers.2.running_var; Unexpected key(s): layers.9.weight');

    const wrong = new Map(state);
    wrong.set('layers.0.weight', { dtype: 'F32', shape: [4, 5], data: new Float32Array(20) });
    expect(() => loadState(net, encodeSafetensors(wrong))).toThrow('loadState: size mismatch for layers.0.weight: expected [4, 6], got [4, 5]');
    expect(Array.from(net.layers.at(0).parameters()[0]!.dataSync())).toEqual(before);

    const lenient = loadState(net, encodeSafetensors(missing), { strict: false });
    expect(lenient).toEqual({ missingKeys: ['layers.2.running_var'], unexpectedKeys: ['layers.9.weight'] });
    net.dispose();
  });

  it('leaves no tensors behind', () => {
    const net = smallNet(3);
    const bytes = saveState(net);
    const before = tf.memory().numTensors;
    loadState(net, bytes);
    saveState(net);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});
