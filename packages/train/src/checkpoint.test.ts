import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { presetConfig } from './presets.js';
import { encodeSafetensors } from '@backprop/layers';

describe('checkpoint', () => {
  it('round-trips model, optimizer, step, config, metrics and time through one safetensors file', () => {
    const c: Checkpoint = {
      step: 300,
      config: presetConfig('mlp-tuned'),
      metrics: { train: [{ step: 1, loss: 2.25 }], eval: [{ step: 0, testLoss: 2.3, testAccuracy: 0.1, trainLoss: null }] },
      elapsedMs: 1234.5,
      model: new Map([['layers.0.weight', { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }]]),
      optimizer: new Map([
        ['state.0.step', { dtype: 'F32', shape: [], data: Float32Array.of(300) }],
        ['state.0.exp_avg', { dtype: 'F32', shape: [2, 3], data: Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6) }],
      ]),
    };
    const back = decodeCheckpoint(encodeCheckpoint(c));
    expect(back).toEqual(c);
  });

  it('keeps NaN and ±Infinity in the metrics (JSON alone would write null)', () => {
    const c: Checkpoint = {
      step: 2,
      config: presetConfig('mlp'),
      metrics: { train: [{ step: 1, loss: Infinity }, { step: 2, loss: 2 }], eval: [{ step: 2, testLoss: Number.NaN, testAccuracy: 0.5, trainLoss: -Infinity }] },
      elapsedMs: 1,
      model: new Map(),
      optimizer: new Map(),
    };
    expect(decodeCheckpoint(encodeCheckpoint(c)).metrics).toEqual(c.metrics);
  });

  it('refuses a safetensors file that is not a checkpoint', () => {
    const bytes = encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [1], data: Float32Array.of(1) }]]), { format: 'pt' });
    expect(() => decodeCheckpoint(bytes)).toThrow("not a Backprop checkpoint (metadata.format is 'pt', expected 'backprop-checkpoint-1')");
  });
});
