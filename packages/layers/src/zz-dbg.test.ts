import { initBackend, tf } from '@backprop/tensor';
import { it } from 'vitest';
function ref(x: Float32Array, [n, h, w, c]: number[], k: number, s: number, p: number, dyFn: (i: number) => number) {
  const oh = Math.floor((h + 2 * p - k) / s) + 1, ow = Math.floor((w + 2 * p - k) / s) + 1;
  const dx = new Float64Array(x.length);
  let o = 0;
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let ch = 0; ch < c; ch++, o++) {
    let best = -Infinity, at = -1;
    for (let di = 0; di < k; di++) for (let dj = 0; dj < k; dj++) {
      const r = i * s - p + di, q = j * s - p + dj;
      if (r < 0 || q < 0 || r >= h || q >= w) continue;
      const idx = ((b * h + r) * w + q) * c + ch;
      if (x[idx]! > best) { best = x[idx]!; at = idx; }
    }
    if (process.env.OVERWRITE) dx[at] = dyFn(o); else dx[at] += dyFn(o);
  }
  return dx;
}
it('dbg', async () => {
  await initBackend();
  for (const [h, c, pad] of [[4, 2, 1], [8, 3, 1], [32, 64, 1], [32, 64, 0], [3, 1, 0]] as const) {
    const x = tf.randomNormal([2, h, h, c]);
    const g = () => tf.grad((v: tf.Tensor) => { const y = tf.maxPool(v as tf.Tensor4D, 3, 2, pad); return tf.sum(tf.mul(y, tf.range(1, y.size + 1).reshape(y.shape))); })(x);
    const a = g().dataSync();
    await tf.setBackend('cpu');
    const b = g().dataSync();
    await tf.setBackend('wasm');
    const r = ref(x.dataSync() as Float32Array, x.shape, 3, 2, pad, (o) => o + 1);
    let da = 0, db = 0; for (let i = 0; i < a.length; i++) { da = Math.max(da, Math.abs(a[i]! - r[i]!)); db = Math.max(db, Math.abs(b[i]! - r[i]!)); }
    console.log(`h ${h} c ${c} pad ${pad}: wasm vs ref ${da}, cpu vs ref ${db}`);
  }
});
