// The preset picker and the hyperparameters (the CLI's flags). Choosing a preset fills every field
// with that preset's values; the user may then change any of them.
import { ACTIVATION_NAMES, NORM_NAMES, OPTIMIZER_NAMES, PRESET_NAMES, presetConfig, type TrainConfig } from '@backprop/train';
import type { RunSettings } from '../protocol.js';
import { byId, el } from './dom.js';

const PRESET_LABELS: Record<string, string> = {
  'mlp-manual': 'mlp-manual — Part 1: MLP, hand-derived backward, SGD',
  mlp: 'mlp — Part 2: the same MLP on autograd, SGD',
  'mlp-tuned': 'mlp-tuned — Part 2 tuned: 2×100, BatchNorm, Adam',
  cnn: 'cnn — Part 4: pre-activation CNN, Adam',
};

type Field = 'hiddenUnits' | 'activation' | 'norm' | 'optimizer' | 'learningRate' | 'maxSteps' | 'batchSize' | 'evalFreq' | 'seed';

export class SettingsForm {
  readonly preset = byId<HTMLSelectElement>('preset');
  private readonly inputs = {
    hiddenUnits: byId<HTMLInputElement>('hidden-units'),
    activation: byId<HTMLSelectElement>('activation'),
    norm: byId<HTMLSelectElement>('norm'),
    optimizer: byId<HTMLSelectElement>('optimizer'),
    learningRate: byId<HTMLInputElement>('learning-rate'),
    maxSteps: byId<HTMLInputElement>('max-steps'),
    batchSize: byId<HTMLInputElement>('batch-size'),
    evalFreq: byId<HTMLInputElement>('eval-freq'),
    seed: byId<HTMLInputElement>('seed'),
  } satisfies Record<Field, HTMLInputElement | HTMLSelectElement>;
  private readonly evalAtStart = byId<HTMLInputElement>('eval-at-start');

  constructor(initialPreset = 'mlp-manual') {
    for (const name of PRESET_NAMES) this.preset.append(el('option', { value: name }, PRESET_LABELS[name] ?? name));
    // The choices come from @backprop/train's lists, so a new activation appears here by itself.
    const choices = [
      [this.inputs.activation, ACTIVATION_NAMES],
      [this.inputs.norm, NORM_NAMES],
      [this.inputs.optimizer, OPTIMIZER_NAMES],
    ] as const;
    for (const [select, names] of choices) select.replaceChildren(...names.map((name) => el('option', { value: name }, name)));
    this.preset.value = PRESET_NAMES.includes(initialPreset as never) ? initialPreset : 'mlp-manual';
    this.preset.addEventListener('change', () => this.fill(presetConfig(this.preset.value)));
    this.fill(presetConfig(this.preset.value));
  }

  get learningRateInput(): HTMLInputElement {
    return this.inputs.learningRate;
  }

  fill(config: TrainConfig): void {
    const i = this.inputs;
    i.hiddenUnits.value = config.hiddenUnits.join(',');
    i.activation.value = config.activation;
    i.norm.value = config.norm;
    i.optimizer.value = config.optimizer;
    i.learningRate.value = String(config.learningRate);
    i.maxSteps.value = String(config.maxSteps);
    i.batchSize.value = String(config.batchSize);
    i.evalFreq.value = String(config.evalFreq);
    i.seed.value = String(config.seed);
    // Off for the CNN: a whole test pass of the untrained net takes minutes in a page.
    this.evalAtStart.checked = config.evalAtStart && config.model !== 'cnn';
    this.model = config.model;
    this.lock();
  }

  private model: TrainConfig['model'] = 'manual-mlp';
  private running = false;

  /** A checkpoint being continued: only how long it runs and how often it evaluates may change. */
  private resuming = false;

  /**
   * Hides what the model does not have (the CNN's architecture is fixed; the manual MLP has plain
   * SGD and no normalisation), disables everything but the learning rate while running, and all
   * but max steps / eval frequency while a checkpoint waits to be continued.
   */
  private lock(): void {
    const i = this.inputs;
    const manual = this.model === 'manual-mlp';
    const cnn = this.model === 'cnn';
    const fixed: Record<Field, boolean> = {
      // The manual MLP has plain SGD and no normalisation (its backward is derived for exactly that).
      optimizer: manual,
      norm: manual || cnn,
      hiddenUnits: cnn,
      activation: cnn,
      learningRate: false,
      maxSteps: false,
      batchSize: false,
      evalFreq: false,
      seed: false,
    };
    const resumable: Field[] = ['maxSteps', 'evalFreq'];
    for (const [name, input] of Object.entries(i) as [Field, HTMLInputElement | HTMLSelectElement][]) {
      const label = input.closest('label');
      if (label) label.hidden = fixed[name];
      input.disabled = fixed[name] || (this.running && name !== 'learningRate') || (this.resuming && !this.running && !resumable.includes(name));
    }
    const note = document.getElementById('fixed-note');
    if (note) note.textContent = cnn ? 'The CNN’s layers are fixed (reference settings, Part 4): no hidden units, activation or normalisation to choose.' : manual ? 'The hand-derived MLP trains with plain SGD and no normalisation.' : '';
    this.evalAtStart.disabled = this.running || this.resuming;
    this.preset.disabled = this.running || this.resuming;
  }

  /** Shows a checkpoint's config and locks it (null: back to free settings). */
  setResuming(config: TrainConfig | null, maxSteps?: number): void {
    this.resuming = config != null;
    if (config) {
      if (PRESET_NAMES.includes(config.preset as never)) this.preset.value = config.preset;
      this.fill(config);
      if (maxSteps != null) this.inputs.maxSteps.value = String(maxSteps);
    }
    this.lock();
  }

  /** Settings from a shared URL (see url-settings.ts) over the preset's. */
  apply(values: Partial<RunSettings>): void {
    const i = this.inputs;
    if (values.hiddenUnits) i.hiddenUnits.value = values.hiddenUnits.join(',');
    if (values.activation) i.activation.value = values.activation;
    if (values.norm) i.norm.value = values.norm;
    if (values.optimizer) i.optimizer.value = values.optimizer;
    for (const k of ['learningRate', 'maxSteps', 'batchSize', 'evalFreq', 'seed'] as const) {
      if (values[k] != null) i[k].value = String(values[k]);
    }
    if (values.evalAtStart != null) this.evalAtStart.checked = values.evalAtStart;
  }

  /** Calls back on every edit of a field (the page clears a settings error then). */
  onEdit(callback: () => void): void {
    for (const input of [...Object.values(this.inputs), this.evalAtStart, this.preset]) input.addEventListener('input', callback);
  }

  /** The settings as entered, validated the way the CLI validates its flags (throws one clear message). */
  read(): RunSettings {
    const i = this.inputs;
    const num = (input: HTMLInputElement, what: string) => {
      const v = Number(input.value);
      if (input.value.trim() === '' || !Number.isFinite(v)) throw new Error(`${what} must be a number, got '${input.value}'`);
      return v;
    };
    const hiddenUnits = i.hiddenUnits.value.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    const settings: RunSettings = {
      preset: this.preset.value,
      hiddenUnits,
      activation: i.activation.value as RunSettings['activation'],
      norm: i.norm.value as RunSettings['norm'],
      optimizer: i.optimizer.value as RunSettings['optimizer'],
      learningRate: num(i.learningRate, 'learning rate'),
      maxSteps: num(i.maxSteps, 'max steps'),
      batchSize: num(i.batchSize, 'batch size'),
      evalFreq: num(i.evalFreq, 'eval frequency'),
      evalAtStart: this.evalAtStart.checked,
      seed: num(i.seed, 'seed'),
    };
    const { preset, ...overrides } = settings;
    presetConfig(preset, overrides); // throws TrainConfig: … naming every bad field
    return settings;
  }

  /** Locks the fields that cannot change mid-run (the learning rate stays editable). */
  setRunning(running: boolean): void {
    this.running = running;
    this.lock();
  }
}
