// An Io that records what a command prints and lets a test press Ctrl-C.
import type { Io, StopSignal } from '../io.js';

export interface FakeIo extends Io {
  out: string[];
  err: string[];
  /** Sends a stop signal (default SIGINT, i.e. Ctrl-C). */
  interrupt(signal?: StopSignal): void;
  /** Called with every stderr write (to interrupt at a chosen moment). */
  onStderr?: (text: string) => void;
}

export function fakeIo(): FakeIo {
  const handlers = new Set<(signal: StopSignal) => void>();
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
    interrupt(signal = 'SIGINT') {
      for (const h of [...handlers]) h(signal);
    },
  };
  return io;
}
