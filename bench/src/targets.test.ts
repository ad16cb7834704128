import { describe, expect, it } from 'vitest';
import type { CellResult } from './run-workload.js';
import type { StepProfile } from './kernel-profile.js';
import { cellsProfiledForTargets, evaluateTargets } from './targets.js';

const cell = (id: string, ms: number | null, error?: string): CellResult => ({
  id, label: id, impl: 'x', runtime: 'node', size: 1, scale: 1, ms, samples: ms == null ? [] : [ms], peakRssMib: null, ref: [], info: {}, error,
});

describe('evaluateTargets', () => {
  it('checks "at most N× the peer" as Backprop ÷ peer at the same thread count, and says by how much it is missed', () => {
    const [t] = evaluateTargets([{ id: 'cnn-step', cells: [cell('bp', 2_500), cell('torch-1t', 1_000)] }]);
    expect(t).toMatchObject({ name: 'CNN step ≤ 2× PyTorch CPU, both 1 thread', value: 2.5, met: false });
    expect(t!.off).toBeCloseTo(1.25);
  });

  it('checks "N× faster than the peer" as peer ÷ Backprop', () => {
    const r = evaluateTargets([{ id: 'mlp', cells: [cell('bp-manual', 50), cell('numpy-1t', 20), cell('cpu-manual', 2_000)] }]);
    expect(r.find((t) => t.peer === 'cpu-manual')).toMatchObject({ value: 40, met: true });
    expect(r.find((t) => t.peer === 'numpy-1t')).toMatchObject({ value: 2.5, met: true });
    // bp-layers and cpu-layers are absent: those targets are not listed at all.
    expect(r.some((t) => t.bp === 'bp-layers')).toBe(false);
  });

  it('reports a cell that could not run instead of a ratio', () => {
    const r = evaluateTargets([{ id: 'cnn-step', cells: [cell('bp', 10_000), cell('torch-1t', 2_000), cell('cpu', null, 'no kernel')] }]);
    expect(r.find((t) => t.peer === 'cpu')).toMatchObject({ value: null, met: null, why: 'no kernel' });
  });

  it('resolves bp-Nt to the run\'s threaded cell: same-thread rows and the thread scaling', () => {
    const r = evaluateTargets([{ id: 'cnn-step', cells: [cell('bp', 1_000), cell('bp-2t', 500), cell('torch', 500), cell('torch-1t', 1_000), cell('cpu', 200_000)] }]);
    expect(r.map((t) => [t.name, t.bp, t.value])).toEqual([
      ['CNN step ≤ 2× PyTorch CPU, both 1 thread', 'bp', 1],
      ['CNN step ≤ 2× PyTorch CPU, both on every core', 'bp-2t', 1],
      ['CNN step on every core ≥ 1.7× faster than on 1 thread', 'bp-2t', 2],
      ['CNN step ≥ 10× faster than tfjs-cpu', 'bp', 200],
      ['CNN step: kernels outside the convolutions ≤ 5% of kernel time, on every core', 'bp-2t', null],
    ]);
    // PyTorch's own scaling in the same run, beside (not in) the verdict.
    expect(r.find((t) => t.name.startsWith('CNN step on every core'))).toMatchObject({ contextValue: 2, met: true });
    expect(r.find((t) => t.name.startsWith('CNN step ≤ 2× PyTorch CPU, both 1'))!.contextValue).toBeUndefined();
  });

  it('resolves bp-manual-Nt and bp-layers-Nt to the MLP\'s threaded cells, against NumPy on as many threads', () => {
    const r = evaluateTargets([{ id: 'mlp', cells: [cell('bp-manual', 9), cell('bp-manual-2t', 6), cell('bp-layers-2t', 4), cell('numpy', 2), cell('numpy-1t', 3)] }]);
    expect(r.filter((t) => t.peer === 'numpy').map((t) => [t.name, t.bp, t.value, t.met])).toEqual([
      ['MLP step (manual) ≤ 3× NumPy, both on every core', 'bp-manual-2t', 3, true],
      ['MLP step (layers) ≤ 3× NumPy, both on every core', 'bp-layers-2t', 2, true],
    ]);
    expect(r.find((t) => t.bp === 'bp-manual')).toMatchObject({ peer: 'numpy-1t', value: 3 });
  });

  it('measures the share outside the convolutions from the profiles, with PyTorch\'s own share beside it', () => {
    const profile = (rows: Array<[string, number]>): StepProfile => ({
      reps: 1, wallMs: 0, byShape: [], kernelMs: rows.reduce((s, [, ms]) => s + ms, 0), rows: rows.map(([kernel, ms]) => ({ kernel, calls: 1, ms, flop: null })),
    });
    const cells = [cell('bp', 1_000), cell('bp-2t', 600), cell('torch', 500), cell('torch-1t', 900)];
    expect(cellsProfiledForTargets({ id: 'cnn-step', cells })).toEqual(['bp-2t', 'torch']);
    const profiles = [
      { cell: 'bp-2t', peak: null, profile: profile([['FusedConv2D', 300], ['Conv2DBackpropFilter', 200], ['Conv2DBackpropInput', 160], ['BackpropBatchNormBackward', 24], ['Add', 16]]) },
      { cell: 'torch', peak: null, profile: profile([['aten::mkldnn_convolution', 250], ['aten::convolution_backward', 550], ['aten::native_batch_norm', 100], ['aten::add_', 100]]) },
    ];
    const share = evaluateTargets([{ id: 'cnn-step', cells, profiles }]).find((t) => t.kind === 'outside-conv-at-most')!;
    expect(share.value).toBeCloseTo(40 / 700);
    expect(share).toMatchObject({ met: false, outside: { ms: 40, kernelMs: 700, peer: { ms: 200, kernelMs: 1000 } } });
    expect(share.contextValue).toBeCloseTo(0.2);
    expect(share.off).toBeCloseTo(40 / 700 / 0.05);
    // Without a profile of the Backprop cell there is no figure, and it says so.
    expect(evaluateTargets([{ id: 'cnn-step', cells, profiles: profiles.slice(1) }]).find((t) => t.kind === 'outside-conv-at-most')).toMatchObject({ value: null, met: null, why: 'not profiled' });
  });
});
