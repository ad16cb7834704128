// Plain SGD, θ ← θ − lr·∇θ, updating each parameter in place (ops.assign: tf.Variable.assign on
// the tf path), so a step allocates nothing that outlives it. Called as @backprop/layers' SGD is,
// `new SGD(params, { lr })`; momentum and weight decay live there (this one is Part 1 of docs/reference-settings.md's).
import type { tf } from '@backprop/tensor';
import type { ModuleOptions, ParamRef } from './module.js';
import { opsOf } from './init.js';
import type { Ops } from './ops.js';

export interface SGDOptions<T> extends ModuleOptions<T> {
  lr: number;
}

export class SGD<T = tf.Tensor> {
  readonly ops: Ops<T>;
  private rate: number;

  constructor(
    readonly params: readonly ParamRef<T>[],
    options: SGDOptions<T>,
  ) {
    if (options == null || typeof options !== 'object') throw new Error(`SGD: options must be an object { lr }, got ${String(options)} (SGD(params, { lr }))`);
    const { lr, ops, ...rest } = options;
    const unknown = Object.keys(rest)[0];
    if (unknown != null) throw new Error(`SGD: unknown option '${unknown}'; the manual SGD takes lr (and ops); momentum and weight_decay are @backprop/layers' SGD`);
    this.rate = checkLr('SGD', lr);
    this.ops = opsOf({ ops });
  }

  /** The learning rate, read at every step; settable (`sgd.lr = 0.01`). */
  get lr(): number {
    return this.rate;
  }

  set lr(lr: number) {
    this.rate = checkLr('SGD.lr', lr);
  }

  /** The same as `sgd.lr = lr` (the name @backprop/layers' optimizers also have). */
  setLearningRate(lr: number): void {
    this.rate = checkLr('SGD.setLearningRate', lr);
  }

  step(): void {
    const { ops } = this;
    ops.tidy(() => {
      for (const { param, grad } of this.params) ops.assign(param, ops.sgdStep(param, grad, this.lr));
    });
  }
}

function checkLr(op: string, lr: unknown): number {
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) throw new Error(`${op}: lr must be a positive finite number, got ${String(lr)}`);
  return lr;
}
