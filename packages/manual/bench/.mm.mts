import { initBackend, tf, Rng } from '@backprop/tensor';
await initBackend();
const rng = new Rng(1);
const r = (s: number[]) => tf.tensor(rng.fillNormal(new Float32Array(s[0]! * s[1]!)), s);
const cases: Array<[string, number[], number[], boolean, boolean]> = [
  ['x·Wᵀ', [200, 3072], [100, 3072], false, true],
  ['x·W(pre-transposed)', [200, 3072], [3072, 100], false, false],
  ['doutᵀ·x', [200, 100], [200, 3072], true, false],
  ['dout(pre-T)·x', [100, 200], [200, 3072], false, false],
  ['dout·W', [200, 100], [100, 3072], false, false],
];
for (const [name, sa, sb, ta, tb] of cases) {
  const a = r(sa), b = r(sb);
  for (let i = 0; i < 3; i++) tf.matMul(a, b, ta, tb).dispose();
  const t: number[] = [];
  for (let i = 0; i < 15; i++) { const t0 = performance.now(); const c = tf.matMul(a, b, ta, tb); c.dataSync(); c.dispose(); t.push(performance.now() - t0); }
  t.sort((p, q) => p - q);
  console.log(name, t[7]!.toFixed(2), 'ms', (2 * 200 * 3072 * 100 / t[7]! / 1e6).toFixed(1), 'GFLOP/s');
}
const w = r([100, 3072]); const g = r([100, 3072]);
for (let i = 0; i < 3; i++) tf.tidy(() => tf.sub(w, tf.mul(g, 1e-3)));
let t0 = performance.now(); for (let i = 0; i < 20; i++) tf.tidy(() => tf.sub(w, tf.mul(g, 1e-3)).dataSync()); console.log('sgd update', ((performance.now() - t0) / 20).toFixed(2), 'ms');
