// The curves of a run: the training loss of every step and the test metrics of every evaluation.
// Only numbers that follow from config + data go in here (no wall times), so the same seed gives
// byte-identical metrics.csv / metrics.json.
//
// Non-finite numbers (a diverged run's NaN loss, an infinite test loss) are written the same way
// everywhere: `NaN`, `Infinity`, `-Infinity` — bare in metrics.csv, as JSON strings in metrics.json
// and in a checkpoint's metadata (JSON has no NaN; JSON.stringify would write null, and null already
// means "no value", e.g. trainLoss at step 0). `metricsFromJson` reads them back as numbers.

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

/** Why a run stopped training: its loss or its parameters became NaN or ±Infinity. */
export interface Divergence {
  /** The step whose loss (or update) was non-finite; the run stopped there. */
  step: number;
  /** 'loss': the step's training loss was non-finite; 'parameters': the loss was finite, the update was not. */
  cause: 'loss' | 'parameters';
  /** That step's training loss. */
  loss: number;
}

export interface MetricsHistory {
  train: TrainPoint[];
  eval: EvalPoint[];
  /** Present when the run diverged (the last train point is the diverging step). */
  diverged?: Divergence;
}

export const emptyMetrics = (): MetricsHistory => ({ train: [], eval: [] });

export const cloneMetrics = (m: MetricsHistory): MetricsHistory => ({
  train: m.train.map((p) => ({ ...p })),
  eval: m.eval.map((p) => ({ ...p })),
  ...(m.diverged ? { diverged: { ...m.diverged } } : {}),
});

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** JSON of `m` with NaN / ±Infinity as the strings "NaN", "Infinity", "-Infinity". */
export function metricsToJson(m: MetricsHistory): string {
  return JSON.stringify(m, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** Reads `metricsToJson` (also files written before it, where JSON.stringify had turned NaN/±Infinity into null). */
export function metricsFromJson(json: string): MetricsHistory {
  const raw = JSON.parse(json) as { train?: unknown; eval?: unknown; diverged?: unknown };
  if (raw == null || !Array.isArray(raw.train) || !Array.isArray(raw.eval)) throw new Error('metricsFromJson: expected an object with train and eval arrays');
  const num = (v: unknown, what: string, nullIs: number | null): number | null => {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && NON_FINITE.has(v)) return Number(v);
    if (v === null) return nullIs;
    throw new Error(`metricsFromJson: ${what} must be a number, 'NaN', 'Infinity' or '-Infinity', got ${JSON.stringify(v)}`);
  };
  // A null loss or test metric can only be an old file's NaN/±Infinity: read it as NaN.
  const m: MetricsHistory = {
    train: (raw.train as Array<Record<string, unknown>>).map((p, i) => ({ step: Number(p.step), loss: num(p.loss, `train[${i}].loss`, NaN)! })),
    eval: (raw.eval as Array<Record<string, unknown>>).map((p, i) => ({
      step: Number(p.step),
      testLoss: num(p.testLoss, `eval[${i}].testLoss`, NaN)!,
      testAccuracy: num(p.testAccuracy, `eval[${i}].testAccuracy`, NaN)!,
      trainLoss: num(p.trainLoss, `eval[${i}].trainLoss`, null),
    })),
  };
  if (raw.diverged != null) {
    const d = raw.diverged as Record<string, unknown>;
    m.diverged = { step: Number(d.step), cause: d.cause === 'parameters' ? 'parameters' : 'loss', loss: num(d.loss, 'diverged.loss', NaN)! };
  }
  return m;
}

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
