// ConvNetJS peer (npm `convnetjs`, plain JavaScript, one example at a time). It has no ELU,
// so the MLP step uses ReLU; the conv workload is one 3×3 64→64 layer at 32×32.
import { createRequire } from 'node:module';
import { Rng } from '@backprop/tensor';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const convnetjs: any = require('convnetjs');

/** One SGD step of 3072-100-10 ReLU at batch 200: ConvNetJS accumulates 200 examples, then updates. */
export function convnetjsMlpStep(): () => void {
  const rng = new Rng(3);
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 32, out_sy: 32, out_depth: 3 },
    { type: 'fc', num_neurons: 100, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: 1e-3, batch_size: 200, momentum: 0, l2_decay: 0 });
  const examples = Array.from({ length: 200 }, () => {
    const v = new convnetjs.Vol(32, 32, 3, 0.0);
    rng.fillNormal(v.w as Float64Array);
    return { v, label: rng.int(10) };
  });
  return () => {
    for (const { v, label } of examples) trainer.train(v, label);
  };
}

/** Forward + backward of one 3×3 64→64 conv (pad 1) on a batch of 32 images of 32×32. */
export function convnetjsConvStep(batch = 32): () => void {
  const rng = new Rng(4);
  const input = new convnetjs.InputLayer({ out_sx: 32, out_sy: 32, out_depth: 64 });
  const conv = new convnetjs.ConvLayer({ in_sx: 32, in_sy: 32, in_depth: 64, sx: 3, filters: 64, stride: 1, pad: 1 });
  void input;
  const images = Array.from({ length: batch }, () => {
    const v = new convnetjs.Vol(32, 32, 64, 0.0);
    rng.fillNormal(v.w as Float64Array);
    return v;
  });
  return () => {
    for (const v of images) {
      const out = conv.forward(v, true);
      out.dw = out.w.slice();
      conv.backward();
    }
  };
}
