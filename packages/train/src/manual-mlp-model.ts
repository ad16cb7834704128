// Adapter: @backprop/manual's MLP (hand-derived backward, Part 1 of docs/reference-settings.md) as a TrainableModel.
// Loss: softmax + cross-entropy fused (SoftmaxCrossEntropy, also hand-derived: dL/dZ = (P − T)/S).
// It is the same function as the original's SoftMaxModule → CrossEntropyModule chain, but never
// takes log 0, which float32 probabilities of a confident model can reach.
import type { Batch } from '@backprop/data';
import { MLP, SGD, SoftmaxCrossEntropy, trainStep, type ActivationName } from '@backprop/manual';
import { tf } from '@backprop/tensor';
import type { EvalSums, TensorMap, TrainableModel } from './trainable-model.js';
import { allFinite, checkRate, scoreHits, toTensors } from './batch-tensors.js';
import { ActivationRecorder, readGradientStats, saturatingKind, type LayerStats } from './step-stats.js';

export interface ManualMlpOptions {
  nInputs: number;
  hiddenUnits: readonly number[];
  nClasses: number;
  activation: ActivationName;
  learningRate: number;
  seed: number;
}

export class ManualMlpModel implements TrainableModel {
  readonly layout = 'flat' as const;
  readonly description: string;
  readonly mlp: MLP;
  private readonly loss = new SoftmaxCrossEntropy();
  private readonly sgd: SGD;

  constructor(readonly options: ManualMlpOptions) {
    const { nInputs, hiddenUnits, nClasses, activation, learningRate, seed } = options;
    this.mlp = new MLP(nInputs, hiddenUnits, nClasses, { activation, seed });
    this.sgd = new SGD(this.mlp.parameters(), { lr: learningRate });
    this.description = `manual MLP ${[nInputs, ...hiddenUnits, nClasses].join('-')} (${activation}), hand-derived backward, SGD lr ${learningRate}`;
  }

  trainStep(batch: Batch): number {
    const { x, y } = toTensors(batch, { oneHot: true, numClasses: this.options.nClasses });
    try {
      return trainStep(this.mlp, this.loss, x, y, this.sgd);
    } finally {
      tf.dispose([x, y]);
    }
  }

  /**
   * `trainStep`, with each layer's `forward` wrapped for the step to record its output, and the
   * gradients the hand-derived backward wrote into the MLP's grad variables read afterwards.
   */
  trainStepWithStats(batch: Batch): { loss: number; stats: LayerStats } {
    const recorder = new ActivationRecorder();
    const restore = this.mlp.layers.map((layer, i) => {
      const own = Object.prototype.hasOwnProperty.call(layer, 'forward') ? layer.forward : undefined;
      const forward = layer.forward;
      layer.forward = (x: tf.Tensor): tf.Tensor => {
        const y = forward.call(layer, x);
        recorder.record(`layers.${i}`, y, saturatingKind(layer.name));
        return y;
      };
      return () => {
        if (own) layer.forward = own;
        else delete (layer as { forward?: unknown }).forward;
      };
    });
    try {
      const loss = this.trainStep(batch);
      const params = this.mlp.parameters();
      const gradients = readGradientStats(params.map((p) => p.name), params.map((p) => p.grad));
      return { loss, stats: { gradients, activations: recorder.read() } };
    } finally {
      for (const r of restore) r();
      recorder.dispose();
    }
  }

  evaluate(batch: Batch): EvalSums {
    const { x, y } = toTensors(batch, { oneHot: true, numClasses: this.options.nClasses });
    const logits = this.mlp.logits(x);
    this.mlp.releaseCache();
    const loss = this.loss.forward(logits, y);
    this.loss.dispose(); // drops the softmax it cached for a backward that will not come
    const lossMean = loss.dataSync()[0]!;
    const { predicted, correct } = scoreHits(logits, batch.labels);
    tf.dispose([x, y, logits, loss]);
    return { lossSum: lossMean * batch.size, correct, predicted };
  }

  predict(batch: Batch): Float32Array {
    const x = tf.tensor(batch.x, batch.xShape, 'float32');
    const logits = this.mlp.logits(x);
    this.mlp.releaseCache();
    const scores = Float32Array.from(logits.dataSync() as Float32Array);
    tf.dispose([x, logits]);
    return scores;
  }

  setLearningRate(lr: number): void {
    checkRate(lr);
    this.sgd.lr = lr; // read at every step
  }

  stateDict(): TensorMap {
    const out: TensorMap = new Map();
    for (const { name, param } of this.mlp.parameters()) {
      out.set(name, { dtype: 'F32', shape: param.shape.slice(), data: Float32Array.from(param.dataSync() as Float32Array) });
    }
    return out;
  }

  loadStateDict(given: TensorMap): void {
    const tensors = renameLegacyManualNames(given);
    const params = this.mlp.parameters();
    const problems: string[] = [];
    for (const { name, param } of params) {
      const t = tensors.get(name);
      if (t == null) problems.push(`missing '${name}'`);
      else if (t.shape.join(',') !== param.shape.join(',')) problems.push(`'${name}' must have shape [${param.shape.join(', ')}], got [${t.shape.join(', ')}]`);
      else if (t.dtype !== 'F32') problems.push(`'${name}' must be F32, got ${t.dtype}`);
    }
    const known = new Set(params.map((p) => p.name));
    for (const key of tensors.keys()) if (!known.has(key)) problems.push(`unexpected '${key}'`);
    if (problems.length > 0) throw new Error(`ManualMlpModel.loadStateDict: ${problems.join('; ')}`);
    for (const { name, param } of params) {
      const t = tensors.get(name)!;
      tf.tidy(() => (param as tf.Variable).assign(tf.tensor(t.data as Float32Array, t.shape, 'float32')));
    }
  }

  /** Plain SGD keeps no state between steps. */
  async optimizerState(): Promise<TensorMap> {
    return new Map();
  }

  async loadOptimizerState(tensors: TensorMap): Promise<void> {
    if (tensors.size > 0) throw new Error(`ManualMlpModel.loadOptimizerState: plain SGD has no state, got ${[...tensors.keys()].join(', ')}`);
  }

  parametersFinite(): boolean {
    return allFinite(this.mlp.parameters().map((p) => p.param));
  }

  numParameters(): number {
    return this.mlp.parameters().reduce((n, p) => n + p.param.size, 0);
  }

  dispose(): void {
    this.mlp.dispose();
    this.loss.dispose();
  }
}

/**
 * Run folders written before the manual MLP took PyTorch's names call its parameters
 * `linear<i>.weight` / `.bias`: the i-th Linear is `layers.<2i>` now (Linear, activation, …).
 */
function renameLegacyManualNames(tensors: TensorMap): TensorMap {
  if (![...tensors.keys()].some((k) => /^linear\d+\.(weight|bias)$/.test(k))) return tensors;
  return new Map([...tensors].map(([k, t]) => [k.replace(/^linear(\d+)\.(weight|bias)$/, (_, i: string, p: string) => `layers.${2 * Number(i)}.${p}`), t]));
}
