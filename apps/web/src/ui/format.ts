// How the page writes times and speeds: s/step for slow presets (a CNN step takes seconds here),
// steps/s for fast ones, durations in h/min/s.

/** '2.31 s/step' below one step per second, '19.0 steps/s' above; '—' before the first timing. */
export function formatSpeed(msPerStep: number | null): string {
  if (msPerStep == null || !(msPerStep > 0) || !Number.isFinite(msPerStep)) return '—';
  if (msPerStep >= 1000) return `${(msPerStep / 1000).toFixed(2)} s/step`;
  const sps = 1000 / msPerStep;
  return `${sps >= 100 ? sps.toFixed(0) : sps.toFixed(1)} steps/s`;
}

/** '3 h 05 min', '4 min 07 s', '12 s'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The ETA read-out; says so when the evaluations still due are not in it yet. */
export function formatEta(etaMs: number | null, includesEval: boolean): string {
  if (etaMs == null) return '—';
  return includesEval ? formatDuration(etaMs) : `${formatDuration(etaMs)} + evaluations`;
}
