// A tiny CIFAR-10 in the binary format's folder layout (data_batch_1.bin … test_batch.bin,
// batches.meta.txt) for end-to-end CLI tests: 10 classes, each a fixed random image plus seeded
// noise, so that a few steps already learn something.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CIFAR10_CLASS_NAMES } from '@backprop/data';
import { Rng } from '@backprop/tensor';

export function writeCifarFolder(dir: string, { perBatch = 20, test = 30, seed = 3 } = {}): string {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  const patterns = Array.from({ length: 10 }, () => Uint8Array.from({ length: 3072 }, () => 40 + rng.int(170)));
  let index = 0;
  const batch = (n: number) => {
    const bytes = new Uint8Array(n * 3073);
    for (let r = 0; r < n; r++, index++) {
      const label = index % 10;
      bytes[r * 3073] = label;
      for (let p = 0; p < 3072; p++) bytes[r * 3073 + 1 + p] = Math.max(0, Math.min(255, patterns[label]![p]! + Math.round(30 * rng.normal())));
    }
    return bytes;
  };
  for (let k = 1; k <= 5; k++) writeFileSync(path.join(dir, `data_batch_${k}.bin`), batch(perBatch));
  writeFileSync(path.join(dir, 'test_batch.bin'), batch(test));
  writeFileSync(path.join(dir, 'batches.meta.txt'), `${CIFAR10_CLASS_NAMES.join('\n')}\n`);
  return dir;
}
