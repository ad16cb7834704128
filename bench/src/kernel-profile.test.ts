import { describe, expect, it } from 'vitest';
import { kernelFlop } from './kernel-profile.js';

describe('kernelFlop', () => {
  it('counts 2·m·k·n for a matMul whatever the transposes', () => {
    // [200×3072]·[100×3072]ᵀ → [200×100]: k = 3072.
    expect(kernelFlop('BatchMatMul', [[1, 200, 3072], [1, 100, 3072]], [[1, 200, 100]])).toBe(2 * 200 * 3072 * 100);
    // dW = dyᵀ·x: a = [200×100] transposed, out [100×3072]: k = 200.
    expect(kernelFlop('BatchMatMul', [[1, 200, 100], [1, 200, 3072]], [[1, 100, 3072]])).toBe(2 * 100 * 200 * 3072);
  });

  it('gives a conv and both of its gradients the same work', () => {
    const fwd = kernelFlop('FusedConv2D', [[32, 16, 16, 128], [3, 3, 128, 128], [128]], [[32, 16, 16, 128]]);
    const dx = kernelFlop('Conv2DBackpropInput', [[32, 16, 16, 128], [3, 3, 128, 128]], [[32, 16, 16, 128]]);
    const dw = kernelFlop('Conv2DBackpropFilter', [[32, 16, 16, 128], [32, 16, 16, 128]], [[3, 3, 128, 128]]);
    expect(fwd).toBe(2 * 32 * 16 * 16 * 128 * 9 * 128);
    expect(dx).toBe(fwd);
    expect(dw).toBe(fwd);
  });

  it('counts a 1×1 conv that widens the channels', () => {
    expect(kernelFlop('Conv2D', [[4, 8, 8, 64], [1, 1, 64, 128]], [[4, 8, 8, 128]])).toBe(2 * 4 * 8 * 8 * 128 * 64);
    expect(kernelFlop('Conv2DBackpropFilter', [[4, 8, 8, 64], [4, 8, 8, 128]], [[1, 1, 64, 128]])).toBe(2 * 4 * 8 * 8 * 128 * 64);
  });

  it('has no flop count for element-wise kernels', () => {
    expect(kernelFlop('Add', [[2, 3], [2, 3]], [[2, 3]])).toBeNull();
  });
});
