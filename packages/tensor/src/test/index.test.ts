import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { tf } from '../tf.js';
import { sameBits, valuesOn } from './index.js';

beforeAll(async () => {
  await initBackend();
});

describe('test helpers', () => {
  it('sameBits compares bits: −0 is not 0, a NaN equals the same NaN', () => {
    expect(sameBits(Float32Array.of(1, Number.NaN), Float32Array.of(1, Number.NaN))).toBe(true);
    expect(sameBits(Float32Array.of(0), Float32Array.of(-0))).toBe(false);
    expect(sameBits(Float32Array.of(1), Float32Array.of(1, 2))).toBe(false);
    expect(sameBits(new Float32Array([9, 1, 2]).subarray(1), Float32Array.of(1, 2))).toBe(true);
  });

  it('valuesOn runs on the backend asked for, frees what it made and restores the backend', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const before = tf.memory().numTensors;
    let ranOn = '';
    const values = await valuesOn('cpu', () => {
      ranOn = tf.getBackend();
      return tf.tensor1d([1, 2, 3]).mul(2);
    });
    expect(ranOn).toBe('cpu');
    expect(Array.from(values)).toEqual([2, 4, 6]);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.memory().numTensors).toBe(before);
  });
});
