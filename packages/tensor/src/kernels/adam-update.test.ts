// The fused Adam step with the moments updated in place: the same bits as the out-of-place kernel
// (param', m', v'), m and v keep their buffers, and it refuses moments whose memory another tensor
// shares (that tensor keeps its values).
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { fusedAdamUpdate, fusedAdamUpdateMomentsInPlace, type AdamUpdateAttrs } from '../ops/adam-update.js';
import { ADAM_UPDATE_IN_PLACE } from './adam-update.js';
import { sameBits, seededNormals } from '../test/index.js';

beforeAll(async () => {
  await initBackend({ threads: 2 });
});

const attrs: AdamUpdateAttrs = { beta1: 0.9, beta2: 0.999, oneMinusAccBeta1: 1 - 0.9 ** 3, oneMinusAccBeta2: 1 - 0.999 ** 3, eps: 1e-8, lr: 1e-3 };
const make = (n: number, seed: number) => ({
  p: tf.tensor(seededNormals(n, seed)),
  g: tf.tensor(seededNormals(n, seed + 1)),
  // As the optimizer makes them: the initial tensor disposed (by the tidy), the variable the buffer's only holder.
  m: tf.tidy(() => tf.variable(tf.tensor(seededNormals(n, seed + 2).map((x) => 0.1 * x)), false)),
  v: tf.tidy(() => tf.variable(tf.tensor(seededNormals(n, seed + 3).map((x) => 0.01 * x * x)), false)),
});

describe('fusedAdamUpdateMomentsInPlace', () => {
  // One vector and a tail, and big enough for both threads.
  it.each([5, 37, 70001])('n = %i: the same bits as fusedAdamUpdate, m and v updated in their own buffers', (n) => {
    const a = make(n, 10);
    const b = make(n, 10);
    const [p1, m1, v1] = fusedAdamUpdate(a.p, a.g, a.m, a.v, attrs)!;
    const [mId, vId] = [b.m.dataId, b.v.dataId];
    const before = tf.memory().numTensors;
    const p2 = fusedAdamUpdateMomentsInPlace(b.p, b.g, b.m, b.v, attrs);
    expect(p2).not.toBeNull();
    expect(tf.memory().numTensors).toBe(before + 1); // p' only
    expect(b.m.dataId).toBe(mId);
    expect(b.v.dataId).toBe(vId);
    expect(sameBits(p2!.dataSync() as Float32Array, p1!.dataSync() as Float32Array)).toBe(true);
    expect(sameBits(b.m.dataSync() as Float32Array, m1!.dataSync() as Float32Array)).toBe(true);
    expect(sameBits(b.v.dataSync() as Float32Array, v1!.dataSync() as Float32Array)).toBe(true);
    tf.dispose([p1!, m1!, v1!, p2!, ...Object.values(a), ...Object.values(b)]);
  });

  it('leaves shared moments alone: null from the op, an error naming m from the kernel, the clone unchanged', () => {
    const s = make(64, 20);
    const kept = tf.clone(s.m); // shares m's memory
    const values = Float32Array.from(kept.dataSync() as Float32Array);
    expect(fusedAdamUpdateMomentsInPlace(s.p, s.g, s.m, s.v, attrs)).toBeNull();
    expect(() => tf.engine().runKernel(ADAM_UPDATE_IN_PLACE, { param: s.p, grad: s.g, m: s.m, v: s.v }, attrs as unknown as tf.NamedAttrMap))
      .toThrow(/BackpropAdamUpdateMomentsInPlace: m's memory is shared by 1 other tensor\(s\)/);
    expect(sameBits(kept.dataSync() as Float32Array, values)).toBe(true);
    tf.dispose([kept, ...Object.values(s)]);
  });
});
