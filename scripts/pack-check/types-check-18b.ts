// The second half of issue 18's must-show, type-checked by pack-check like types-check.ts:
// clipGradNorm on named gradients, AdamW with CosineAnnealingLR, and the DataLoader with
// augmentation, written as a user would.
import { DataLoader, DataSet, compose, normalize, randomCrop, randomHorizontalFlip, type Batch } from '@backprop/data';
import { AdamW, clipGradNorm, CosineAnnealingLR, CrossEntropyLoss, MLP, namedGradients } from '@backprop/layers';
import { initBackend, tf } from '@backprop/tensor';

export async function typesCheck18b(images: Uint8Array, labels: Uint8Array): Promise<number> {
  await initBackend();
  const train = new DataSet({ images, labels, length: labels.length, shape: [3, 32, 32] }, { layout: 'nhwc' });
  const loader = new DataLoader(train, {
    batch_size: 8,
    shuffle: true,
    seed: 1,
    transform: compose(randomCrop({ padding: 4 }), randomHorizontalFlip(), normalize({ mean: [125, 123, 114], std: [63, 62, 66] })),
  });
  const model = new MLP(3072, [32], 10, { seed: 1 });
  const ce = new CrossEntropyLoss();
  const opt = new AdamW(model, { lr: 1e-3, weight_decay: 1e-2 }); // the Module: gradients by its PyTorch names
  const scheduler = new CosineAnnealingLR(opt, { T_max: 10 });
  let last = 0;
  for (const batch of loader) {
    const b: Batch = batch;
    const x = tf.tensor4d(b.x, b.xShape as [number, number, number, number]);
    const y = tf.tensor2d(b.y as Float32Array, b.yShape as [number, number]);
    const { value, grads } = namedGradients(model, () => ce.forward(model.forward(x), y));
    const norm: number = clipGradNorm(grads, 1.0);
    opt.applyGradients(grads);
    last = value.dataSync()[0]! + norm;
    tf.dispose([x, y, value, ...grads.values()]);
  }
  scheduler.step();
  return last;
}
