// Python's repr of the numbers and tuples PyTorch's `extra_repr` prints (1.0, 1e-05, (3, 3), True).

/** A float as Python prints it: 1.0, 0.1, 1e-05. */
export function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  if (x !== 0 && Math.abs(x) < 1e-4) {
    const [m, e] = x.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    return `${m}e${sign}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return String(x);
}

export const pyBool = (b: boolean): string => (b ? 'True' : 'False');

export const pyTuple = (values: readonly number[]): string => `(${values.join(', ')}${values.length === 1 ? ',' : ''})`;
