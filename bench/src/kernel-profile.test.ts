import { describe, expect, it } from 'vitest';
import { isConvKernel, kernelFlop, outsideConvolutions } from './kernel-profile.js';

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

  it('counts the conv with a residual sum as the conv', () => {
    const shapes = [[32, 8, 8, 256], [3, 3, 256, 256], [256], [32, 8, 8, 256]];
    expect(kernelFlop('BackpropConv2DAddResidual', shapes, [[32, 8, 8, 256]])).toBe(kernelFlop('FusedConv2D', shapes.slice(0, 3), [[32, 8, 8, 256]]));
  });

  it('counts a 1×1 conv that widens the channels', () => {
    expect(kernelFlop('Conv2D', [[4, 8, 8, 64], [1, 1, 64, 128]], [[4, 8, 8, 128]])).toBe(2 * 4 * 8 * 8 * 128 * 64);
    expect(kernelFlop('Conv2DBackpropFilter', [[4, 8, 8, 64], [4, 8, 8, 128]], [[1, 1, 64, 128]])).toBe(2 * 4 * 8 * 8 * 128 * 64);
  });

  it('has no flop count for element-wise kernels', () => {
    expect(kernelFlop('Add', [[2, 3], [2, 3]], [[2, 3]])).toBeNull();
  });
});

describe('isConvKernel', () => {
  it('counts tfjs\'s conv kernels and PyTorch\'s aten convolution ops, and nothing else', () => {
    for (const k of ['Conv2D', 'FusedConv2D', 'BackpropConv2DAddResidual', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'aten::mkldnn_convolution', 'aten::convolution_backward', 'aten::_convolution']) expect(isConvKernel(k)).toBe(true);
    for (const k of ['BatchMatMul', 'Add', 'BackpropBatchNormForward', 'MaxPoolGrad', 'Sum', 'aten::native_batch_norm', 'aten::add_', 'autograd::engine::evaluate_function: ConvolutionBackward0', 'Conv2DX']) expect(isConvKernel(k)).toBe(false);
  });

  it('gives the milliseconds and the share of a profile outside the convolutions', () => {
    const rows = [{ kernel: 'FusedConv2D', calls: 1, ms: 90, flop: null }, { kernel: 'Add', calls: 2, ms: 10, flop: null }];
    expect(outsideConvolutions({ rows, kernelMs: 100 })).toEqual({ ms: 10, share: 0.1 });
    expect(outsideConvolutions({ rows: [], kernelMs: 0 })).toEqual({ ms: 0, share: 0 });
  });
});
