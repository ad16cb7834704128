// The live loss and accuracy curves: @backprop/train's Vega-Lite specs (the same ones the CLI
// renders to SVG), compiled with vega-lite and rendered by vega to SVG. Redrawn at most every
// `minIntervalMs`, the latest metrics winning, so a fast run never queues up renders.
import { accuracyChartSpec, lossChartSpec, type MetricsHistory } from '@backprop/train';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

type SpecFn = typeof lossChartSpec;

class LiveChart {
  private pending: MetricsHistory | null = null;
  private drawing = false;
  private last = 0;
  /** Number of completed draws (the e2e test checks the curves were drawn). */
  draws = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly spec: SpecFn,
    private readonly title: string,
    private readonly minIntervalMs: number,
  ) {}

  update(metrics: MetricsHistory): void {
    this.pending = metrics;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.drawing || !this.pending) return;
    this.drawing = true;
    try {
      const wait = this.last + this.minIntervalMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const metrics = this.pending;
      this.pending = null;
      if (!metrics) return;
      const width = Math.max(240, Math.min(560, this.container.clientWidth - 90));
      const vl = this.spec(metrics, { title: this.title, width, height: 220 }) as unknown as TopLevelSpec;
      // Rendered off-screen to an SVG string and swapped in whole: no flicker between draws.
      const view = new View(parse(compile(vl).spec), { renderer: 'none' });
      const svg = await view.toSVG();
      view.finalize();
      this.container.innerHTML = svg;
      this.container.dataset.points = String(metrics.train.length + metrics.eval.length);
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

  constructor(lossEl: HTMLElement, accuracyEl: HTMLElement, minIntervalMs = 500) {
    this.loss = new LiveChart(lossEl, lossChartSpec, 'Loss', minIntervalMs);
    this.accuracy = new LiveChart(accuracyEl, accuracyChartSpec, 'Test accuracy', minIntervalMs);
  }

  update(metrics: MetricsHistory, { evalChanged }: { evalChanged: boolean }): void {
    this.loss.update(metrics);
    if (evalChanged) this.accuracy.update(metrics);
  }
}
