import { describe, expect, it } from 'vitest';
import { plan } from './plan.js';
import { refName } from './report.js';

describe('the threaded Backprop cells', () => {
  it('are planned for the conv workloads when the machine has more than one core, and PyTorch on the same threads is compared with both', () => {
    const cnn = plan({ quick: false, evalBatch: 500 }, 2).find((w) => w.id === 'cnn-step')!;
    expect(cnn.cells.find((c) => c.id === 'bp-2t')).toMatchObject({ runtime: 'node', impl: 'backprop', threads: 2 });
    expect(cnn.cells.find((c) => c.id === 'torch')!.ref).toEqual(['bp', 'bp-2t']);
    expect(cnn.cells.find((c) => c.id === 'torch-1t')!.ref).toEqual(['bp']);
    const single = plan({ quick: false, evalBatch: 500 }, 1).flatMap((w) => w.cells);
    expect(single.some((c) => c.id.endsWith('t') && c.impl === 'backprop')).toBe(false);
  });

  it('are named by their thread count in the ratio column', () => {
    expect(refName('bp')).toBe('Backprop');
    expect(refName('bp-2t')).toBe('2 threads');
    expect(refName('bp-manual-2t')).toBe('manual, 2 threads');
    expect(refName('bp-manual')).toBe('manual');
  });
});
