// The line protocol between the runner and its worker processes (Node and Python alike).
// The runner writes one JSON command per line on the worker's stdin; the worker answers each with
// one line `@@bench <json>` on stdout (other stdout lines — library chatter — are ignored).
export const MARK = '@@bench ';

export type Command =
  | { cmd: 'run'; warmup: number; reps: number }
  /** Per-kernel profile of `reps` repetitions: tf.profile and the WASM matMul peak (Node), torch.profiler's aten ops (PyTorch; no peak). */
  | { cmd: 'profile'; reps: number }
  | { cmd: 'end' };

export interface ReadyReply {
  ready: true;
  /** Versions and settings the worker reports (backend, SIMD, threads, numpy/torch versions). */
  info: Record<string, unknown>;
}
export interface RunReply {
  samples: number[];
  /** tfjs tensors left over by the timed repetitions (should be 0). */
  leaked?: number;
}
export interface EndReply {
  peak_rss_mib: number;
}
export interface ErrorReply {
  error: string;
}
