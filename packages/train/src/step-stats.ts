// Per-layer statistics of one training step, for the trainer's observation hook (TensorBoard-style
// curves, the activation experiment): each parameter's gradient (L2 norm, mean, std) and each
// layer's output (mean, std, fraction of zeros, fraction saturated). Computed from the step's own
// gradients and activations, inside tidy, read back in one transfer each; a step without an
// observer runs none of this.
import { tf } from '@backprop/tensor';

/** One parameter's gradient in one step. Layout-free measures, so conv weights need no transpose. */
export interface GradientStats {
  /** PyTorch name, e.g. `layers.0.weight`, `features.0.weight`. */
  name: string;
  /** ‖g‖₂ (tf.norm). */
  l2: number;
  mean: number;
  /** Population standard deviation of the entries. */
  std: number;
}

/** One layer's output over the batch in one step. */
export interface ActivationStats {
  /** The module's PyTorch name, e.g. `layers.1` (an activation), `features.4` (a block). */
  name: string;
  mean: number;
  /** Population standard deviation of the entries. */
  std: number;
  /** Fraction of entries exactly 0 (dead ReLU units, max-pool of zeros). */
  zeroFraction: number;
  /**
   * Fraction of entries where the activation's derivative is below 0.01 (tanh |y| > 0.995, sigmoid
   * near 0 or 1, ELU near its floor −1, ReLU at 0); null for layers that are not an activation.
   */
  saturatedFraction: number | null;
}

export interface LayerStats {
  gradients: GradientStats[];
  activations: ActivationStats[];
}

export interface StepStats extends LayerStats {
  /** The step these came from (1 = the first step). */
  step: number;
}

/** The trainer's observation hook: `onStats` gets step 1's statistics and every `every`-th step's. */
export interface StepObserver {
  every: number;
  onStats(stats: StepStats): void;
}

/** Whether the trainer observes `step` (1-based): the first step, to see the start, and every `every`-th. */
export function observesStep(observer: StepObserver | undefined, step: number): observer is StepObserver {
  return observer != null && (step === 1 || step % observer.every === 0);
}

/** Throws unless `every` is a positive integer (the trainer checks its observer up front). */
export function checkObserver(observer: StepObserver | undefined): void {
  if (observer == null) return;
  if (!Number.isInteger(observer.every) || observer.every < 1) throw new Error(`train: observe.every must be a positive integer, got ${String(observer.every)}`);
  if (typeof observer.onStats !== 'function') throw new Error(`train: observe.onStats must be a function, got ${String(observer.onStats)}`);
}

/** The activations whose saturation is measured. */
export type SaturatingActivation = 'elu' | 'tanh' | 'sigmoid' | 'relu';
const SATURATING: Record<string, SaturatingActivation> = { ELU: 'elu', Tanh: 'tanh', Sigmoid: 'sigmoid', ReLU: 'relu' };

/** The activation a manual layer is, by its `name` ('ELU', 'Tanh', …; a string, so minifying keeps it), or null. */
export function saturatingKind(layerName: string): SaturatingActivation | null {
  return SATURATING[layerName] ?? null;
}

/** Mean and population std of all entries. */
function moments(t: tf.Tensor): { mean: tf.Tensor; std: tf.Tensor } {
  const m = tf.moments(t);
  return { mean: m.mean, std: tf.sqrt(m.variance) };
}

/** One read for all gradients; null gradients (a parameter the loss does not reach) are left out. */
export function readGradientStats(names: readonly string[], grads: ReadonlyArray<tf.Tensor | null>): GradientStats[] {
  const present = names.map((name, i) => ({ name, g: grads[i] ?? null })).filter((e): e is { name: string; g: tf.Tensor } => e.g != null);
  if (present.length === 0) return [];
  const values = tf.tidy(() =>
    tf.concat(
      present.map(({ g }) => {
        const { mean, std } = moments(g);
        return tf.stack([tf.norm(g), mean, std]);
      }),
    ),
  );
  const v = values.dataSync();
  values.dispose();
  return present.map(({ name }, i) => ({ name, l2: v[3 * i]!, mean: v[3 * i + 1]!, std: v[3 * i + 2]! }));
}

/** d activation / d input as a function of the output y, for the saturation count. */
function derivativeFromOutput(y: tf.Tensor, kind: SaturatingActivation): tf.Tensor {
  switch (kind) {
    case 'tanh':
      return tf.sub(1, tf.square(y));
    case 'sigmoid':
      return tf.mul(y, tf.sub(1, y));
    case 'elu':
      return tf.where(tf.less(y, 0), tf.add(y, 1), tf.onesLike(y));
    case 'relu':
      return tf.cast(tf.greater(y, 0), 'float32');
  }
}

/**
 * Collects layer outputs during one forward (from forward hooks): each `record` keeps a row of four
 * numbers, not the activation; `read` fetches them all at once. Dispose in a `finally`.
 */
export class ActivationRecorder {
  private readonly rows: Array<{ name: string; saturating: boolean; row: tf.Tensor }> = [];

  record(name: string, output: tf.Tensor, kind: SaturatingActivation | null): void {
    const row = tf.tidy(() => {
      const { mean, std } = moments(output);
      const zeros = tf.mean(tf.cast(tf.equal(output, 0), 'float32'));
      const saturated = kind == null ? tf.scalar(0) : tf.mean(tf.cast(tf.less(derivativeFromOutput(output, kind), 0.01), 'float32'));
      return tf.stack([mean, std, zeros, saturated]);
    });
    this.rows.push({ name, saturating: kind != null, row: tf.keep(row) });
  }

  read(): ActivationStats[] {
    if (this.rows.length === 0) return [];
    const all = tf.concat(this.rows.map((r) => r.row));
    const v = all.dataSync();
    all.dispose();
    return this.rows.map(({ name, saturating }, i) => ({
      name,
      mean: v[4 * i]!,
      std: v[4 * i + 1]!,
      zeroFraction: v[4 * i + 2]!,
      saturatedFraction: saturating ? v[4 * i + 3]! : null,
    }));
  }

  dispose(): void {
    tf.dispose(this.rows.map((r) => r.row));
    this.rows.length = 0;
  }
}
