// Compiled by pack-check with `tsc --strict` against the packed declarations, as a user's project
// would: the chained ops (x.add(1), x.argMax(1)) and a Scalar loss in `opt.step` must type-check.
import { CrossEntropyLoss, MLP, SGD } from '@backprop/layers';
import { Rng as DataRng } from '@backprop/random';
import { initBackend, randomNormal, Rng, tf } from '@backprop/tensor';

export async function typesCheck(): Promise<number> {
  await initBackend();
  const x: tf.Tensor2D = randomNormal([8, 4], new Rng(1)).add(1).mul(0.5).relu() as tf.Tensor2D;
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
  const model = new MLP(4, [8], 3, { seed: 1 });
  const ce = new CrossEntropyLoss();
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const loss: tf.Scalar = opt.step(() => ce.forward(model.forward(x), y));
  const predicted: tf.Tensor1D = model.forward(x).argMax(1);
  const perSample: tf.Tensor1D = new CrossEntropyLoss({ reduction: 'none' }).forward(model.forward(x), y);
  const same: Rng = new DataRng(3); // one Rng class, whichever package it is imported from
  return loss.dataSync()[0]! + predicted.size + perSample.size + same.uniform();
}
