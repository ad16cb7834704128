import { initBackend, tf, Rng } from '@backprop/tensor';
await initBackend();
const rng = new Rng(1);
const r = (s: number[]) => tf.tensor(rng.fillNormal(new Float32Array(s[0]! * s[1]!)), s);
const w = r([100, 3072]); const g = r([100, 3072]);
for (const [name, f] of [['mul scalar', () => tf.mul(g, 1e-3)], ['sub', () => tf.sub(w, g)], ['add', () => tf.add(w, g)], ['mul', () => tf.mul(w, g)]] as const) {
  for (let i = 0; i < 3; i++) tf.tidy(f);
  const t0 = performance.now(); for (let i = 0; i < 20; i++) tf.tidy(f); console.log(name, ((performance.now() - t0) / 20).toFixed(3), 'ms');
}
