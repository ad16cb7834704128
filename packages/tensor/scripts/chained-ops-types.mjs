// Runs after tsup: puts the chained-op augmentation back into the emitted declarations.
// src/tf.ts imports tfjs-core's register_all_chained_ops for its side effect (Tensor.prototype.add,
// .argMax, …) and for the `declare module` blocks that type those methods; the declaration bundler
// drops side-effect imports, so without this line `x.add(1)` runs but fails `tsc` in a user's
// project. (`.js`: the form every moduleResolution accepts for a deep import.)
import { readFileSync, writeFileSync } from 'node:fs';

const line = "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';\n";
for (const file of ['dist/index.d.ts', 'dist/test/index.d.ts']) {
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith(line)) writeFileSync(file, line + text);
}
