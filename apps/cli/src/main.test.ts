import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCifarFolder } from './test-support/cifar-folder.js';
import { runMain as run, smallTrainFlags } from './test-support/run-main.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'backprop-cli-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cifar = writeCifarFolder(path.join(root, 'cifar'));


const small = smallTrainFlags(cifar);

describe('backprop', () => {
  it('--help everywhere, exit 0', async () => {
    for (const argv of [['--help'], ['train', '--help'], ['gradcheck', '-h'], ['data', '--help'], ['experiment', '--help'], ['sweep', '--help']]) {
      const { code, out, err } = await run(argv);
      expect(code).toBe(0);
      expect(out).toMatch(/^(Usage|backprop —)/);
      expect(err).toBe('');
    }
  });

  it.each([
    [['frobnicate'], "backprop: unknown command 'frobnicate', expected one of train, gradcheck, data, experiment, serve, sweep (see 'backprop --help')"],
    [['train'], "backprop train: missing preset: backprop train <mlp-manual|mlp|mlp-tuned|cnn> (see 'backprop train --help')"],
    [['train', 'mlp-manual', '--optimizer', 'adam'], "backprop train: optimizer must be 'sgd' for the manual MLP (@backprop/manual has plain SGD only), got 'adam' (see 'backprop train --help')"],
    [['train', 'cnn', '--activation', 'tanh'], "backprop train: --activation do(es) not apply to the cnn preset (see 'backprop train --help')"],
    [['data', 'download'], "backprop data: unknown subcommand 'download', expected fetch, info or verify (see 'backprop data --help')"],
  ])('usage errors are one line, exit 2: %j', async (argv, line) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toBe(`${line}\n`);
  });

  it('run-time errors are one line, exit 1', async () => {
    const { code, err } = await run(['train', 'mlp', '--data', path.join(root, 'missing.tar.gz')]);
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^backprop train: error: .*missing\.tar\.gz: no such file or folder/);
  });

  it('train: progress, summary, run folder; same seed twice → identical metrics.csv', async () => {
    const outs = [path.join(root, 'a'), path.join(root, 'b')];
    for (const out of outs) {
      const { code, out: stdout, err } = await run(['train', 'mlp-manual', ...small, '--max-steps', '6', '--learning-rate', '1e-4', '--out', out]);
      expect(code).toBe(0);
      expect(err).toContain('manual MLP 3072-8-10 (elu)');
      expect(err).toMatch(/eval {2}step 3: test accuracy \d\.\d{4}/);
      expect(err).toMatch(/step 6\/6 .* · loss \d\.\d{4} · test acc \d\.\d{4} · [\d.]+ steps\/s · ETA/);
      expect(stdout).toContain('done: 6 steps');
      expect(stdout).toMatch(/final test accuracy \d\.\d{4} at step 6/);
      expect(stdout).toContain(`run folder: ${out}`);
      for (const f of ['config.json', 'metrics.csv', 'metrics.json', 'loss.svg', 'accuracy.svg', 'model.safetensors', 'checkpoint.safetensors', 'summary.md']) {
        expect(existsSync(path.join(out, f))).toBe(true);
      }
    }
    const [a, b] = outs.map((o) => readFileSync(path.join(o, 'metrics.csv'), 'utf8'));
    expect(a).toBe(b);
    expect(a!.trim().split('\n')).toHaveLength(8);
  });

  it('Ctrl-C (here during the evaluation at step 3) stops before the next step, keeps checkpoint and curves (exit 130); --resume finishes with the same metrics', async () => {
    const full = path.join(root, 'full');
    const out = path.join(root, 'interrupted');
    const args = ['train', 'mlp', ...small, '--max-steps', '9'];
    expect((await run([...args, '--out', full])).code).toBe(0);
    const stopped = await run([...args, '--out', out], (io) => {
      io.onStderr = (text) => {
        if (text.startsWith('eval  step 3:')) io.interrupt();
      };
    });
    expect(stopped.code).toBe(130);
    expect(stopped.err).toContain('stopping after this step');
    expect(stopped.out).toContain('stopped at step 3 of 9');
    expect(stopped.out).toContain(`continue with: backprop train --resume ${out}`);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('stopped at step 3');

    const refused = await run(['train', '--resume', out, '--learning-rate', '0.1']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('only --max-steps, --eval-freq and --eval-batch-size may change, got --learning-rate');

    const resumed = await run(['train', '--resume', out, '--data', cifar]);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toContain('resuming at step 3');
    expect(readFileSync(path.join(out, 'metrics.csv'), 'utf8')).toBe(readFileSync(path.join(full, 'metrics.csv'), 'utf8'));
  });

  it('data info and verify on a folder (verify fails the size checks of a tiny copy: exit 1)', async () => {
    const info = await run(['data', 'info', '--data', cifar]);
    expect(info.code).toBe(0);
    expect(info.out).toContain('train: 100 images, test: 30 images, 3×32×32');
    expect(info.out).toMatch(/0 +airplane +10 +3/);
    const verify = await run(['data', 'verify', '--data', cifar]);
    expect(verify.code).toBe(1);
    expect(verify.out).toMatch(/train records +NO +100 \(expected 50000\)/);
    expect(verify.out).toContain('copy: unknown copy');
  });

  it('gradcheck: a table of passing rows, filtered by module name', async () => {
    const { code, out } = await run(['gradcheck', 'layernorm']);
    expect(code).toBe(0);
    expect(out).toMatch(/^module +input\/param +check/);
    expect(out).toMatch(/LayerNormManual \(layers, γ = 1\) +dx .* yes/);
    expect(out).toMatch(/LayerNormAutograd \(layers, γ = √\(10·arange\)\) +dweight \(γ\) .* yes/);
    expect(out).toMatch(/all \d+ checks pass/);
    expect((await run(['gradcheck', 'nothing-like-this'])).code).toBe(2);
  });

  it('experiment activation and norm-batch-size: table on stdout, results.csv, summary.md and plots', async () => {
    const act = path.join(root, 'act');
    const a = await run(['experiment', 'activation', '--data', cifar, '--max-steps', '3', '--batch-size', '10', '--out', act]);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/elu +1 +\d\.\d{3}e[-+]\d+/);
    expect(a.out).toMatch(/tanh +5 /);
    for (const f of ['results.csv', 'summary.md', 'grad-norms.svg', 'accuracy.svg']) expect(existsSync(path.join(act, f))).toBe(true);
    const nbs = path.join(root, 'nbs');
    const b = await run(['experiment', 'norm-batch-size', '--data', cifar, '--examples', '20', '--batch-sizes', '1,10', '--out', nbs]);
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/batch size +steps +no norm +BatchNorm +LayerNorm/);
    expect(b.out).toMatch(/ 1 +20 +\d\.\d{4} +n\/a +\d\.\d{4}/);
    expect(readFileSync(path.join(nbs, 'results.csv'), 'utf8').trim().split('\n')).toHaveLength(7);
    expect(existsSync(path.join(nbs, 'accuracy-vs-batch-size.svg'))).toBe(true);
    expect((await run(['experiment', 'dropout'])).err).toContain("unknown experiment 'dropout', expected activation or norm-batch-size");
  });
});


describe('backprop serve', () => {
  it('refuses a missing --data archive with one line and exit code 2', async () => {
    const { code, err: stderr } = await run(["serve", "--data", "/nonexistent/cifar.tar.gz"]);
    expect(code).toBe(2);
    expect(stderr).toContain("backprop serve: --data: no such file '/nonexistent/cifar.tar.gz'");
  });
  it('has --help', async () => {
    const { code, out: stdout } = await run(["serve", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain('Cross-Origin-Embedder-Policy');
  });
});
