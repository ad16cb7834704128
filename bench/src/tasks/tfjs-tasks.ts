// The workloads as Backprop code, runnable on any tfjs backend: Backprop's WASM (training kernels
// on), stock tfjs-backend-wasm (same code, kernels off) and tfjs-backend-cpu. One builder per
// workload; each returns a step that does one timed repetition, plus the work for tf.profile.
import { randomNormal, Rng, tf } from '@backprop/tensor';
import * as layers from '@backprop/layers';
import * as manual from '@backprop/manual';

export interface Task {
  /** One timed repetition. */
  step(): void;
  dispose(): void;
}

export interface TaskOptions {
  /** Batch (training steps, conv layer) or number of images (evaluation). */
  size: number;
}

// Mean-subtracted 0–255 pixels have a standard deviation of about 60 (reference settings: no scaling).
const PIXEL_STD = 60;
const labelsOf = (n: number, rng: Rng) => Int32Array.from({ length: n }, () => rng.int(10));

/** Part 1 of docs/reference-settings.md: manual modules, Softmax + CrossEntropy (as the original), SGD lr 1e-3. */
function mlpManual({ size }: TaskOptions): Task {
  const rng = new Rng(42);
  const x = randomNormal([size, 3072], rng, { std: PIXEL_STD });
  const t = tf.tidy(() => tf.oneHot(tf.tensor1d(labelsOf(size, rng), 'int32'), 10).toFloat());
  const model = new manual.MLP(3072, [100], 10, { activation: 'elu', seed: 42 });
  const loss = new manual.CrossEntropy();
  const sgd = new manual.SGD(model.parameters(), { lr: 1e-3 });
  return {
    step: () => void manual.trainStep(model, loss, x, t, sgd),
    dispose: () => {
      model.dispose();
      loss.dispose();
      tf.dispose([x, t]);
    },
  };
}

/** Part 2 of docs/reference-settings.md: the same MLP on autograd (layers.MLP, CrossEntropyLoss on logits, SGD lr 1e-3). */
function mlpLayers({ size }: TaskOptions): Task {
  const rng = new Rng(42);
  const x = randomNormal([size, 3072], rng, { std: PIXEL_STD });
  const y = tf.tensor1d(labelsOf(size, rng), 'int32');
  const model = new layers.MLP(3072, [100], 10, { activation: 'elu', seed: 42 });
  return layersTrainTask(model, new layers.SGD(model, { lr: 1e-3 }), x, y);
}

/** Part 4 of docs/reference-settings.md: one training step of the reference ConvNet (train mode), Adam lr 1e-4. */
function cnnStep({ size }: TaskOptions): Task {
  const rng = new Rng(42);
  const x = randomNormal([size, 32, 32, 3], rng, { std: PIXEL_STD });
  const y = tf.tensor1d(labelsOf(size, rng), 'int32');
  const model = new layers.ConvNet(3, 10, { seed: 42 }).train();
  return layersTrainTask(model, new layers.Adam(model, { lr: 1e-4 }), x, y);
}

/** One `layers.trainStep` (cross-entropy on logits) per step; disposes everything it was given. */
function layersTrainTask(model: layers.Module, optimizer: layers.Optimizer, x: tf.Tensor, y: tf.Tensor): Task {
  const ce = new layers.CrossEntropyLoss();
  return {
    step: () => void layers.trainStep(model, ce, x, y, optimizer),
    dispose: () => {
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, y]);
    },
  };
}

/** Part 4 of docs/reference-settings.md evaluation: predicted classes of `size` test images, batches of 500, eval mode. */
function cnnEval({ size }: TaskOptions): Task {
  const rng = new Rng(43);
  const batch = Math.min(500, size);
  const batches = Array.from({ length: Math.ceil(size / batch) }, (_, i) => randomNormal([Math.min(batch, size - i * batch), 32, 32, 3], rng, { std: PIXEL_STD }));
  const model = new layers.ConvNet(3, 10, { seed: 42 }).eval();
  return {
    step: () => {
      for (const xb of batches) {
        const pred = tf.tidy(() => tf.argMax(model.forward(xb), 1));
        pred.dataSync();
        pred.dispose();
      }
    },
    dispose: () => {
      model.dispose();
      tf.dispose(batches);
    },
  };
}

/** One 3×3 64→64 conv (pad 1) on 32×32 images: forward, then dL/dx, dL/dW, dL/db (as ConvNetJS). */
function convLayer({ size }: TaskOptions): Task {
  const rng = new Rng(4);
  const conv = new layers.Conv2d(64, 64, 3, { padding: 1, rng });
  const x = tf.variable(randomNormal([size, 32, 32, 64], rng), true);
  const dy = randomNormal([size, 32, 32, 64], rng);
  const vars = [x, ...conv.parameters()];
  return {
    step: () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(conv.forward(x), dy)), vars);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose: () => {
      conv.dispose();
      tf.dispose([x, dy]);
    },
  };
}

export const tfjsTasks = {
  'mlp-manual': mlpManual,
  'mlp-layers': mlpLayers,
  'cnn-step': cnnStep,
  'cnn-eval': cnnEval,
  'conv-layer': convLayer,
} satisfies Record<string, (o: TaskOptions) => Task>;

export type TfjsTaskName = keyof typeof tfjsTasks;
