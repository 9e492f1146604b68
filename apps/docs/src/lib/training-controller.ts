/**
 * The page side of a training example: wires the start/pause, step and reset buttons and the seed input of
 * one `[data-training-example]` element to a Web Worker running the example, and feeds the loss chart.
 *
 * Binary results of the example (a checkpoint, predictions) are re-dispatched on the root element as a
 * `training-outputs` CustomEvent (detail: the outputs by name), and a reset as `training-reset`, so that a
 * figure beside the example (CheckpointRoundTrip) can use them.
 *
 * Slow networks: the worker (and with it the example and the library) is requested as soon as the example
 * comes near the viewport or the reader reaches for it, and the controls stay disabled, with a visible
 * "Loading" status, until the worker reports that the example is set up. Commands are handled in order by
 * the worker, so nothing sent early is lost or raced.
 */
import type { LossChart } from './loss-chart';
import type { TrainingCommand, TrainingEvent } from './training-session';

export class TrainingController {
  private worker: Worker | undefined;
  private chart: LossChart | undefined;
  private chartModule: Promise<typeof import('./loss-chart')> | undefined;
  private running = false;
  private done = false;
  private ready = false;
  private steps = 0;
  /** Worker events are handled one after another (a progress event may wait for the chart's module). */
  private handling: Promise<void> = Promise.resolve();

  private readonly startButton: HTMLButtonElement;
  private readonly stepButton: HTMLButtonElement;
  private readonly resetButton: HTMLButtonElement;
  private readonly seedInput: HTMLInputElement;
  private readonly status: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly chartBox: HTMLElement;

  constructor(private readonly root: HTMLElement) {
    const q = <T extends Element>(sel: string) => root.querySelector(sel) as T;
    this.startButton = q('[data-action="start"]');
    this.stepButton = q('[data-action="step"]');
    this.resetButton = q('[data-action="reset"]');
    this.seedInput = q('[data-seed]');
    this.status = q('[data-status]');
    this.summary = q('[data-summary]');
    this.chartBox = q('[data-chart]');

    this.startButton.addEventListener('click', () => this.send({ type: this.running ? 'pause' : 'start' }));
    this.stepButton.addEventListener('click', () => this.send({ type: 'step' }));
    this.resetButton.addEventListener('click', () => this.send({ type: 'reset', params: { seed: this.seed() } }));
    this.seedInput.addEventListener('change', () => {
      if (this.ready) this.send({ type: 'reset', params: { seed: this.seed() } });
    });

    // Load when the example comes near the viewport, or at once when the reader reaches for it.
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          observer.disconnect();
          this.load();
        }
      },
      { rootMargin: '300px' },
    );
    observer.observe(root);
    for (const type of ['pointerenter', 'focusin']) root.addEventListener(type, () => this.load(), { once: true });
  }

  private seed(): number {
    const v = Number.parseInt(this.seedInput.value, 10);
    return Number.isFinite(v) ? v : 0;
  }

  private load() {
    if (this.worker) return;
    this.setStatus('Loading the example…');
    this.worker = new Worker(new URL('./training-worker.ts', import.meta.url), {
      type: 'module',
      name: this.root.dataset.slug,
    });
    this.worker.addEventListener('message', (e: MessageEvent<TrainingEvent>) => {
      this.handling = this.handling
        .then(() => this.onEvent(e.data))
        .catch((error: unknown) => this.setStatus(`Error: ${error}`));
    });
    this.worker.addEventListener('error', (e) =>
      this.setStatus(`The example failed to load: ${e.message || 'worker error'}`),
    );
    this.chartModule = import('./loss-chart');
    this.send({ type: 'init', slug: this.root.dataset.slug as string, params: { seed: this.seed() } });
  }

  private send(command: TrainingCommand) {
    this.load();
    this.worker?.postMessage(command);
  }

  private async onEvent(event: TrainingEvent) {
    switch (event.type) {
      case 'ready':
        this.ready = true;
        this.seedInput.value = String(event.params.seed);
        this.setStatus('Ready: press Start to train, or Step for one step at a time.');
        break;
      case 'reset':
        this.steps = 0;
        this.done = false;
        this.chart?.clear();
        this.summary.textContent = 'Not started.';
        this.setStatus(`Reset with seed ${event.params.seed}.`);
        this.root.dispatchEvent(new CustomEvent('training-reset'));
        break;
      case 'state':
        this.running = event.running;
        this.done = event.done;
        if (this.ready) this.setStatus(this.describe());
        break;
      case 'progress': {
        const { LossChart } = await (this.chartModule ?? import('./loss-chart'));
        this.running = event.running;
        this.done = event.done;
        const last = event.points.at(-1);
        if (last) this.steps = last.step;
        this.chart ??= new LossChart(this.chartBox);
        this.chart.add(event.points);
        const metrics = Object.entries(this.chart.latest())
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(', ');
        this.summary.textContent = [`step ${this.steps}`, metrics, event.summary].filter(Boolean).join(' · ');
        this.setStatus(this.describe());
        if (event.outputs) this.root.dispatchEvent(new CustomEvent('training-outputs', { detail: event.outputs }));
        break;
      }
      case 'error':
        this.running = false;
        this.setStatus(`Error: ${event.message}`);
        break;
    }
    this.syncControls();
  }

  private describe(): string {
    if (this.done) return `Finished after ${this.steps} steps. Reset (or change the seed) to train again.`;
    if (this.running) return 'Training…';
    return this.steps > 0
      ? `Paused at step ${this.steps}.`
      : 'Ready: press Start to train, or Step for one step at a time.';
  }

  private setStatus(text: string) {
    this.status.textContent = text;
  }

  private syncControls() {
    this.root.dataset.state = !this.ready ? 'loading' : this.done ? 'done' : this.running ? 'running' : 'idle';
    this.startButton.disabled = !this.ready || this.done;
    this.startButton.textContent = this.running ? 'Pause' : 'Start';
    this.stepButton.disabled = !this.ready || this.running || this.done;
    this.resetButton.disabled = !this.ready;
    this.seedInput.disabled = !this.ready;
  }
}
