/**
 * Runs a training example step by step on behalf of the page: start, pause, single step, reset with a new
 * seed. It lives in the Web Worker (training-worker.ts) so the page stays responsive, and is plain code so
 * Node tests drive it the same way.
 *
 * Commands are handled strictly in arrival order, each after the previous one has finished; so a `start`
 * sent while the example module is still loading waits for it instead of racing it.
 */
import type { Trainer, TrainingExampleModule, TrainingParams } from './training';

export type TrainingCommand =
  | { type: 'init'; slug: string; params?: Partial<TrainingParams> & Record<string, unknown> }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset'; params?: Partial<TrainingParams> & Record<string, unknown> };

export interface ProgressPoint {
  step: number;
  metrics: Record<string, number>;
}

export type TrainingEvent =
  /** The example is loaded and set up; `params` are the ones in use (defaults merged with the page's). */
  | { type: 'ready'; params: TrainingParams & Record<string, unknown> }
  /** New points since the last progress event, and the state after them. */
  | {
      type: 'progress';
      points: ProgressPoint[];
      summary?: string;
      running: boolean;
      done: boolean;
      /** The `outputs` of these steps (a checkpoint, predictions), when some step had any. */
      outputs?: Record<string, Uint8Array | Float32Array>;
    }
  /** The run was reset: the chart starts over. */
  | { type: 'reset'; params: TrainingParams & Record<string, unknown> }
  | { type: 'state'; running: boolean; done: boolean }
  | { type: 'error'; message: string };

export type ExampleLoader = (slug: string) => Promise<TrainingExampleModule>;

export class TrainingSession {
  private module: TrainingExampleModule | undefined;
  private params: (TrainingParams & Record<string, unknown>) | undefined;
  private trainer: Trainer | undefined;
  private stepCount = 0;
  private lastSummary: string | undefined;
  /** Outputs of the steps not yet reported. */
  private outputs: Record<string, Uint8Array | Float32Array> | undefined;
  private running = false;
  private done = false;
  private queue: Promise<void> = Promise.resolve();
  /** Bumped on pause and reset so a scheduled burst of an earlier run does nothing. */
  private generation = 0;

  constructor(
    /** Sends an event to the page; `transfer` lists the buffers to move rather than copy (a worker's postMessage). */
    private readonly post: (event: TrainingEvent, transfer?: Transferable[]) => void,
    private readonly load: ExampleLoader,
    private readonly schedule: (fn: () => void) => void = (fn) => setTimeout(fn, 0),
    /** How long one uninterrupted burst of steps may run before the session yields to incoming commands. */
    private readonly burstMs = 30,
  ) {}

  /** Queues a command; the returned promise settles once it has been handled. */
  handle(command: TrainingCommand): Promise<void> {
    this.queue = this.queue.then(() => this.process(command)).catch((error: unknown) => this.fail(error));
    return this.queue;
  }

  private fail(error: unknown) {
    this.running = false;
    this.generation++;
    this.post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }

  private async process(command: TrainingCommand): Promise<void> {
    switch (command.type) {
      case 'init': {
        this.module = await this.load(command.slug);
        await this.setUp(command.params);
        this.post({ type: 'ready', params: this.params as TrainingParams & Record<string, unknown> });
        return;
      }
      case 'reset': {
        this.generation++;
        this.running = false;
        await this.setUp(command.params);
        this.post({ type: 'reset', params: this.params as TrainingParams & Record<string, unknown> });
        this.postState();
        return;
      }
      case 'start': {
        if (this.running || this.done) return this.postState();
        this.running = true;
        this.postState();
        const generation = ++this.generation;
        this.burst(generation);
        return;
      }
      case 'pause': {
        this.generation++;
        this.running = false;
        return this.postState();
      }
      case 'step': {
        if (this.running || this.done) return this.postState();
        const points = [this.stepOnce()];
        this.postProgress(points);
        return;
      }
    }
  }

  private async setUp(overrides: Record<string, unknown> | undefined) {
    if (!this.module) throw new Error('the training example is not loaded yet');
    this.params = { ...this.module.defaults, ...(this.params ?? {}), ...(overrides ?? {}) };
    this.trainer = undefined; // if setup fails, no step runs on the previous run's model
    this.trainer = await this.module.setup(this.params);
    this.stepCount = 0;
    this.done = false;
    this.lastSummary = undefined;
    this.outputs = undefined;
  }

  private stepOnce(): ProgressPoint {
    if (!this.trainer) throw new Error('the training example is not loaded yet');
    const result = this.trainer.step();
    this.stepCount++;
    if (result.summary !== undefined) this.lastSummary = result.summary;
    if (result.outputs) this.outputs = { ...this.outputs, ...result.outputs };
    if (result.done) {
      this.done = true;
      this.running = false;
    }
    return { step: this.stepCount, metrics: result.metrics };
  }

  /** Runs steps for up to `burstMs` (at least one), reports them, and schedules the next burst while still running. */
  private burst(generation: number) {
    if (generation !== this.generation || !this.running) return;
    const points: ProgressPoint[] = [];
    const until = performance.now() + this.burstMs;
    try {
      do points.push(this.stepOnce());
      while (this.running && performance.now() < until);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.postProgress(points);
    if (this.running) this.schedule(() => this.burst(generation));
  }

  private postProgress(points: ProgressPoint[]) {
    const { outputs } = this;
    this.outputs = undefined;
    const event: TrainingEvent = {
      type: 'progress',
      points,
      summary: this.lastSummary,
      running: this.running,
      done: this.done,
    };
    if (!outputs) return this.post(event);
    const buffers = new Set(Object.values(outputs).map((a) => a.buffer as ArrayBuffer));
    this.post({ ...event, outputs }, [...buffers]);
  }

  private postState() {
    this.post({ type: 'state', running: this.running, done: this.done });
  }
}
