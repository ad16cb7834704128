import type { StepStats } from '@backprop/train';
import { describe, expect, it } from 'vitest';
import { activityRows, activitySpec } from './layer-activity.js';

const step = (s: number, l2: number): StepStats => ({
  step: s,
  gradients: [
    { name: 'layers.0.weight', l2, mean: 0, std: 1 },
    { name: 'layers.0.bias', l2: 9, mean: 0, std: 1 },
    { name: 'layers.2.weight', l2: 2 * l2, mean: 0, std: 1 },
  ],
  activations: [
    { name: 'layers.0', mean: 0.1, std: 1, zeroFraction: 0, saturatedFraction: null },
    { name: 'layers.1', mean: 0.2, std: 0.5, zeroFraction: 0, saturatedFraction: 0.1 },
    { name: 'layers.2', mean: 0.3, std: 2, zeroFraction: 0, saturatedFraction: null },
  ],
});

describe('layer activity charts', () => {
  it('one series per layer in network order: weight gradients by layer, activations by module', () => {
    const history = [step(1, 1), step(10, 0.5)];
    const grads = activityRows(history, 'gradNorm');
    expect(grads.layers).toEqual(['layers.0', 'layers.2']);
    expect(grads.rows).toEqual([
      { layer: 'layers.0', step: 1, value: 1 },
      { layer: 'layers.2', step: 1, value: 2 },
      { layer: 'layers.0', step: 10, value: 0.5 },
      { layer: 'layers.2', step: 10, value: 1 },
    ]);
    expect(activityRows(history, 'activationStd').rows.filter((r) => r.layer === 'layers.1').map((r) => r.value)).toEqual([0.5, 0.5]);
    expect(activityRows(history, 'activationMean').layers).toEqual(['layers.0', 'layers.1', 'layers.2']);
  });

  it('leaves values a log axis cannot show out of the gradient chart', () => {
    const spec = activitySpec([step(1, 0), step(2, Number.NaN), step(3, 1)], 'gradNorm', 300) as { data: { values: unknown[] } };
    expect(spec.data.values).toEqual([
      { layer: 'layers.0', step: 3, value: 1 },
      { layer: 'layers.2', step: 3, value: 2 },
    ]);
  });
});
