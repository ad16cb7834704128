// Adapter: any @backprop/layers Module (the autograd MLP, the ConvNet) with a layers optimizer and
// CrossEntropyLoss on logits, as a TrainableModel.
import type { Batch } from '@backprop/data';
import { CrossEntropyLoss, loadStateDict, optimizerStateFromLegacy, optimizerStateFromTensors, optimizerStateTensors, stateDict, trainStep, type Module, type Optimizer } from '@backprop/layers';
import { tf } from '@backprop/tensor';
import { allFinite, checkRate, scoreHits, toTensors } from './batch-tensors.js';
import type { EvalSums, TensorMap, TrainableModel } from './trainable-model.js';

export interface LayersModelOptions {
  module: Module;
  /** Built over `module`'s parameters. */
  optimizer: Optimizer;
  layout: 'flat' | 'nhwc';
  description: string;
}

export class LayersModel implements TrainableModel {
  readonly module: Module;
  readonly optimizer: Optimizer;
  readonly layout: 'flat' | 'nhwc';
  readonly description: string;
  private readonly criterion = new CrossEntropyLoss();
  private readonly sumCriterion = new CrossEntropyLoss({ reduction: 'sum' });

  constructor({ module, optimizer, layout, description }: LayersModelOptions) {
    this.module = module;
    this.optimizer = optimizer;
    this.layout = layout;
    this.description = description;
  }

  trainStep(batch: Batch): number {
    const { x, y } = toTensors(batch, { oneHot: false });
    try {
      this.module.train();
      return trainStep(this.module, this.criterion, x, y, this.optimizer);
    } finally {
      tf.dispose([x, y]);
    }
  }

  evaluate(batch: Batch): EvalSums {
    const { x, y } = toTensors(batch, { oneHot: false });
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
