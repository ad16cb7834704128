// A few records in the CIFAR-10 binary format (1 label byte, 3072 pixel bytes), made up and
// learnable: seeded noise, plus a bright stripe pattern of its own for each class. Shared by both pages.
import { Rng } from '@backprop/random';

export function syntheticCifarBinary(records: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const bytes = new Uint8Array(records * 3073);
  for (let r = 0; r < records; r++) {
    const label = r % 10;
    bytes[r * 3073] = label;
    for (let i = 1; i < 3073; i++) bytes[r * 3073 + i] = rng.int(64) + (i % 10 === label ? 160 : 0);
  }
  return bytes;
}
