// The training progress line: step, bar, loss, last test accuracy, steps/s and ETA. On a terminal
// it redraws one line in place; in a log file (not a TTY) it prints a line at each evaluation and
// every 5 % of the steps, so `nohup … > log` stays readable.
import type { TrainEvent } from '@backprop/train';

export interface Output {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.floor(f * width);
  return '█'.repeat(full) + (full < width ? '░'.repeat(width - full) : '');
}

export interface ProgressState {
  step: number;
  maxSteps: number;
  loss: number | null;
  testAccuracy: number | null;
  stepsPerSecond: number;
  /** Seconds of evaluation still ahead (from the last evaluation's time). */
  evalSecondsLeft: number;
}

/** 4 decimals, NaN / ±Infinity spelled out. */
const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : String(v));

/** One progress line (no newline). */
export function progressLine(s: ProgressState, barWidth = 24): string {
  const digits = String(s.maxSteps).length;
  const eta = s.stepsPerSecond > 0 ? (s.maxSteps - s.step) / s.stepsPerSecond + s.evalSecondsLeft : NaN;
  return [
    `step ${String(s.step).padStart(digits)}/${s.maxSteps} ${bar(s.step / s.maxSteps, barWidth)}`,
    `loss ${s.loss == null ? '—' : fmt(s.loss)}`,
    `test acc ${s.testAccuracy == null ? '—' : fmt(s.testAccuracy)}`,
    `${s.stepsPerSecond.toFixed(s.stepsPerSecond < 10 ? 2 : 1)} steps/s`,
    `ETA ${formatClock(eta)}`,
  ].join(' · ');
}

/** Turns trainer events into progress output. */
export class ProgressReporter {
  private state: ProgressState = { step: 0, maxSteps: 1, loss: null, testAccuracy: null, stepsPerSecond: 0, evalSecondsLeft: 0 };
  private evalFreq = 1;
  private lastLogged = -1;
  private drawn = false;

  constructor(private readonly out: Output) {}

  onEvent(e: TrainEvent): void {
    const s = this.state;
    switch (e.type) {
      case 'start':
        Object.assign(s, { step: e.startStep, maxSteps: e.maxSteps });
        this.evalFreq = e.config.evalFreq;
        this.lastLogged = e.startStep;
        this.print(`${e.description} — ${e.numParameters.toLocaleString('en-US')} parameters${e.startStep > 0 ? `, resuming at step ${e.startStep}` : ''}`);
        break;
      case 'step':
        Object.assign(s, { step: e.step, maxSteps: e.maxSteps, loss: e.loss, stepsPerSecond: e.stepsPerSecond });
        if (this.out.isTTY) this.draw();
        else if (e.step - this.lastLogged >= Math.max(1, Math.floor(e.maxSteps / 20))) this.log();
        break;
      case 'eval': {
        s.testAccuracy = e.testAccuracy;
        const evalsLeft = Math.floor((e.maxSteps - e.step) / this.evalFreq) + ((e.maxSteps - e.step) % this.evalFreq === 0 ? 0 : 1);
        s.evalSecondsLeft = (evalsLeft * e.evalMs) / 1000;
        this.print(`eval  step ${e.step}: test accuracy ${fmt(e.testAccuracy)}, test loss ${fmt(e.testLoss)}${e.trainLoss == null ? '' : `, train loss ${fmt(e.trainLoss)}`} (${(e.evalMs / 1000).toFixed(1)} s)`);
        break;
      }
      case 'diverged':
        this.print(`step ${e.step}: ${e.cause === 'loss' ? `training loss ${String(e.loss)}` : 'parameters NaN or infinite after the update'} — stopping (diverged)`);
        break;
      case 'done':
        this.clear();
        break;
      default:
        break;
    }
  }

  /** Prints a message line without breaking the progress line. */
  print(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    if (this.out.isTTY && this.state.step > 0) this.draw();
  }

  private log(): void {
    this.lastLogged = this.state.step;
    this.out.write(`${progressLine(this.state)}\n`);
  }

  private draw(): void {
    const width = this.out.columns ?? 100;
    const line = progressLine(this.state, width >= 110 ? 24 : 12);
    this.out.write(`\r${line.slice(0, Math.max(20, width - 1))}\x1b[K`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
