import { describe, expect, it } from 'vitest';
import type { CellResult } from './run-workload.js';
import { evaluateTargets } from './targets.js';

const cell = (id: string, ms: number | null, error?: string): CellResult => ({
  id, label: id, impl: 'x', runtime: 'node', size: 1, scale: 1, ms, samples: ms == null ? [] : [ms], peakRssMib: null, ref: [], info: {}, error,
});

describe('evaluateTargets', () => {
  it('checks "at most N× the peer" as Backprop ÷ peer and says by how much it is missed', () => {
    const [t] = evaluateTargets([{ id: 'cnn-step', cells: [cell('bp', 10_000), cell('torch', 2_000)] }]);
    expect(t).toMatchObject({ name: 'CNN step ≤ 4× PyTorch CPU', value: 5, met: false });
    expect(t!.off).toBeCloseTo(1.25);
  });

  it('checks "N× faster than the peer" as peer ÷ Backprop', () => {
    const r = evaluateTargets([{ id: 'mlp', cells: [cell('bp-manual', 50), cell('numpy', 10), cell('cpu-manual', 2_000)] }]);
    const faster = r.find((t) => t.peer === 'cpu-manual')!;
    expect(faster).toMatchObject({ value: 40, met: true });
    expect(r.find((t) => t.peer === 'numpy')).toMatchObject({ value: 5, met: true });
    // bp-layers and cpu-layers are absent: those targets are not listed at all.
    expect(r.some((t) => t.bp === 'bp-layers')).toBe(false);
  });

  it('reports a cell that could not run instead of a ratio', () => {
    const [, t] = evaluateTargets([{ id: 'cnn-step', cells: [cell('bp', 10_000), cell('torch', 2_000), cell('cpu', null, 'no kernel')] }]);
    expect(t).toMatchObject({ peer: 'cpu', value: null, met: null, why: 'no kernel' });
  });

  it('adds the like-for-like row for Backprop on every core where the run has that cell', () => {
    const r = evaluateTargets([{ id: 'cnn-step', cells: [cell('bp', 10_000), cell('bp-2t', 6_000), cell('torch', 2_000), cell('cpu', 200_000)] }]);
    expect(r.map((t) => [t.name, t.value])).toEqual([
      ['CNN step ≤ 4× PyTorch CPU (Backprop 1 thread)', 5],
      ['CNN step ≤ 4× PyTorch CPU (Backprop 2 threads)', 3],
      ['CNN step ≥ 10× faster than tfjs-cpu', 20],
    ]);
  });
});
