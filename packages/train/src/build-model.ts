// From a config (and the data's shape) to the TrainableModel it names.
import { Adam, ConvNet, MLP, SGD, type Module, type Optimizer } from '@backprop/layers';
import type { TrainConfig } from './config.js';
import { LayersModel } from './layers-model.js';
import { ManualMlpModel } from './manual-mlp-model.js';
import type { TrainableModel } from './trainable-model.js';

export interface DataShape {
  /** [C, H, W] of one record. */
  recordShape: readonly [number, number, number];
  nClasses: number;
}

/** The batch layout a model kind reads. */
export function layoutFor(config: Pick<TrainConfig, 'model'>): 'flat' | 'nhwc' {
  return config.model === 'cnn' ? 'nhwc' : 'flat';
}

function makeOptimizer(config: TrainConfig, module: Module): Optimizer {
  return config.optimizer === 'adam' ? new Adam(module, { lr: config.learningRate }) : new SGD(module, { lr: config.learningRate });
}

export function buildModel(config: TrainConfig, { recordShape, nClasses }: DataShape): TrainableModel {
  const [c, h, w] = recordShape;
  const nInputs = c * h * w;
  const optimizerText = `${config.optimizer === 'adam' ? 'Adam' : 'SGD'} lr ${config.learningRate}`;
  switch (config.model) {
    case 'manual-mlp':
      return new ManualMlpModel({ nInputs, hiddenUnits: config.hiddenUnits, nClasses, activation: config.activation, learningRate: config.learningRate, seed: config.seed });
    case 'mlp': {
      const module = new MLP(nInputs, [...config.hiddenUnits], nClasses, {
        activation: config.activation,
        batchNorm: config.norm === 'batch',
        layerNorm: config.norm === 'layer',
        seed: config.seed,
      });
      const norm = config.norm === 'none' ? '' : ` + ${config.norm === 'batch' ? 'BatchNorm1d' : 'LayerNorm'}`;
      return new LayersModel({
        module,
        optimizer: makeOptimizer(config, module),
        layout: 'flat',
        numClasses: nClasses,
        description: `autograd MLP ${[nInputs, ...config.hiddenUnits, nClasses].join('-')} (${config.activation}${norm}), ${optimizerText}`,
      });
    }
    case 'cnn': {
      if (h !== 32 || w !== 32) throw new Error(`buildModel: the cnn needs 32×32 images, got ${h}×${w}`);
      const module = new ConvNet(c, nClasses, { seed: config.seed });
      return new LayersModel({ module, optimizer: makeOptimizer(config, module), layout: 'nhwc', numClasses: nClasses, description: `pre-activation CNN (reference settings, Part 4), ${optimizerText}` });
    }
    default:
      throw new Error(`buildModel: unknown model '${String(config.model)}'`);
  }
}
