// A small, learnable stand-in for CIFAR-10 in tests: K classes of C×H×W uint8 images, each class a
// fixed random pattern plus seeded noise. Same seed, same bytes.
import type { LabelledData, Split } from '@backprop/data';
import { Rng } from '@backprop/tensor';

export interface SyntheticOptions {
  shape?: [number, number, number];
  classes?: number;
  train?: number;
  test?: number;
  /** Noise std in pixel units (patterns span 0–255). */
  noise?: number;
  seed?: number;
}

export function syntheticData({ shape = [3, 4, 4], classes = 3, train = 240, test = 60, noise = 40, seed = 7 }: SyntheticOptions = {}): LabelledData {
  const rng = new Rng(seed);
  const size = shape[0] * shape[1] * shape[2];
  const patterns = Array.from({ length: classes }, () => Float64Array.from({ length: size }, () => 60 + 140 * rng.uniform()));
  const split = (n: number): Split => {
    const images = new Uint8Array(n * size);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % classes;
      labels[i] = k;
      for (let p = 0; p < size; p++) images[i * size + p] = Math.max(0, Math.min(255, Math.round(patterns[k]![p]! + noise * rng.normal())));
    }
    return { images, labels, length: n, shape };
  };
  return { train: split(train), test: split(test), classNames: Array.from({ length: classes }, (_, k) => `class${k}`) };
}
