// backprop gradcheck [module…]: the gradient-check table.
import { gradCheckAll } from '@backprop/layers';
import type { GradCheckRow } from '@backprop/manual';
import { initBackend } from '@backprop/tensor';
import { parse, seedValue } from '../args.js';
import { GRADCHECK_HELP } from '../help.js';
import type { Io } from '../io.js';
import { formatTable } from '../table.js';

export function gradcheckTable(rows: GradCheckRow[]): string {
  return formatTable(
    ['module', 'input/param', 'check', 'cases', 'max rel. error', 'tolerance', 'pass'],
    rows.map((r) => [
      r.module,
      r.name,
      r.check,
      String(r.cases),
      r.maxRelError.toExponential(2),
      // Says when the absolute floor for values near zero, not the relative rule, passed some entries.
      r.nearZero ? `${r.tolerance} (${r.nearZero} entr${r.nearZero === 1 ? 'y' : 'ies'} judged near 0)` : r.tolerance,
      r.pass ? 'yes' : 'NO',
    ]),
    new Set([3, 4]),
  );
}

export async function gradcheckCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { seed: { type: 'string' }, 'no-float32': { type: 'boolean' } }, 'gradcheck');
  if (values.help) {
    io.stdout.write(GRADCHECK_HELP);
    return 0;
  }
  const seed = values.seed === undefined ? 42 : seedValue('--seed', values.seed as string, 'gradcheck');
  const float32 = values['no-float32'] !== true;
  if (float32) await initBackend();
  const filter = positionals.length > 0 ? positionals : undefined;
  const rows = gradCheckAll({ seed, float32, filter });
  if (rows.length === 0) {
    io.stderr.write(`backprop gradcheck: no module matches ${positionals.map((p) => `'${p}'`).join(', ')}\n`);
    return 2;
  }
  io.stdout.write(`${gradcheckTable(rows)}\n`);
  const failed = rows.filter((r) => !r.pass).length;
  io.stdout.write(failed === 0 ? `all ${rows.length} checks pass\n` : `${failed} of ${rows.length} checks FAIL\n`);
  return failed === 0 ? 0 : 1;
}
