// The curves of a run: the training loss of every step and the test metrics of every evaluation.
// Only numbers that follow from config + data go in here (no wall times), so the same seed gives
// byte-identical metrics.csv / metrics.json.

export interface TrainPoint {
  /** 1-based step whose batch this loss is of. */
  step: number;
  /** Mean loss over that step's batch (before its update). */
  loss: number;
}

export interface EvalPoint {
  /** Training steps done when the test set was evaluated (0 = before training). */
  step: number;
  /** Mean loss over the whole test set. */
  testLoss: number;
  /** Fraction of the whole test set classified correctly. */
  testAccuracy: number;
  /** Mean training loss of the steps since the previous evaluation (null at step 0). */
  trainLoss: number | null;
}

export interface MetricsHistory {
  train: TrainPoint[];
  eval: EvalPoint[];
}

export const emptyMetrics = (): MetricsHistory => ({ train: [], eval: [] });

export const cloneMetrics = (m: MetricsHistory): MetricsHistory => ({ train: m.train.map((p) => ({ ...p })), eval: m.eval.map((p) => ({ ...p })) });

/** Mean of the train losses with step in (after, upTo]; null when there are none. */
export function meanTrainLoss(m: MetricsHistory, after: number, upTo: number): number | null {
  let sum = 0;
  let n = 0;
  for (let i = m.train.length - 1; i >= 0; i--) {
    const p = m.train[i]!;
    if (p.step <= after) break;
    if (p.step <= upTo) {
      sum += p.loss;
      n++;
    }
  }
  return n === 0 ? null : sum / n;
}

/**
 * One row per step (0 … last): `step,train_loss,test_loss,test_accuracy`; the test columns are
 * filled at evaluated steps only, train_loss is empty at step 0. Numbers in full precision.
 */
export function metricsToCsv(m: MetricsHistory): string {
  const rows = new Map<number, [string, string, string]>();
  const row = (step: number) => {
    let r = rows.get(step);
    if (!r) rows.set(step, (r = ['', '', '']));
    return r;
  };
  for (const p of m.train) row(p.step)[0] = String(p.loss);
  for (const p of m.eval) {
    const r = row(p.step);
    r[1] = String(p.testLoss);
    r[2] = String(p.testAccuracy);
  }
  const lines = ['step,train_loss,test_loss,test_accuracy'];
  for (const step of [...rows.keys()].sort((a, b) => a - b)) lines.push(`${step},${rows.get(step)!.join(',')}`);
  return `${lines.join('\n')}\n`;
}

/** Parses `metricsToCsv` output back (used by tests and `--resume` checks). */
export function metricsFromCsv(csv: string): MetricsHistory {
  const [header, ...lines] = csv.trim().split('\n');
  if (header !== 'step,train_loss,test_loss,test_accuracy') throw new Error(`metricsFromCsv: unexpected header '${header}'`);
  const m = emptyMetrics();
  for (const line of lines) {
    const [step, train, testLoss, testAcc] = line.split(',');
    const s = Number(step);
    if (train) m.train.push({ step: s, loss: Number(train) });
    if (testLoss && testAcc) m.eval.push({ step: s, testLoss: Number(testLoss), testAccuracy: Number(testAcc), trainLoss: null });
  }
  for (const [i, p] of m.eval.entries()) p.trainLoss = i === 0 && p.step === 0 ? null : meanTrainLoss(m, i === 0 ? 0 : m.eval[i - 1]!.step, p.step);
  return m;
}
