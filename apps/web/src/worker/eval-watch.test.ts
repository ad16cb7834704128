import type { Batch } from '@backprop/data';
import type { EvalSums, TrainableModel } from '@backprop/train';
import { describe, expect, it } from 'vitest';
import { EvalWatch, EvaluationStopped } from './eval-watch.js';

const batch = (labels: number[]): Batch => ({ x: new Float32Array(0), xShape: [labels.length], y: new Uint8Array(labels), yShape: [labels.length], labels: new Uint8Array(labels), size: labels.length });
const model = { description: 'fake', evaluate: (b: Batch): EvalSums => ({ lossSum: b.size, correct: 0, predicted: Int32Array.from(b.labels, (l) => (l + 1) % 3) }) } as unknown as TrainableModel;

describe('EvalWatch', () => {
  it('reports progress after each chunk and keeps the predictions of a whole pass', () => {
    const seen: number[] = [];
    const watch = new EvalWatch(5, { progress: (done) => seen.push(done), shouldStop: () => false });
    const m = watch.wrap(model);
    expect(m.description).toBe('fake'); // everything else is the model's own
    m.evaluate(batch([0, 1]));
    m.evaluate(batch([2, 0]));
    expect(watch.predicted).toHaveLength(0); // not a whole pass yet
    m.evaluate(batch([1]));
    expect(seen).toEqual([0, 2, 4, 5]);
    expect([...watch.predicted]).toEqual([1, 2, 0, 1, 2]);
    expect([...watch.labels]).toEqual([0, 1, 2, 0, 1]);
  });

  it('throws EvaluationStopped between chunks once a stop is asked for, and starts over after', () => {
    let stop = false;
    const watch = new EvalWatch(6, { progress: () => {}, shouldStop: () => stop });
    const m = watch.wrap(model);
    m.evaluate(batch([0, 1]));
    stop = true;
    expect(() => m.evaluate(batch([2, 0]))).toThrow(EvaluationStopped);
    stop = false;
    m.evaluate(batch([0, 0]));
    m.evaluate(batch([1, 1]));
    m.evaluate(batch([2, 2]));
    expect([...watch.labels]).toEqual([0, 0, 1, 1, 2, 2]);
  });
});
