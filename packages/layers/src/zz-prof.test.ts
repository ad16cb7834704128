import { initBackend, tf } from '@backprop/tensor';
import { it } from 'vitest';
import { ConvNet } from './convnet.js';
import { CrossEntropyLoss } from './cross-entropy-loss.js';
import { namedGradients } from './gradients.js';
import { loadStateDict } from './state.js';
import { hashState } from './testing/hash-weights.js';

it('prof', async () => {
  await initBackend();
  let t0 = performance.now();
  const m = new ConvNet();
  console.log('construct', performance.now() - t0);
  t0 = performance.now();
  const hs = hashState(m);
  console.log('hash', performance.now() - t0);
  t0 = performance.now();
  loadStateDict(m, hs);
  console.log('load', performance.now() - t0);
  const x = tf.randomNormal([4, 32, 32, 3]);
  const y = tf.tensor1d([1, 2, 3, 4], 'int32');
  const ce = new CrossEntropyLoss();
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    const { value, grads } = namedGradients(m, () => ce.forward(m.forward(x), y) as tf.Scalar);
    console.log('grads', performance.now() - t0, value.dataSync()[0]);
    value.dispose(); for (const g of grads.values()) g.dispose();
  }
  const prof = await tf.profile(() => { const { value, grads } = namedGradients(m, () => ce.forward(m.forward(x), y) as tf.Scalar); value.dispose(); for (const g of grads.values()) g.dispose(); });
  const agg = new Map<string, number>();
  for (const k of prof.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  console.log([...agg].sort((a, b) => b[1] - a[1]).slice(0, 15));
  const top = [...prof.kernels].sort((a, b) => (b.kernelTimeMs as number) - (a.kernelTimeMs as number)).slice(0, 15);
  for (const k of top) console.log(k.name, k.kernelTimeMs, JSON.stringify(k.inputShapes), JSON.stringify(k.outputShapes));
});
