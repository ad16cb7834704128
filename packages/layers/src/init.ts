// PyTorch's default initialisation, drawn from Backprop's seeded Rng so that a seed gives the same
// weights on every backend.
//
// torch.nn.Linear and Conv2d call kaiming_uniform_(weight, a=√5): bound = gain·√(3/fan_in) with
// gain = √(2/(1+a²)) = √(1/3), i.e. bound = 1/√fan_in; the bias is U(−1/√fan_in, 1/√fan_in).
import { Rng, shapeSize, tf } from '@backprop/tensor';

let globalRng = new Rng(42);

/** Reseeds the generator that layers use when no `rng` is given (PyTorch's `torch.manual_seed`). */
export function manualSeed(seed: number): void {
  globalRng = new Rng(seed);
}

/** The generator layers draw from when no `rng` is passed. */
export function defaultRng(): Rng {
  return globalRng;
}

/** U(−1/√fanIn, 1/√fanIn) values: PyTorch's default for Linear/Conv2d weights and biases. */
export function kaimingUniformValues(size: number, fanIn: number, rng: Rng): Float32Array {
  if (!(fanIn > 0)) throw new Error(`kaimingUniformValues: fanIn must be positive, got ${fanIn}`);
  const bound = 1 / Math.sqrt(fanIn);
  return rng.fillUniform(new Float32Array(size), -bound, bound);
}

/** A float32 variable holding `values` (copied); trainable unless stated. */
export function variableFrom(values: Float32Array | Int32Array, shape: number[], trainable = true): tf.Variable {
  const t = tf.tensor(values, shape, values instanceof Int32Array ? 'int32' : 'float32');
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

/** A variable filled with one value. */
export function constantVariable(value: number, shape: number[], trainable: boolean, dtype: 'float32' | 'int32' = 'float32'): tf.Variable {
  const size = shapeSize(shape);
  const values = dtype === 'int32' ? new Int32Array(size).fill(value) : new Float32Array(size).fill(value);
  return variableFrom(values, shape, trainable);
}

/** The seed/rng option every initialising module takes (Linear, Conv2d, MLP, ConvNet, …). */
export interface InitOptions {
  /** Seed of the initial weights: a fresh generator `new Rng(seed)`. */
  seed?: number;
  /** Generator to draw the initial weights from (shared across modules; advances). */
  rng?: Rng;
}

/** The generator `options` asks for: `rng`, or `new Rng(seed)`, else `fallback()`. Both given: an error naming them. */
export function rngFrom(op: string, { seed, rng }: InitOptions, fallback: () => Rng): Rng {
  if (seed != null && rng != null) throw new Error(`${op}: give seed or rng, not both`);
  if (rng != null) {
    if (!(rng instanceof Rng)) throw new Error(`${op}: rng must be an Rng from @backprop/tensor, got ${String(rng)}`);
    return rng;
  }
  if (seed != null) {
    if (!Number.isInteger(seed)) throw new Error(`${op}: seed must be an integer, got ${String(seed)}`);
    return new Rng(seed);
  }
  return fallback();
}
