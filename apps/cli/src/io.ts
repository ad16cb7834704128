// What a command talks to: its output streams and Ctrl-C. Passed in, so tests can run commands
// in-process and capture what they print.
import type { Output } from './progress.js';

export interface Io {
  stdout: Output;
  stderr: Output;
  /** Registers a Ctrl-C (SIGINT) handler; returns the function that removes it. */
  onInterrupt(handler: () => void): () => void;
  /** Ends the process at once (second Ctrl-C). */
  exit(code: number): never;
}

export function processIo(): Io {
  const stream = (s: NodeJS.WriteStream): Output => ({
    write: (text) => void s.write(text),
    get isTTY() {
      return Boolean(s.isTTY);
    },
    get columns() {
      return s.columns;
    },
  });
  return {
    stdout: stream(process.stdout),
    stderr: stream(process.stderr),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
    exit: (code) => process.exit(code),
  };
}

/** A byte count as MB with one decimal. */
export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
