// The CNN of Part 4 of docs/reference-settings.md, a pre-activation ResNet/VGG hybrid, on NHWC input [N, 32, 32, C]:
//   conv0 3→64 3×3 pad 1 · PreAct(64) · conv1 1×1 64→128 · maxpool 3/2/1 · PreAct(128) ×2 ·
//   conv2 1×1 128→256 · maxpool · PreAct(256) ×2 · conv3 1×1 256→512 · maxpool · PreAct(512) ×2 ·
//   maxpool · PreAct(512) ×2 · maxpool · BN · ReLU · Linear 512→10.
// Names follow the PyTorch reference (fixtures/torch_reference.py): `features.<i>.…` for the
// Sequential body (Flatten is its last entry) and `classifier.weight/bias` for the Linear head.
import { positiveInt, Rng, shapeStr, tf } from '@backprop/tensor';
import { ReLU } from './activations.js';
import { BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import { MaxPool2d } from './max-pool2d.js';
import { rngFrom, type InitOptions } from './init.js';
import { Module } from './module.js';
import { PreActBlock } from './pre-act-block.js';
import { Sequential } from './sequential.js';

/** Initial weights: PyTorch's default initialisation from `seed` (default 42) or `rng` (InitOptions). */
export type ConvNetOptions = InitOptions;

export class ConvNet extends Module {
  readonly features: Sequential;
  readonly classifier: Linear;

  constructor(readonly nChannels = 3, readonly nClasses = 10, init: ConvNetOptions = {}) {
    super();
    positiveInt('ConvNet', 'nChannels', nChannels);
    positiveInt('ConvNet', 'nClasses', nClasses);
    const rng = rngFrom('ConvNet', init, () => new Rng(42));
    const pool = () => new MaxPool2d(3, 2, 1);
    const block = (c: number) => new PreActBlock(c, { rng });
    this.features = this.registerModule(
      'features',
      new Sequential(
        new Conv2d(nChannels, 64, 3, { padding: 1, rng }), // 0 conv0
        block(64), // 1
        new Conv2d(64, 128, 1, { rng }), // 2 conv1
        pool(), // 3
        block(128), // 4
        block(128), // 5
        new Conv2d(128, 256, 1, { rng }), // 6 conv2
        pool(), // 7
        block(256), // 8
        block(256), // 9
        new Conv2d(256, 512, 1, { rng }), // 10 conv3
        pool(), // 11
        block(512), // 12
        block(512), // 13
        pool(), // 14
        block(512), // 15
        block(512), // 16
        pool(), // 17
        new BatchNorm2d(512), // 18
        new ReLU(), // 19
        new Flatten(), // 20
      ),
    );
    this.classifier = this.registerModule('classifier', new Linear(512, nClasses, { rng }));
  }

  /** x: NHWC float32 [N, 32, 32, nChannels] → logits [N, nClasses]. */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4 || x.shape[1] !== 32 || x.shape[2] !== 32 || x.shape[3] !== this.nChannels) {
      throw new Error(`ConvNet.forward: x must have shape [N, 32, 32, ${this.nChannels}] (NHWC), got ${shapeStr(x.shape)}`);
    }
    return tf.tidy(() => this.classifier.forward(this.features.forward(x)));
  }
}
