// Run control shared by the page and the worker through a SharedArrayBuffer: the trainer calls
// back synchronously between steps, and a paused worker blocks in Atomics.wait (so it spends no
// CPU) until the page flips the word back. Messages could not reach a blocked worker; shared
// memory can. Needs a cross-origin isolated page, as WASM threads do.
export const RUN = 0;
export const PAUSE = 1;
export const STOP = 2;

export class RunControl {
  readonly word: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.word = new Int32Array(buffer);
  }

  get buffer(): SharedArrayBuffer {
    return this.word.buffer as SharedArrayBuffer;
  }

  get state(): number {
    return Atomics.load(this.word, 0);
  }

  set(state: typeof RUN | typeof PAUSE | typeof STOP): void {
    Atomics.store(this.word, 0, state);
    Atomics.notify(this.word, 0);
  }

  /**
   * Worker side, between steps: returns at once while running; while paused, calls `onPause`
   * once, blocks until resumed or stopped, then calls `onResume`. Returns the state it left with.
   */
  gate(onPause: () => void, onResume: () => void): number {
    if (Atomics.load(this.word, 0) !== PAUSE) return Atomics.load(this.word, 0);
    onPause();
    while (Atomics.load(this.word, 0) === PAUSE) Atomics.wait(this.word, 0, PAUSE);
    onResume();
    return Atomics.load(this.word, 0);
  }
}
