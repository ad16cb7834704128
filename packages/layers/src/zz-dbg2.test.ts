import { initBackend, tf, Rng, randomNormal } from '@backprop/tensor';
import { it } from 'vitest';
it('dbg', async () => {
  await initBackend();
  for (const shift of [5, -5]) {
    const x = tf.add(randomNormal([1, 4, 4, 1], new Rng(1)), shift);
    for (const [k, s] of [[2, 2], [3, 2], [3, 1]] as const) {
      const g = () => tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, k, s, 0)))(x);
      const a = Array.from(g().dataSync());
      await tf.setBackend('cpu');
      const b = Array.from(g().dataSync());
      await tf.setBackend('wasm');
      console.log(`shift ${shift} k${k} s${s}: wasm [${a.join(' ')}] cpu [${b.join(' ')}]`);
    }
  }
});
