// The trainer evaluates the whole test set in one synchronous call (@backprop/train's evaluate,
// chunk by chunk through model.evaluate). The page must stay in charge during those seconds to
// minutes: this wraps the model handed to train() so that between chunks the evaluation reports
// its progress, honours Pause (blocks on the shared control word) and Stop (throws
// EvaluationStopped, which the session turns into a stopped run), and records each test image's
// predicted class for the misclassified gallery.
import type { Batch } from '@backprop/data';
import type { EvalSums, TrainableModel } from '@backprop/train';

/** Thrown out of model.evaluate when Stop arrives mid-evaluation; the run ends 'stopped'. */
export class EvaluationStopped extends Error {
  override name = 'EvaluationStopped';
  constructor(readonly examplesDone: number) {
    super(`evaluation stopped after ${examplesDone} test images`);
  }
}

export interface EvalWatchHooks {
  /** After each chunk: `done` of `total` test images evaluated. */
  progress(done: number, total: number): void;
  /** After each chunk: blocks while paused; returns true when the run must stop. */
  shouldStop(): boolean;
}

export class EvalWatch {
  /** Predicted class per position of the test set's order, for the latest complete pass. */
  predicted: Int32Array;
  /** True class per position (as the batches gave them), to check the order assumption. */
  labels: Uint8Array;
  private next: Int32Array;
  private nextLabels: Uint8Array;
  private offset = 0;

  constructor(
    private readonly testLength: number,
    private readonly hooks: EvalWatchHooks,
  ) {
    this.predicted = new Int32Array(0);
    this.labels = new Uint8Array(0);
    this.next = new Int32Array(testLength);
    this.nextLabels = new Uint8Array(testLength);
  }

  /** The model as train() should see it: every method the model's own, evaluate watched. */
  wrap(model: TrainableModel): TrainableModel {
    const evaluate = (batch: Batch): EvalSums => this.evaluateChunk(model, batch);
    return new Proxy(model, {
      get(target, prop) {
        if (prop === 'evaluate') return evaluate;
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Forget a pass that did not finish (stopped, failed). */
  reset(): void {
    this.offset = 0;
  }

  private evaluateChunk(model: TrainableModel, batch: Batch): EvalSums {
    if (this.offset === 0) {
      this.hooks.progress(0, this.testLength);
      if (this.hooks.shouldStop()) throw new EvaluationStopped(0);
    }
    const sums = model.evaluate(batch);
    if (this.offset + batch.size <= this.testLength) {
      this.next.set(sums.predicted, this.offset);
      this.nextLabels.set(batch.labels, this.offset);
    }
    this.offset += batch.size;
    const done = this.offset;
    if (done >= this.testLength) {
      // A whole pass: it becomes the one the gallery reads.
      [this.predicted, this.next] = [this.next, this.predicted.length === this.testLength ? this.predicted : new Int32Array(this.testLength)];
      [this.labels, this.nextLabels] = [this.nextLabels, this.labels.length === this.testLength ? this.labels : new Uint8Array(this.testLength)];
      this.offset = 0;
      this.hooks.progress(done, this.testLength);
      return sums;
    }
    this.hooks.progress(done, this.testLength);
    if (this.hooks.shouldStop()) {
      const n = this.offset;
      this.offset = 0;
      throw new EvaluationStopped(n);
    }
    return sums;
  }
}
