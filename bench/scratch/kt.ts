import { initBackend, Rng, tf } from '@backprop/tensor';
const threads = Number(process.argv[2] ?? 1);
await initBackend({ threads });
const rng = new Rng(7);
const rand = (shape: number[]) => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))), shape);
const shapes: [number, number, number, number][] = [[32, 3, 64, 3], [32, 64, 64, 3], [16, 128, 128, 3], [8, 256, 256, 3], [4, 512, 512, 3], [2, 512, 512, 3], [32, 64, 128, 1]];
for (const [size, inC, outC, k] of shapes) {
  const x = rand([32, size, size, inC]) as tf.Tensor4D;
  const w = rand([k, k, inC, outC]) as tf.Tensor4D;
  const dy = rand([32, size, size, outC]) as tf.Tensor4D;
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined } as never;
  const ops: Record<string, () => tf.Tensor> = {
    fwd: () => tf.conv2d(x, w, 1, 'same'),
    bpi: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...(attrs as object), inputShape: x.shape } as never) as tf.Tensor,
    bpf: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...(attrs as object), filterShape: w.shape } as never) as tf.Tensor,
  };
  const row: string[] = [];
  for (const [name, f] of Object.entries(ops)) {
    f().dispose();
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) { const o = f(); o.dataSync(); o.dispose(); }
    row.push(`${name} ${((performance.now() - t0) / 3).toFixed(1)}`);
  }
  console.log(`${size}x${size} ${inC}->${outC} k${k}: ${row.join('  ')}`);
  tf.dispose([x, w, dy]);
}
