import { initBackend, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReLU } from './activations.js';
import { BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { Sequential } from './sequential.js';

beforeAll(async () => {
  await initBackend();
});

class Net extends Module {
  readonly body = this.registerModule('body', new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU()));
  readonly head = this.registerModule('head', new Linear(4, 2));
  forward(x: tf.Tensor): tf.Tensor {
    return this.head.forward(tf.mean(this.body.forward(x), [1, 2]));
  }
}

describe('Module', () => {
  it('names parameters and buffers the way PyTorch does, in state_dict order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual(['body.0.weight', 'body.0.bias', 'body.1.weight', 'body.1.bias', 'head.weight', 'head.bias']);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['body.1.running_mean', 'body.1.running_var', 'body.1.num_batches_tracked']);
    expect(net.stateEntries().map((e) => e.name)).toEqual([
      'body.0.weight',
      'body.0.bias',
      'body.1.weight',
      'body.1.bias',
      'body.1.running_mean',
      'body.1.running_var',
      'body.1.num_batches_tracked',
      'head.weight',
      'head.bias',
    ]);
    expect(net.parameters().every((p) => p instanceof tf.Variable && p.trainable)).toBe(true);
    expect(net.buffers().every((b) => !b.trainable)).toBe(true);
    expect(net.numParameters()).toBe(4 * 3 * 9 + 4 + 4 + 4 + 2 * 4 + 2);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'body', 'body.0', 'body.1', 'body.2', 'head']);
    net.dispose();
  });

  it('train() and eval() set the flag on every descendant and return this', () => {
    const net = new Net();
    expect(net.eval()).toBe(net);
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    expect(net.train()).toBe(net);
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
    net.train(false);
    expect(net.body.at(1).training).toBe(false);
    net.dispose();
  });

  it('gives fresh gradients on every call: nothing accumulates, zeroGrad is a no-op', () => {
    const lin = new Linear(3, 2);
    const x = tf.ones([1, 3]);
    const f = () => tf.sum(lin.forward(x)) as tf.Scalar;
    const g1 = tf.variableGrads(f, lin.parameters());
    lin.zeroGrad();
    const g2 = tf.variableGrads(f, lin.parameters());
    expect(Array.from(g2.grads[lin.weight.name]!.dataSync())).toEqual(Array.from(g1.grads[lin.weight.name]!.dataSync()));
    expect(Array.from(g1.grads[lin.weight.name]!.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    tf.dispose([g1.value, g2.value, ...Object.values(g1.grads), ...Object.values(g2.grads), x]);
    lin.dispose();
  });

  it('rejects duplicate and dotted names', () => {
    class Bad extends Module {
      constructor(name: string, twice: boolean) {
        super();
        this.registerModule(name, new ReLU());
        if (twice) this.registerModule(name, new ReLU());
      }
      forward(x: tf.Tensor): tf.Tensor {
        return x;
      }
    }
    expect(() => new Bad('a', true)).toThrow(/'a' is already registered/);
    expect(() => new Bad('a.b', false)).toThrow(/without '\.'/);
  });

  it('dispose frees every variable', () => {
    const before = tf.memory().numTensors;
    const net = new Net();
    expect(tf.memory().numTensors).toBe(before + net.stateEntries().length);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('registerForwardHook sees each forward of a child inside a container (PyTorch register_forward_hook); remove() restores the plain forward', () => {
    const net = new Net();
    const relu = net.body.at(2);
    const seen: Array<{ module: Module; input: number[]; output: number[] }> = [];
    const handle = relu.registerForwardHook((module, input, output) => seen.push({ module, input: input.shape, output: output.shape }));
    const x = tf.randomNormal([2, 5, 5, 3]);
    const withHook = net.forward(x);
    expect(seen).toEqual([{ module: relu, input: [2, 5, 5, 4], output: [2, 5, 5, 4] }]);
    handle.remove();
    handle.remove(); // twice is harmless, as in PyTorch
    expect(Object.prototype.hasOwnProperty.call(relu, 'forward')).toBe(false);
    const without = net.forward(x);
    expect(seen).toHaveLength(1);
    expect(Array.from(without.dataSync())).toEqual(Array.from(withHook.dataSync()));
    tf.dispose([x, withHook, without]);
    expect(() => relu.registerForwardHook(null as never)).toThrow('ReLU.registerForwardHook: hook must be a function, got null');
  });
});
