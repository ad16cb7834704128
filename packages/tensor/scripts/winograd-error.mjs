// Numerical error of Winograd F(4,3) and F(2,3) in float32 against a float64 direct convolution,
// on each 3×3 layer shape of the CNN (normal inputs and weights), beside the engine's float32
// implicit-GEMM (im2col) conv on the same inputs and the conv kernels in Winograd mode 'auto' (what
// training runs: F(2,3) forward, F(4,3) gradients from 4×4, GEMMs per tap on 2×2). Prints, per shape
// and pass, max |error| ÷ max |ref| and the RMS error ÷ RMS of the reference.
// Run on the built package:  node packages/tensor/scripts/winograd-error.mjs [batch]
import { engineFor, initBackend, Rng, setWinogradMode, tf, winogradBackpropFilter, winogradBackpropInput, winogradConv2d, clearWinogradCache } from '../dist/node/index.js';
import { conv3x3F64, conv3x3FilterGradF64, conv3x3InputGradF64 } from '../dist/node/test/index.js';

const batch = Number(process.argv[2] ?? 2);
const SHAPES = [[64, 32], [128, 16], [256, 8], [512, 4], [512, 2]];

await initBackend({ threads: 1 });
const backend = tf.backend();
const engine = engineFor(backend);

function errors(actual, ref) {
  let maxRef = 0, maxDiff = 0, sumSq = 0, refSq = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = actual[i] - ref[i];
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
    maxDiff = Math.max(maxDiff, Math.abs(d));
    sumSq += d * d;
    refSq += ref[i] * ref[i];
  }
  return `${(maxDiff / maxRef).toExponential(1)} / ${Math.sqrt(sumSq / refSq).toExponential(1)}`;
}

const values = (info) => {
  const t = tf.engine().makeTensorFromTensorInfo(info);
  const v = t.dataSync();
  t.dispose();
  return v;
};

console.log(`# float32 error vs float64 direct conv, batch ${batch}, engine ${engine.info.math}: max|err|/max|ref| / rms(err)/rms(ref)`);
console.log("| C, H=W | pass | F4 | F2 | im2col (float32 direct) | 'auto' (what training runs) |");
console.log('|---|---|---|---|---|---|');
for (const [c, size] of SHAPES) {
  const s = { n: batch, h: size, w: size, cin: c, cout: c };
  const rng = new Rng(c + size);
  const xv = rng.fillNormal(new Float32Array(batch * size * size * c));
  const wv = rng.fillNormal(new Float32Array(9 * c * c)).map((v) => v / Math.sqrt(9 * c));
  const dyv = rng.fillNormal(new Float32Array(batch * size * size * c));
  const x = tf.tensor4d(xv, [batch, size, size, c]);
  const w = tf.tensor4d(wv, [3, 3, c, c]);
  const dy = tf.tensor4d(dyv, [batch, size, size, c]);
  const refs = {
    forward: conv3x3F64(s, xv, wv),
    inputGrad: conv3x3InputGradF64(s, dyv, wv),
    filterGrad: conv3x3FilterGradF64(s, xv, dyv),
  };
  const run = {
    forward: (v) => values(winogradConv2d(engine, backend, x, w, null, v)),
    inputGrad: (v) => values(winogradBackpropInput(engine, backend, dy, w, v)),
    filterGrad: (v) => values(winogradBackpropFilter(engine, backend, x, dy, v)),
  };
  const direct = {
    forward: () => tf.conv2d(x, w, 1, 'same'),
    inputGrad: () => tf.conv2dTranspose(dy, w, x.shape, 1, 'same'),
    filterGrad: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, c, c] }),
  };
  // The conv kernels in a Winograd mode: 'off' is the implicit GEMM; 'auto' picks per shape and pass.
  const inMode = (pass, mode) => {
    setWinogradMode(mode);
    try {
      const d = direct[pass]();
      const dv = d.dataSync();
      d.dispose();
      return dv;
    } finally {
      setWinogradMode('auto');
    }
  };
  for (const pass of ['forward', 'inputGrad', 'filterGrad']) {
    const cells = [run[pass]('F4'), run[pass]('F2'), inMode(pass, 'off'), inMode(pass, 'auto')].map((v) => errors(v, refs[pass]));
    console.log(`| ${c}, ${size} | ${pass} | ${cells.join(' | ')} |`);
  }
  tf.dispose([x, w, dy]);
  clearWinogradCache();
}
process.exit(0);
