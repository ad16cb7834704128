import { describe, expect, it } from 'vitest';
import { plan } from './plan.js';
import { profileTable, refName, renderReport } from './report.js';
import type { StepProfile } from './kernel-profile.js';
import { evaluateTargets } from './targets.js';

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

describe('the share outside the convolutions', () => {
  const profile = (rows: Array<[string, number]>): StepProfile => ({
    reps: 2, wallMs: 1000, byShape: [], kernelMs: rows.reduce((s, [, ms]) => s + ms, 0), rows: rows.map(([kernel, ms]) => ({ kernel, calls: 1, ms, flop: null })),
  });
  const cell = (id: string, ms: number) => ({ id, label: id, impl: 'x', runtime: 'node' as const, size: 32, scale: 1, ms, samples: [ms], peakRssMib: null, ref: [], info: {} });

  it('is a row of the targets table with Backprop\'s milliseconds and PyTorch\'s share beside the verdict', () => {
    const workloads = [{
      id: 'cnn-step', title: 'CNN step', cells: [cell('bp-2t', 800), cell('torch', 900)],
      profiles: [
        { cell: 'bp-2t', peak: { gflops: 30, shape: '512' }, profile: profile([['FusedConv2D', 700], ['Add', 50], ['BackpropAdamUpdateMomentsInPlace', 50]]) },
        { cell: 'torch', peak: null, profile: profile([['aten::convolution_backward', 600], ['aten::mkldnn_convolution', 260], ['aten::add_', 140]]) },
      ],
    }];
    const text = renderReport({
      date: '2026-11-29 12:00 UTC', mode: 'full', wallSeconds: 1, loadAverage: { start: [0, 0, 0], end: [0, 0, 0] }, workloads, targets: evaluateTargets(workloads),
      machine: { cpu: 'AMD EPYC', cores: 2, memoryGiB: 24, os: 'Linux', node: 'v20', python: '3.11', numpy: '1.24', torch: '1.13' } as never,
    });
    expect(text).toContain('| CNN step: kernels outside the convolutions ≤ 5% of kernel time, on every core | 12.5% (100 ms of 800 ms); PyTorch, same run, its ops outside the convolutions: 14.0% (140 ms of 1.00 s) | **missed** by 2.50× |');
  });

  it('heads a PyTorch profile, which has no flop columns', () => {
    const text = profileTable('CNN step, PyTorch', profile([['aten::convolution_backward', 600], ['aten::add_', 400]]), null);
    expect(text).toContain('under torch.profiler');
    expect(text).toContain('400 ms of it (40.0%) outside the convolutions');
    expect(text).toContain('| kernel | calls | time | share |\n');
    expect(text).not.toContain('GFLOP');
  });
});
