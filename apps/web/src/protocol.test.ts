import { DEFAULT_CONFIG, PRESET_NAMES, presetConfig, type TrainConfig } from '@backprop/train';
import { describe, expect, it } from 'vitest';
import { RUN_SETTING_FIELDS, runSettingsOf } from './protocol.js';

describe('RunSettings', () => {
  it('is the named TrainConfig fields, with the config’s values, for every preset', () => {
    for (const name of PRESET_NAMES) {
      const config = presetConfig(name);
      const settings = runSettingsOf(config);
      expect(Object.keys(settings).sort()).toEqual([...RUN_SETTING_FIELDS].sort());
      for (const field of RUN_SETTING_FIELDS) expect(settings[field]).toEqual(config[field]);
    }
  });

  it('names only TrainConfig fields and leaves out what the page does not set', () => {
    const configFields = Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[];
    for (const field of RUN_SETTING_FIELDS) expect(configFields).toContain(field);
    expect(RUN_SETTING_FIELDS).not.toContain('model');
    expect(RUN_SETTING_FIELDS).not.toContain('normalization');
  });

  it('copies arrays, so editing the settings leaves the config alone', () => {
    const config = presetConfig('mlp');
    const settings = runSettingsOf(config);
    settings.hiddenUnits.push(7);
    expect(config.hiddenUnits).not.toContain(7);
  });
});
