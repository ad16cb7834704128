// MaxPool, MaxPoolGrad and the ReLU gradient on the CNN's shapes, each against what it replaced:
//   MaxPoolGrad  the engine's general kernel (zero fill + read-modify-write) vs its fast paths
//                (3/2/1: gather, and the per-image scatter it replaced; 2×2/2: tiles), on the
//                engine's threads;
//   MaxPool      stock tfjs-backend-wasm (XNNPACK, one thread beside the engine) vs the engine;
//   ReLU grad    tfjs's mul(dy, cast(step(x))) vs BackpropReluGrad.
// Best of `rounds` × 5 calls per shape, variants alternated round by round (the machine is shared).
// Run on the built package:  node packages/tensor/scripts/pool-bench.mjs [threads=2] [batch=32] [rounds=10]
import { initBackend, setEngineEnabled, setMaxPoolGradFastPaths, setMaxPoolGradGather, tf } from '../dist/node/index.js';

const threads = Number(process.argv[2] ?? 2);
const batch = Number(process.argv[3] ?? 32);
const rounds = Number(process.argv[4] ?? 10);
await initBackend({ threads });

const normal = (shape) => tf.randomNormal(shape, 0, 1, 'float32', 7);

function best(variants) {
  const ms = Object.fromEntries(Object.keys(variants).map((k) => [k, Infinity]));
  for (let r = 0; r < rounds + 1; r++) {
    for (const [name, fn] of Object.entries(variants)) {
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        tf.tidy(() => void fn()); // disposes the result too
        if (r > 0) ms[name] = Math.min(ms[name], performance.now() - t); // round 0 warms up
      }
    }
  }
  return ms;
}

const row = (label, ms) => console.log(label.padEnd(28), Object.entries(ms).map(([k, v]) => `${k} ${v.toFixed(3)}`).join('   '));
const totals = {};
const add = (group, ms) => {
  totals[group] ??= {};
  for (const [k, v] of Object.entries(ms)) totals[group][k] = (totals[group][k] ?? 0) + v;
};

// The CNN's pool inputs (its 3/2/1 pools), and the same with a 2×2 stride-2 pool.
const poolInputs = [[32, 128], [16, 256], [8, 512], [4, 512], [2, 512]];
for (const [f, s, pad] of [[3, 2, 1], [2, 2, 'valid']]) {
  for (const [hw, c] of poolInputs) {
    const x = normal([batch, hw, hw, c]);
    const y = tf.maxPool(x, f, s, pad);
    const dy = normal(y.shape);
    const grad = () => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: f, strides: s, pad });
    const pool = () => tf.maxPool(x, f, s, pad);
    const ms = best({
      gradGeneral: () => { setMaxPoolGradFastPaths(false); try { return grad(); } finally { setMaxPoolGradFastPaths(true); } },
      gradScatter: () => { setMaxPoolGradGather(false); try { return grad(); } finally { setMaxPoolGradGather(true); } },
      gradFast: grad,
      poolXnnpack: () => { setEngineEnabled(false); try { return pool(); } finally { setEngineEnabled(true); } },
      poolEngine: pool,
    });
    row(`pool ${f}/${s}/${pad} [${x.shape}]`, ms);
    add(`pool ${f}/${s}/${pad}`, ms);
    tf.dispose([x, y, dy]);
  }
}

// The inputs of the CNN's ten ReLUs (nine pre-activation blocks, the head).
const reluInputs = [[32, 64], [16, 128], [16, 128], [8, 256], [8, 256], [4, 512], [4, 512], [2, 512], [2, 512], [1, 512]];
for (const [hw, c] of reluInputs) {
  const x = normal([batch, hw, hw, c]);
  const dy = normal(x.shape);
  const ms = best({
    tfjsFormula: () => tf.mul(dy, tf.cast(tf.step(x), 'float32')),
    fused: () => tf.engine().runKernel('BackpropReluGrad', { dy, x }, {}),
  });
  row(`relu grad [${x.shape}]`, ms);
  add('relu grad', ms);
  tf.dispose([x, dy]);
}
for (const [group, ms] of Object.entries(totals)) row(`total ${group}`, ms);
