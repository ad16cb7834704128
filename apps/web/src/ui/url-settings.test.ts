import { ACTIVATION_NAMES, NORM_NAMES, OPTIMIZER_NAMES, presetConfig } from '@backprop/train';
import { describe, expect, it } from 'vitest';
import { runSettingsOf } from '../protocol.js';
import { readSettings, writeSettings } from './url-settings.js';

describe('settings in the URL', () => {
  it('writes only what differs from the preset, keeps other parameters, and reads it back', () => {
    const c = presetConfig('mlp');
    const settings = { ...runSettingsOf(c), hiddenUnits: [64, 32], learningRate: 0.05, maxSteps: 123 };
    const params = writeSettings(new URLSearchParams('data=/data/x.tar.gz'), settings);
    expect(params.toString()).toBe('data=%2Fdata%2Fx.tar.gz&preset=mlp&hidden=64%2C32&lr=0.05&steps=123');
    expect(readSettings(params)).toEqual({ values: { hiddenUnits: [64, 32], learningRate: 0.05, maxSteps: 123 }, problems: [] });
  });

  it('names every value it cannot read', () => {
    const { values, problems } = readSettings(new URLSearchParams('lr=fast&hidden=10,x&activation=gelu&steps=50'));
    expect(values).toEqual({ maxSteps: 50 });
    expect(problems).toEqual(['lr=fast (expected a number)', 'hidden=10,x (expected positive integers separated by commas)', `activation=gelu (expected ${ACTIVATION_NAMES.join(', ')})`]);
  });

  it('accepts every activation, norm and optimizer the trainer has (one list each, in @backprop/train)', () => {
    for (const activation of ACTIVATION_NAMES) expect(readSettings(new URLSearchParams({ activation })).values).toEqual({ activation });
    for (const norm of NORM_NAMES) expect(readSettings(new URLSearchParams({ norm })).values).toEqual({ norm });
    for (const optimizer of OPTIMIZER_NAMES) expect(readSettings(new URLSearchParams({ optimizer })).values).toEqual({ optimizer });
    expect(readSettings(new URLSearchParams('activation=sigmoid')).problems).toEqual([]);
  });
});
