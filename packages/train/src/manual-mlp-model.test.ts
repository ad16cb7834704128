import { initBackend } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualMlpModel } from './manual-mlp-model.js';

beforeAll(async () => {
  await initBackend();
});

describe('ManualMlpModel', () => {
  it('names its weights as PyTorch (layers.0, layers.2, …) and still loads run folders that used linear<i>', () => {
    const make = (seed: number) => new ManualMlpModel({ nInputs: 6, hiddenUnits: [4], nClasses: 3, activation: 'elu', learningRate: 0.1, seed });
    const a = make(1);
    const state = a.stateDict();
    expect([...state.keys()]).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    const legacy = new Map([...state].map(([k, t]) => [k.replace(/^layers\.(\d+)\./, (_, i: string) => `linear${Number(i) / 2}.`), t]));
    expect([...legacy.keys()]).toEqual(['linear0.weight', 'linear0.bias', 'linear1.weight', 'linear1.bias']);
    const b = make(2);
    b.loadStateDict(legacy);
    expect(b.stateDict()).toEqual(state);
    expect(() => b.loadStateDict(new Map([['linear5.weight', state.get('layers.0.weight')!]]))).toThrow(/missing 'layers.0.weight'.*unexpected 'layers.10.weight'/);
    a.dispose();
    b.dispose();
  });
});
