// Live curves drawn with vega (specs from ./curve-spec.ts) as SVG in the page, with hover tooltips.
// Redrawn at most every `minIntervalMs`, the latest data winning, so a fast run never queues up
// renders; each draw replaces the previous view whole.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { accuracySpec, lossSpec, type CurveOptions, type Series } from './curve-spec.js';

type SpecFn = (series: Series[], o: CurveOptions) => object;

/** One tooltip element shared by every chart of the page. */
let tooltipEl: HTMLElement | null = null;
function tooltip(_handler: unknown, event: MouseEvent, _item: unknown, value: unknown): void {
  tooltipEl ??= Object.assign(document.body.appendChild(document.createElement('div')), { className: 'chart-tooltip', hidden: true });
  if (value == null || value === '') {
    tooltipEl.hidden = true;
    return;
  }
  const lines = typeof value === 'object' ? Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`) : [String(value)];
  tooltipEl.textContent = lines.join('\n');
  tooltipEl.hidden = false;
  // Kept inside the viewport (a phone's too): left of the pointer when the right side is short.
  const { innerWidth } = window;
  const w = tooltipEl.offsetWidth;
  const left = event.clientX + 14 + w > innerWidth ? Math.max(4, event.clientX - 14 - w) : event.clientX + 14;
  tooltipEl.style.left = `${left + window.scrollX}px`;
  tooltipEl.style.top = `${event.clientY + 12 + window.scrollY}px`;
}

export class LiveChart {
  private pending: Series[] | null = null;
  private drawing = false;
  private last = 0;
  private view: View | null = null;
  /** Number of completed draws (the e2e tests check the curves were drawn). */
  draws = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly spec: SpecFn,
    private readonly title: string,
    private readonly options: () => { smoothing: number; log: boolean },
    private readonly minIntervalMs = 500,
  ) {}

  update(series: Series[]): void {
    this.pending = series;
    void this.pump();
  }

  clear(): void {
    this.pending = null;
    this.view?.finalize();
    this.view = null;
    this.container.replaceChildren();
    delete this.container.dataset.points;
    delete this.container.dataset.series;
  }

  private async pump(): Promise<void> {
    if (this.drawing || !this.pending) return;
    this.drawing = true;
    try {
      const wait = this.last + this.minIntervalMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const series = this.pending;
      this.pending = null;
      if (!series) return;
      // Narrow screens get narrow charts: the plot area plus axes and legend fit the container.
      const width = Math.max(180, Math.min(560, this.container.clientWidth - 70));
      const options = this.options();
      const vl = this.spec(series, { ...options, title: this.title, width, height: 200 }) as TopLevelSpec;
      const host = document.createElement('div');
      const view = new View(parse(compile(vl).spec), { renderer: 'svg', container: host, hover: true });
      view.tooltip(tooltip as never);
      await view.runAsync();
      this.view?.finalize();
      this.view = view;
      this.container.replaceChildren(host);
      this.container.dataset.points = String(series.reduce((n, s) => n + s.train.length + s.eval.length, 0));
      this.container.dataset.series = series.map((s) => s.name).join('|');
      Object.assign(this.container.dataset, { log: String(options.log), smoothing: String(options.smoothing) });
      this.draws++;
    } finally {
      this.last = performance.now();
      this.drawing = false;
    }
    if (this.pending) void this.pump();
  }
}

export class Charts {
  readonly loss: LiveChart;
  readonly accuracy: LiveChart;

  constructor(lossEl: HTMLElement, accuracyEl: HTMLElement, options: () => { smoothing: number; log: boolean }, minIntervalMs = 500) {
    this.loss = new LiveChart(lossEl, lossSpec, 'Loss', options, minIntervalMs);
    this.accuracy = new LiveChart(accuracyEl, accuracySpec, 'Test accuracy', options, minIntervalMs);
  }

  update(series: Series[], { evalChanged }: { evalChanged: boolean }): void {
    this.loss.update(series);
    if (evalChanged) this.accuracy.update(series);
  }

  clear(): void {
    this.loss.clear();
    this.accuracy.clear();
  }
}
