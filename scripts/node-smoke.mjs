// Plain-Node smoke test of the built @backprop/tensor (no vitest, no bundler): trains a
// one-layer softmax regression with tf.grad on WASM and checks the loss falls.
import { initBackend, tf, Rng, randomNormal } from '@backprop/tensor';

const info = await initBackend();
if (info.backend !== 'wasm' || !info.simd) throw new Error(`expected WASM with SIMD, got ${JSON.stringify(info)}`);
const rng = new Rng(42);
const x = randomNormal([256, 20], rng);
const trueW = randomNormal([20, 3], rng);
const y = tf.oneHot(tf.argMax(tf.matMul(x, trueW), 1), 3);
const w = tf.variable(tf.zeros([20, 3]));
const lossOf = () => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, w));
const grad = tf.grad((wv) => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, wv)));
const first = lossOf().dataSync()[0];
const before = tf.memory().numTensors;
for (let i = 0; i < 100; i++) {
  tf.tidy(() => { w.assign(w.sub(grad(w).mul(0.5))); });
}
if (tf.memory().numTensors !== before) throw new Error(`leak: ${tf.memory().numTensors - before} tensors`);
const last = lossOf().dataSync()[0];
console.log(`backend ${info.backend} simd ${info.simd} threads ${info.threads}: loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
if (!(last < first * 0.5)) throw new Error('loss did not fall');
// conv training needs Conv2DBackpropFilter, absent from stock tfjs-backend-wasm
const img = randomNormal([2, 8, 8, 3], rng);
const k = tf.variable(randomNormal([3, 3, 3, 4], rng));
const gk = tf.grad((kv) => tf.conv2d(img, kv, 1, 'same').square().sum())(k);
console.log(`conv filter gradient ${gk.shape} ok`);
