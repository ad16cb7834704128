// Every gradient check Backprop has, in one list: @backprop/manual's (float64 numerical vs the
// hand-derived backwards, float32 tfjs vs float64) and, with float32, the two trainable LayerNorms
// of this package against the float64 derivation. The one source of the rows `backprop gradcheck`
// prints, the web page shows and the README counts.
import { gradCheckAll as manualGradCheckAll, type GradCheckAllOptions, type GradCheckRow } from '@backprop/manual';
import { layerNormRows } from './layer-norm-checks.js';

/** `@backprop/manual`'s gradCheckAll plus (unless `float32: false`) the layers LayerNorm rows. Needs `initBackend()` for float32. */
export function gradCheckAll(options: GradCheckAllOptions = {}): GradCheckRow[] {
  const rows = manualGradCheckAll(options);
  if (options.float32 === false) return rows;
  const { filter } = options;
  const texts = filter == null ? null : (typeof filter === 'string' ? [filter] : filter).map((f) => f.toLowerCase());
  const wanted = (module: string) => texts == null || texts.some((f) => module.toLowerCase().includes(f));
  if (!['layernormautograd', 'layernormmanual'].some(wanted)) return rows;
  return [...rows, ...layerNormRows(options.seed ?? 42).filter((r) => wanted(r.module))];
}
