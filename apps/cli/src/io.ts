// What a command talks to: its output streams and the signals that ask it to stop. Passed in, so
// tests can run commands in-process and capture what they print.
//
// SIGTERM (what `kill`, `timeout` and service managers send) and SIGHUP (the terminal closed) are
// handled as Ctrl-C is: the command stops cleanly, keeping a checkpoint. Exit codes follow the
// shell's 128 + signal number: 130 SIGINT, 143 SIGTERM, 129 SIGHUP.
import { rmSync } from 'node:fs';
import { activeTempFiles } from '@backprop/data';
import type { Output } from './progress.js';

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** 128 + the signal's number, as a shell reports a process ended by it. */
export const signalExitCode = (signal: StopSignal): number => ({ SIGHUP: 129, SIGINT: 130, SIGTERM: 143 })[signal];

/** How a signal is named to the user. */
export const signalName = (signal: StopSignal): string => (signal === 'SIGINT' ? 'Ctrl-C' : signal);

export interface Io {
  stdout: Output;
  stderr: Output;
  /** Registers a handler for Ctrl-C (SIGINT), SIGTERM and SIGHUP; returns the function that removes it. */
  onInterrupt(handler: (signal: StopSignal) => void): () => void;
  /** Ends the process at once (second Ctrl-C), removing the temp files being written. */
  exit(code: number): never;
}

/** Removes the temp files this process is writing (an exit at once must not leave them behind). */
export function removeActiveTempFiles(): void {
  for (const file of activeTempFiles) {
    try {
      rmSync(file, { force: true });
    } catch {
      // best effort: the next run in the folder removes what is left
    }
  }
  activeTempFiles.clear();
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
      const listeners = STOP_SIGNALS.map((signal) => [signal, () => handler(signal)] as const);
      for (const [signal, listener] of listeners) process.on(signal, listener);
      return () => {
        for (const [signal, listener] of listeners) process.off(signal, listener);
      };
    },
    exit: (code) => {
      removeActiveTempFiles();
      process.exit(code);
    },
  };
}

/** A byte count as MB with one decimal. */
export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
