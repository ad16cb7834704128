// The schedulers against learning rates recorded from torch.optim.lr_scheduler
// (fixtures/lr-schedules.json, written by fixtures/lr_schedules.py; where torch is installed the
// table is also checked to be what torch gives now).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '@backprop/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import { CosineAnnealingLR, LinearLR, type LRScheduler, OneCycleLR, StepLR } from './lr-scheduler.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';
import { fixturesDir } from './testing/fixtures.js';

interface Case {
  name: string;
  optimizer: [string, Record<string, number>];
  scheduler: [string, Record<string, unknown>];
  steps: number;
  values: Array<{ lr: number; momentum?: number; beta1?: number }>;
}

const tablePath = fileURLToPath(new URL('lr-schedules.json', fixturesDir));
const table = JSON.parse(readFileSync(tablePath, 'utf8')) as { cases: Case[] };
let w: tf.Variable;

beforeAll(async () => {
  await initBackend();
  w = tf.variable(tf.zeros([2]));
});
afterAll(() => w.dispose());

const optimizers: Record<string, (o: Record<string, number>) => Optimizer> = {
  SGD: (o) => new SGD([w], o as { lr: number }),
  Adam: (o) => new Adam([w], o),
  AdamW: (o) => new AdamW([w], o),
};
const schedulers: Record<string, (opt: Optimizer, o: never) => LRScheduler> = {
  StepLR: (opt, o) => new StepLR(opt, o),
  CosineAnnealingLR: (opt, o) => new CosineAnnealingLR(opt, o),
  LinearLR: (opt, o) => new LinearLR(opt, o),
  OneCycleLR: (opt, o) => new OneCycleLR(opt, o),
};

const close = (actual: number, expected: number) => Math.abs(actual - expected) <= 1e-12 * Math.max(Math.abs(expected), 1e-30);

describe('LR schedulers: the rates torch.optim.lr_scheduler gives', () => {
  it.each(table.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const opt = optimizers[c.optimizer[0]]!(c.optimizer[1]);
    const sched = schedulers[c.scheduler[0]]!(opt, c.scheduler[1] as never);
    const got: Array<{ lr: number; momentum?: number; beta1?: number }> = [];
    const record = () => {
      const g = opt.paramGroups[0] as { lr: number; momentum?: number; betas?: [number, number] };
      got.push({ lr: g.lr, ...(g.momentum != null ? { momentum: g.momentum } : {}), ...(g.betas ? { beta1: g.betas[0] } : {}) });
    };
    record();
    for (let i = 0; i < c.steps; i++) {
      sched.step();
      record();
    }
    expect(got).toHaveLength(c.values.length);
    got.forEach((row, i) => {
      for (const key of ['lr', 'momentum', 'beta1'] as const) {
        const e = c.values[i]![key];
        if (e == null) continue;
        expect(close(row[key]!, e), `${key} at epoch ${i}: ${row[key]} vs PyTorch's ${e}`).toBe(true);
      }
    });
    expect(sched.getLastLr()).toEqual([opt.lr]);
  });

  it.skipIf(spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0)('the recorded table is what torch gives now', () => {
    const script = fileURLToPath(new URL('lr_schedules.py', fixturesDir));
    const r = spawnSync('/usr/bin/python3', [script, 'print'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(table);
  });

  it('sets initial_lr like PyTorch, so a state dict carries it; rejects unknown options and a step past OneCycleLR total_steps', () => {
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    new CosineAnnealingLR(opt, { T_max: 5 });
    expect(opt.stateDict().param_groups[0]).toMatchObject({ initial_lr: 0.1 });
    expect(() => new StepLR(opt, { step_size: 2, gama: 0.5 } as never)).toThrow("StepLR: unknown option 'gama'; known options: step_size, gamma, last_epoch");
    expect(() => new StepLR(opt, { step_size: 0 })).toThrow('StepLR: step_size must be a positive integer, got 0');
    const one = new OneCycleLR(opt, { max_lr: 1, total_steps: 2 });
    one.step();
    one.step();
    expect(() => one.step()).toThrow('OneCycleLR.step: tried to step 4 times; total_steps is 2');
  });

  it('resumes: the optimizer state (with initial_lr) and the scheduler state give the rates of an uninterrupted run', () => {
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    const sched = new CosineAnnealingLR(opt, { T_max: 12, eta_min: 0.001 });
    for (let i = 0; i < 5; i++) sched.step();
    const [optState, schedState] = [opt.stateDict(), sched.stateDict()];
    const expected = Array.from({ length: 10 }, () => (sched.step(), opt.lr));

    const opt2 = new SGD([w], { lr: 0.5 });
    opt2.loadStateDict(optState);
    const sched2 = new CosineAnnealingLR(opt2, { T_max: 12, eta_min: 0.001 });
    sched2.loadStateDict(schedState);
    expect(Array.from({ length: 10 }, () => (sched2.step(), opt2.lr))).toEqual(expected);
  });
});
