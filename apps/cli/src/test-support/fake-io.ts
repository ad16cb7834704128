// An Io that records what a command prints and lets a test press Ctrl-C.
import type { Io } from '../io.js';

export interface FakeIo extends Io {
  out: string[];
  err: string[];
  interrupt(): void;
  /** Called with every stderr write (to interrupt at a chosen moment). */
  onStderr?: (text: string) => void;
}

export function fakeIo(): FakeIo {
  const handlers = new Set<() => void>();
  const io: FakeIo = {
    out: [],
    err: [],
    stdout: { write: (t) => void io.out.push(t), isTTY: false },
    stderr: {
      write: (t) => {
        io.err.push(t);
        io.onStderr?.(t);
      },
      isTTY: false,
    },
    onInterrupt(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    exit(code) {
      throw new Error(`exit ${code}`);
    },
    interrupt() {
      for (const h of [...handlers]) h();
    },
  };
  return io;
}
