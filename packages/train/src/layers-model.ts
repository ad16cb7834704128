// Adapter: any @backprop/layers Module (the autograd MLP, the ConvNet) with a layers optimizer and
// CrossEntropyLoss on logits, as a TrainableModel.
import type { Batch } from '@backprop/data';
import { CrossEntropyLoss, ELU, Flatten, loadStateDict, ReLU, Sequential, Sigmoid, Tanh, optimizerStateFromLegacy, optimizerStateFromTensors, optimizerStateTensors, stateDict, trainStep, type Module, type Optimizer } from '@backprop/layers';
import { tf } from '@backprop/tensor';
import { allFinite, checkRate, scoreHits, toTensors } from './batch-tensors.js';
import { ActivationRecorder, readGradientStats, type GradientStats, type LayerStats, type SaturatingActivation } from './step-stats.js';
import type { EvalSums, TensorMap, TrainableModel } from './trainable-model.js';

export interface LayersModelOptions {
  module: Module;
  /** Built over `module`'s parameters. */
  optimizer: Optimizer;
  layout: 'flat' | 'nhwc';
  description: string;
  /** Number of classes (labels are checked against it while still in JS). */
  numClasses: number;
}

export class LayersModel implements TrainableModel {
  readonly module: Module;
  readonly optimizer: Optimizer;
  readonly layout: 'flat' | 'nhwc';
  readonly description: string;
  readonly numClasses: number;
  private readonly criterion = new CrossEntropyLoss();
  private readonly sumCriterion = new CrossEntropyLoss({ reduction: 'sum' });

  constructor({ module, optimizer, layout, description, numClasses }: LayersModelOptions) {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`LayersModel: numClasses must be a positive integer, got ${String(numClasses)}`);
    this.numClasses = numClasses;
    this.module = module;
    this.optimizer = optimizer;
    this.layout = layout;
    this.description = description;
  }

  trainStep(batch: Batch): number {
    const { x, y } = toTensors(batch, { oneHot: false, numClasses: this.numClasses });
    try {
      this.module.train();
      return trainStep(this.module, this.criterion, x, y, this.optimizer);
    } finally {
      tf.dispose([x, y]);
    }
  }

  /**
   * `trainStep`'s step (the same optimizer.step on the same closure), with forward hooks on the
   * observed modules for their outputs and the optimizer's own gradients of this step (onGradients);
   * the hooks are removed afterwards.
   */
  trainStepWithStats(batch: Batch): { loss: number; stats: LayerStats } {
    const { x, y } = toTensors(batch, { oneHot: false, numClasses: this.numClasses });
    const recorder = new ActivationRecorder();
    const hooks = observedModules(this.module).map(([name, m]) => m.registerForwardHook((_, __, output) => recorder.record(name, output, activationKind(m))));
    const nameOf = new Map(this.module.namedParameters().map(([name, v]) => [v, name]));
    const names = this.optimizer.params.map((v, i) => nameOf.get(v) ?? `param${i}`);
    let gradients: GradientStats[] = [];
    try {
      this.module.train();
      const cost = this.optimizer.step(() => this.criterion.forward(this.module.forward(x), y) as tf.Scalar, {
        onGradients: (grads) => (gradients = readGradientStats(names, grads)),
      });
      const loss = cost.dataSync()[0]!;
      cost.dispose();
      return { loss, stats: { gradients, activations: recorder.read() } };
    } finally {
      for (const h of hooks) h.remove();
      recorder.dispose();
      tf.dispose([x, y]);
    }
  }

  evaluate(batch: Batch): EvalSums {
    const { x, y } = toTensors(batch, { oneHot: false, numClasses: this.numClasses });
    this.module.eval();
    try {
      const logits = this.module.forward(x);
      const loss = this.sumCriterion.forward(logits, y);
      const lossSum = loss.dataSync()[0]!;
      const { predicted, correct } = scoreHits(logits, batch.labels);
      tf.dispose([logits, loss]);
      return { lossSum, correct, predicted };
    } finally {
      this.module.train();
      tf.dispose([x, y]);
    }
  }

  predict(batch: Batch): Float32Array {
    const x = tf.tensor(batch.x, batch.xShape, 'float32');
    this.module.eval();
    try {
      const logits = this.module.forward(x);
      const scores = Float32Array.from(logits.dataSync() as Float32Array);
      logits.dispose();
      return scores;
    } finally {
      this.module.train();
      x.dispose();
    }
  }

  setLearningRate(lr: number): void {
    checkRate(lr);
    this.optimizer.setLearningRate(lr);
  }

  stateDict(): TensorMap {
    return stateDict(this.module);
  }

  loadStateDict(tensors: TensorMap): void {
    loadStateDict(this.module, tensors);
  }

  /**
   * The optimizer's per-parameter state in torch.optim's format as named tensors
   * (`state.<index>.step`, `.exp_avg`, `.exp_avg_sq`, `.momentum_buffer`); the hyperparameters come
   * from the run's config on resume.
   */
  async optimizerState(): Promise<TensorMap> {
    return optimizerStateTensors(this.optimizer.stateDict());
  }

  /** Restores `optimizerState()`; an empty map (no optimizer state saved) leaves the optimizer as it is. */
  async loadOptimizerState(tensors: TensorMap): Promise<void> {
    if (tensors.size === 0) return;
    // Checkpoints of run folders from before torch.optim's format are read too (see optimizerStateFromLegacy).
    const entries = this.module.stateEntries().filter((e) => e.kind === 'parameter');
    const legacy = optimizerStateFromLegacy(tensors, entries.map((e) => ({ name: e.name, layout: e.layout, shape: e.variable.shape })), 'LayersModel.loadOptimizerState');
    const state = legacy ?? optimizerStateFromTensors(tensors, 'LayersModel.loadOptimizerState');
    const { param_groups } = this.optimizer.stateDict();
    this.optimizer.loadStateDict({ state, param_groups });
  }

  parametersFinite(): boolean {
    return allFinite([...this.module.parameters(), ...this.module.buffers()]);
  }

  numParameters(): number {
    return this.module.numParameters();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.module.dispose();
  }
}

/** Which activation a module is (by class, not by class name: a minified bundle renames classes). */
function activationKind(m: Module): SaturatingActivation | null {
  if (m instanceof ELU) return 'elu';
  if (m instanceof Tanh) return 'tanh';
  if (m instanceof Sigmoid) return 'sigmoid';
  if (m instanceof ReLU) return 'relu';
  return null;
}

/**
 * The modules whose outputs are observed, as TensorBoard shows layers: the children of the model's
 * top-level Sequentials (`layers.<i>` of the MLP, `features.<i>` of the CNN) and its other direct
 * children (`classifier`). Flatten is left out: its output is its input.
 */
export function observedModules(root: Module): Array<[string, Module]> {
  const out: Array<[string, Module]> = [];
  for (const [name, child] of root.namedChildren()) {
    if (child instanceof Sequential) {
      for (const [i, m] of child.namedChildren()) if (!(m instanceof Flatten)) out.push([`${name}.${i}`, m]);
    } else if (!(child instanceof Flatten)) {
      out.push([name, child]);
    }
  }
  return out;
}
