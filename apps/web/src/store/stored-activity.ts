// The per-layer statistics kept with a run in IndexedDB, so a stored run shows its layer-activity
// view again. A run observes about 100 steps (worker/run-session.ts), but continuing a run adds
// more each time; the record keeps at most MAX_STORED_ACTIVITY, evenly thinned, the first and last kept.
import type { StepStats } from '@backprop/train';

/** About 2 KiB a step for the CNN's 21 layers: at most some 400 KiB a record. */
export const MAX_STORED_ACTIVITY = 200;

/** `history` if it has at most `max` steps, else `max` of them spread evenly, first and last included. */
export function thinActivity(history: readonly StepStats[], max = MAX_STORED_ACTIVITY): StepStats[] {
  if (!Number.isInteger(max) || max < 2) throw new Error(`thinActivity: max must be an integer ≥ 2, got ${max}`);
  if (history.length <= max) return [...history];
  const last = history.length - 1;
  return Array.from({ length: max }, (_, i) => history[Math.round((i * last) / (max - 1))]!);
}
