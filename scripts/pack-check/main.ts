// The browser page pack-check builds with Vite from the packed tarballs: made-up CIFAR-10 records
// through @backprop/data, then a few SGD steps of a layers MLP on @backprop/tensor's WASM backend.
// No wasmPaths, no Vite configuration: the binaries must be found by the package itself.
import { DataSet, fitNormalization, parseCifarBinary } from '@backprop/data';
import { CrossEntropyLoss, MLP, SGD } from '@backprop/layers';
import { initBackend, tf } from '@backprop/tensor';
import { syntheticCifarBinary } from './synthetic-cifar.js';

/** What pack-check reads back from the page (window.packCheck). */
type Result = { ok: true; backend: string; simd: boolean; losses: number[]; leaked: number } | { ok: false; error: string };
const report = (result: Result): void => {
  (globalThis as { packCheck?: Result }).packCheck = result;
};

try {
  const info = await initBackend();
  const split = parseCifarBinary(syntheticCifarBinary(64, 7), 'synthetic.bin');
  // Flat rows, one-hot labels (the defaults), standardised per channel.
  const batch = new DataSet(split, { seed: 1, normalization: fitNormalization(split, 'per-channel') }).nextBatch(64);
  const x = tf.tensor2d(batch.x, batch.xShape as [number, number]);
  const y = tf.tensor2d(batch.y as Float32Array, batch.yShape as [number, number]);
  const model = new MLP(3072, [32], 10, { seed: 3, activation: 'relu' });
  const ce = new CrossEntropyLoss();
  const opt = new SGD(model.parameters(), { lr: 0.05 });
  const losses: number[] = [];
  let before = 0;
  for (let step = 0; step < 12; step++) {
    if (step === 2) before = tf.memory().numTensors; // after the first steps made any optimizer state
    const loss = opt.step(() => ce.forward(model.forward(x), y));
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  report({ ok: true, backend: info.backend, simd: info.simd, losses, leaked: tf.memory().numTensors - before });
} catch (err) {
  report({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
}
