// torch.nn.Sequential: children named "0", "1", … applied in order.
import { tf } from '@backprop/tensor';
import { Module } from './module.js';

export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(...modules: Module[]) {
    super();
    this.layers = modules.map((m, i) => this.registerModule(String(i), m));
  }

  get length(): number {
    return this.layers.length;
  }

  /** The i-th child. */
  at(i: number): Module {
    const m = this.layers[i];
    if (m == null) throw new Error(`Sequential.at: index must be in [0, ${this.layers.length}), got ${i}`);
    return m;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.forward(h), x));
  }
}
