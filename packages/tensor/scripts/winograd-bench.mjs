// Winograd benchmark (issue "Winograd convolutions"): effective GFLOP/s (direct-conv FLOP
// 2·N·H·W·9·Cin·Cout ÷ time) of each 3×3 conv pass of the CNN at batch 32, for
//   F4 / F2      Winograd F(4,3) / F(2,3) (the filter transform included: weights change every step)
//   im2col       the engine's implicit-GEMM conv kernels (Conv2D, Conv2DBackpropInput/Filter)
//   xnnpack      engine off: tfjs/XNNPACK's forward conv; for the gradients, Backprop's pre-engine kernels
// Candidates are timed in interleaved rounds (each round runs every candidate once), medians reported.
// Run on the built package:  node packages/tensor/scripts/winograd-bench.mjs [threads] [rounds] [batch]
import os from 'node:os';
import {
  clearWinogradCache, engineFor, getWinogradMode, initBackend, setWinogradMode, Rng, setEngineEnabled, tf,
  winogradBackpropFilter, winogradBackpropInput, winogradConv2d,
} from '../dist/node/index.js';

const threads = Number(process.argv[2] ?? 1);
const rounds = Number(process.argv[3] ?? 7);
const batch = Number(process.argv[4] ?? 32);
const SHAPES = [[64, 32], [128, 16], [256, 8], [512, 4], [512, 2]]; // (C, H = W)

await initBackend({ threads });
const backend = tf.backend();
const engine = engineFor(backend);
if (engine == null) throw new Error('winograd-bench: the engine did not start');
const rng = new Rng(5);
const rand = (shape) => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))), shape);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wrap(info) {
  tf.engine().makeTensorFromTensorInfo(info).dispose();
}

function candidates(x, w, b, dy) {
  const filterGrad = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: w.shape,
  });
  // The engine's implicit GEMM (im2col) or XNNPACK: Winograd off, or the conv kernels would choose
  // it themselves ('auto'), with the filter transform cached across calls.
  const onEngine = (on, fn) => () => {
    const mode = getWinogradMode();
    setEngineEnabled(on);
    setWinogradMode('off');
    try {
      return fn();
    } finally {
      setEngineEnabled(true);
      setWinogradMode(mode);
    }
  };
  const wino = (fn) => () => {
    clearWinogradCache(); // a new weight version every step: the filter transform is part of the cost
    wrap(fn());
  };
  return {
    forward: {
      F4: wino(() => winogradConv2d(engine, backend, x, w, b, 'F4')),
      F2: wino(() => winogradConv2d(engine, backend, x, w, b, 'F2')),
      im2col: onEngine(true, () => tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: 'same' }).dispose()),
      xnnpack: onEngine(false, () => tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: 'same' }).dispose()),
    },
    inputGrad: {
      F4: wino(() => winogradBackpropInput(engine, backend, dy, w, 'F4')),
      F2: wino(() => winogradBackpropInput(engine, backend, dy, w, 'F2')),
      im2col: onEngine(true, () => tf.conv2dTranspose(dy, w, x.shape, 1, 'same').dispose()),
      xnnpack: onEngine(false, () => tf.conv2dTranspose(dy, w, x.shape, 1, 'same').dispose()),
    },
    filterGrad: {
      F4: wino(() => winogradBackpropFilter(engine, backend, x, dy, 'F4')),
      F2: wino(() => winogradBackpropFilter(engine, backend, x, dy, 'F2')),
      im2col: onEngine(true, () => filterGrad().dispose()),
      xnnpack: onEngine(false, () => filterGrad().dispose()),
    },
  };
}

console.log(`# Winograd bench: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs, engine ${engine.info.math}, ${threads} thread(s), batch ${batch}, ${rounds} rounds (median)`);
console.log('| C, H=W | pass | F4 GFLOP/s | F2 GFLOP/s | im2col GFLOP/s | xnnpack/old GFLOP/s | best | best ÷ im2col |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [c, size] of SHAPES) {
  const x = rand([batch, size, size, c]);
  const w = rand([3, 3, c, c]);
  const b = rand([c]);
  const dy = rand([batch, size, size, c]);
  const flop = 2 * batch * size * size * 9 * c * c;
  const table = candidates(x, w, b, dy);
  for (const [pass, fns] of Object.entries(table)) {
    const names = Object.keys(fns);
    const times = Object.fromEntries(names.map((n) => [n, []]));
    for (const n of names) fns[n](); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const n of names) {
        const t0 = performance.now();
        fns[n]();
        times[n].push(performance.now() - t0);
      }
    }
    const gf = Object.fromEntries(names.map((n) => [n, flop / (median(times[n]) * 1e6)]));
    const best = names.reduce((a, n) => (gf[n] > gf[a] ? n : a), names[0]);
    console.log(`| ${c}, ${size} | ${pass} | ${names.map((n) => gf[n].toFixed(1)).join(' | ')} | ${best} | ${(gf[best] / gf.im2col).toFixed(2)} |`);
  }
  tf.dispose([x, w, b, dy]);
}
clearWinogradCache();
process.exit(0);
