// Plain-Node smoke test of the built @backprop/tensor (no vitest, no bundler): trains a
// one-layer softmax regression with tf.grad on WASM and checks the loss falls, then runs the
// training kernels (matMul, conv2d and both conv gradients) and prints a digest of every result.
// `node node-smoke.mjs [threads]`: pack-check runs it with 1 and 2 WASM threads and requires the
// same digest — results must not depend on the thread count.
import { createHash } from 'node:crypto';
import { initBackend, tf, Rng, randomNormal } from '@backprop/tensor';

const threads = Number(process.argv[2] ?? 1);
const info = await initBackend({ threads });
if (info.backend !== 'wasm' || !info.simd) throw new Error(`expected WASM with SIMD, got ${JSON.stringify(info)}`);
if (info.threads !== threads) throw new Error(`asked for ${threads} WASM threads, got ${info.threads}`);
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

// conv training needs Conv2DBackpropFilter, absent from stock tfjs-backend-wasm. Shapes big
// enough that XNNPACK splits the work between threads.
const img = randomNormal([8, 16, 16, 32], rng);
const k = tf.variable(randomNormal([3, 3, 32, 32], rng, { std: 0.1 }));
const convLoss = (input, kernel) => tf.conv2d(input, kernel, 1, 'same').square().sum();
const gk = tf.grad((kv) => convLoss(img, kv))(k);
const gx = tf.grad((xv) => convLoss(xv, k))(img);
const a = randomNormal([256, 512], rng);
const b = randomNormal([256, 512], rng);
const results = { w, gk, gx, ab: tf.matMul(a, b, false, true), atb: tf.matMul(a, b, true, false) };
const digest = createHash('sha256');
for (const t of Object.values(results)) digest.update(new Uint8Array((await t.data()).buffer));
console.log(`conv filter gradient ${gk.shape}, input gradient ${gx.shape} ok; digest ${digest.digest('hex').slice(0, 16)}`);
