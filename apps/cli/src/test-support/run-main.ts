// Runs the `backprop` command in-process with a FakeIo and returns its exit code and output.
import { main } from '../main.js';
import { fakeIo, type FakeIo } from './fake-io.js';

export interface MainResult {
  code: number;
  out: string;
  err: string;
}

/** `backprop ...argv`; `setup` sees the io first (to interrupt at a chosen moment). */
export async function runMain(argv: string[], setup?: (io: FakeIo) => void): Promise<MainResult> {
  const io = fakeIo();
  setup?.(io);
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** Flags for a quick training run on a small CIFAR-10 folder (test-support/cifar-folder.ts). */
export const smallTrainFlags = (cifar: string): string[] => ['--data', cifar, '--batch-size', '10', '--eval-freq', '3', '--dnn-hidden-units', '8'];
