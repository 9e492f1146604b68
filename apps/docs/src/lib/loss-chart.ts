/**
 * The live loss curve of a training example: a uPlot line chart of every metric the example reports,
 * against the step number. Loaded on demand (it is only needed once an example runs), redrawn at most
 * once per animation frame, resized with its container, and recoloured when the theme changes.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ProgressPoint } from './training-session';

/** Line colours with at least 3:1 contrast on both Starlight's light and dark backgrounds. */
const PALETTE = ['#3b82f6', '#e8590c', '#2f9e44', '#ae3ec9'];

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export class LossChart {
  private plot: uPlot | undefined;
  private keys: string[] = [];
  /** Step numbers, then one series per metric; null where a step did not report that metric. */
  private data: (number | null)[][] = [[]];
  private frame = 0;
  private readonly resize = new ResizeObserver(() => this.plot?.setSize(this.size()));
  private readonly themeWatch = new MutationObserver(() => this.rebuild());

  constructor(
    private readonly container: HTMLElement,
    private readonly yLabel = 'loss',
  ) {
    this.resize.observe(container);
    this.themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  }

  /**
   * Appends points, with one series per metric key. A metric may be reported at some steps only (a
   * validation loss at the end of each epoch): its line joins the steps that have it, and a metric first
   * reported later gets its series then.
   */
  add(points: ProgressPoint[]) {
    if (points.length === 0) return;
    let newSeries = false;
    for (const p of points) {
      for (const k of Object.keys(p.metrics)) {
        if (this.keys.includes(k)) continue;
        this.keys.push(k);
        this.data.push(this.data[0].map(() => null));
        newSeries = true;
      }
      this.data[0].push(p.step);
      this.keys.forEach((k, i) => {
        this.data[i + 1].push(p.metrics[k] ?? null);
      });
    }
    if (!this.plot || newSeries) this.rebuild();
    else if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  /** Forgets every point (a reset). */
  clear() {
    this.keys = [];
    this.data = [[]];
    this.plot?.destroy();
    this.plot = undefined;
    this.container.replaceChildren();
  }

  /** The latest value of each series, for a text summary beside the chart. */
  latest(): Record<string, number> {
    return Object.fromEntries(this.keys.map((k, i) => [k, this.data[i + 1].findLast((v) => v !== null) ?? Number.NaN]));
  }

  private draw() {
    this.frame = 0;
    this.plot?.setData(this.data as uPlot.AlignedData);
  }

  private size() {
    return { width: Math.max(240, this.container.clientWidth), height: 220 };
  }

  private rebuild() {
    if (this.keys.length === 0) return;
    this.plot?.destroy();
    this.container.replaceChildren();
    const text = themeColor('--sl-color-gray-2', '#333');
    const grid = themeColor('--sl-color-gray-5', '#ddd');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    this.plot = new uPlot(
      {
        ...this.size(),
        scales: { x: { time: false } },
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        axes: [
          { ...axis, label: 'step' },
          { ...axis, label: this.yLabel, size: 60 },
        ],
        series: [
          { label: 'step' },
          ...this.keys.map((k, i) => ({
            label: k,
            stroke: PALETTE[i % PALETTE.length],
            width: 2,
            spanGaps: true,
            points: { show: false },
          })),
        ],
      },
      this.data as uPlot.AlignedData,
      this.container,
    );
  }

  destroy() {
    this.resize.disconnect();
    this.themeWatch.disconnect();
    cancelAnimationFrame(this.frame);
    this.plot?.destroy();
  }
}
