import { type Generator, type nn, noGrad, Tensor, TensorError } from '@tensorloom/tensor-core';
import { yieldToEventLoop } from '../data/dataloader';
import { RunningMean } from '../metrics/running-mean';
import { clipGradNorm_ } from '../optim/clip-grad';
import { ReduceLROnPlateau } from '../optim/lr-scheduler';
import type { Optimizer } from '../optim/optimizer';
import type { Callback, Logs, SchedulerLike, TrainingContext } from './callback';
import { History, type StopReason } from './history';
import { createProgressSink, type ProgressOption, type ProgressSink } from './progress';

/**
 * One batch as the data yields it: a pair `[input, target]` (what a `DataLoader` over `[x, y]` samples
 * gives) or an object `{ input, target }`. `input` goes to the model's forward, `target` to the loss and
 * the metrics; for a model with several inputs, make `input` a tuple and pass a `forward` option.
 *
 * @example
 * ```ts
 * const batches: Batch[] = [[x0, y0], { input: x1, target: y1 }];
 * ```
 */
export type Batch<I = Tensor, T = Tensor> = readonly [I, T] | { readonly input: I; readonly target: T };

/**
 * Where batches come from: anything iterable, sync or async — an array, a `DataLoader`, an async generator
 * function's result wrapped so it can be iterated again. {@link fit} iterates it once per epoch, so it must
 * be re-iterable (a one-shot generator object yields nothing the second time, which is an error). If it has
 * a numeric `length` (arrays, `DataLoader`), the progress display knows the batch count from the start.
 */
export type BatchSource<I = Tensor, T = Tensor> = Iterable<Batch<I, T>> | AsyncIterable<Batch<I, T>>;

/** A loss: a function `(output, target) => scalar tensor` (e.g. `mseLoss`) or a module (e.g. `new MSELoss()`). */
export type LossLike<O = Tensor, T = Tensor> =
  | ((output: O, target: T) => Tensor)
  | { forward(output: O, target: T): Tensor };

/** A metric: `(output, target) => number`, e.g. `accuracy`; called under `noGrad` on the detached output. */
export type MetricFn<O = Tensor, T = Tensor> = (output: O, target: T) => number;

/** Options shared by {@link evaluate} and {@link fit}. */
export interface EvaluateOptions<I = Tensor, T = Tensor, O = Tensor> {
  /** The loss, logged as `loss` (`val_loss` in {@link fit}'s validation). */
  loss: LossLike<O, T>;
  /** Metrics by log name, e.g. `{ accuracy }`; logged as sample-weighted means. */
  metrics?: Record<string, MetricFn<O, T>>;
  /** How the model is called (default `model.forward(input)`). */
  forward?: (model: nn.Module, input: I) => O;
  /**
   * The number of samples in a batch, the weight of its values in the means (default: the first dimension
   * of `target`, else of `input` or of `input[0]`, else 1).
   */
  batchSize?: (input: I, target: T) => number;
  /** Checked between batches; see {@link fit} and {@link evaluate} for what each does when it fires. */
  signal?: AbortSignal;
  /**
   * Batches between yields to the event loop (default 1; 0 never yields), so a page stays responsive, a
   * progress bar redraws and an `AbortSignal` fired by a timer or a click is seen even when the data is a
   * plain array.
   */
  yieldEvery?: number;
}

/** Options of {@link fit}. `I`, `T`, `O`: the types of inputs, targets and model outputs (tensors by default). */
export interface FitOptions<I = Tensor, T = Tensor, O = Tensor> extends EvaluateOptions<I, T, O> {
  /** Training batches, iterated once per epoch (see {@link BatchSource}). */
  train: BatchSource<I, T>;
  /** Validation batches, evaluated after each epoch's training into `val_loss` and `val_<metric>`. */
  val?: BatchSource<I, T>;
  /** The epoch to train up to (exclusive, 0-based): with `initialEpoch` 0, the number of epochs. */
  epochs: number;
  /** Epochs already done, when resuming (default 0); `epochs <= initialEpoch` trains nothing. */
  initialEpoch?: number;
  /** Updates the model's parameters after each batch's `backward()`. */
  optimizer: Optimizer;
  /** Called at every hook, awaited one after the other in this order. */
  callbacks?: Callback[];
  /**
   * A learning-rate scheduler, stepped after each epoch (after validation, before the callbacks'
   * `onEpochEnd`, so a checkpoint saved there holds the stepped scheduler) or after each batch.
   * A `ReduceLROnPlateau` gets the monitored value: see `schedulerMonitor`.
   */
  scheduler?: SchedulerLike;
  /** `'epoch'` (default) or `'batch'` (OneCycleLR, warm-ups counted in steps). */
  schedulerInterval?: 'epoch' | 'batch';
  /**
   * The log entry passed to the scheduler's `step(value)`. Default for `ReduceLROnPlateau`: `'val_loss'`
   * when there is validation data, else `'loss'`; other schedulers get no value unless this is set.
   */
  schedulerMonitor?: string;
  /** Clip the gradients' global 2-norm to this value before each step (`clipGradNorm_`), e.g. for RNNs. */
  clipGradNorm?: number;
  /**
   * What a NaN or infinite training loss does (default `'raise'`): `'raise'` throws a
   * {@link NonFiniteLossError} naming the epoch and batch, before `backward()`; `'stop'` skips that batch's
   * update, leaves it out of the epoch's means and stops training after the epoch (like Keras'
   * `TerminateOnNaN`, with the reason in `history.stopMessage`); `'ignore'` carries on (the weights will
   * usually become NaN too).
   */
  onNonFinite?: 'raise' | 'stop' | 'ignore';
  /** The generator the data pipeline shuffles with, put on the context so checkpoints save its state. */
  generator?: Generator;
  /** The progress display (default {@link defaultProgress}); see {@link ProgressOption}. */
  progress?: ProgressOption;
  /** Where `'lines'` and `'bar'` output goes instead of stdout (tests, custom logs). */
  progressWrite?: (text: string) => void;
  /** Logs of the epochs before `initialEpoch`, when resuming: they lead `history.epochs` and `ctx.history`. */
  history?: Logs[];
  /** Optimizer steps taken before `initialEpoch`, when resuming (default 0): the start of `ctx.globalStep`. */
  globalStep?: number;
}

/**
 * The error {@link fit} throws when the training loss is NaN or infinite (with `onNonFinite: 'raise'`):
 * a `TensorError` whose message names the epoch, the batch and the value, with the numbers as fields.
 *
 * @example
 * ```ts
 * try { await fit(model, opts); } catch (e) { if (e instanceof NonFiniteLossError) console.log(e.epoch, e.batch); }
 * ```
 */
export class NonFiniteLossError extends TensorError {
  /** The epoch (0-based). */
  readonly epoch: number;
  /** The batch within the epoch (0-based). */
  readonly batch: number;
  /** The loss value: NaN, Infinity or -Infinity. */
  readonly value: number;

  constructor(epoch: number, batch: number, value: number, epochs: number) {
    super(
      'fit',
      `the training loss is ${value} at epoch ${epoch + 1}/${epochs}, batch ${batch + 1} (0-based: epoch ${epoch}, batch ${batch}); ` +
        "lower the learning rate, clip the gradients (clipGradNorm), check the data, or pass onNonFinite: 'stop' or 'ignore'",
    );
    this.name = 'NonFiniteLossError';
    this.epoch = epoch;
    this.batch = batch;
    this.value = value;
  }
}

/** The {@link TrainingContext} the loop passes to every callback. */
class LoopContext implements TrainingContext {
  epoch: number;
  globalStep: number;
  stopTraining = false;
  stopReason: string | null = null;

  constructor(
    readonly model: nn.Module,
    readonly optimizer: Optimizer,
    readonly scheduler: SchedulerLike | null,
    readonly generator: Generator | null,
    readonly history: Logs[],
    readonly callbacks: readonly Callback[],
    epoch: number,
    globalStep: number,
  ) {
    this.epoch = epoch;
    this.globalStep = globalStep;
  }

  /** Asks the loop to stop; the first reason given is kept. */
  stop(reason: string): void {
    if (!this.stopTraining) this.stopReason = reason;
    this.stopTraining = true;
  }
}

const now = (): number => performance.now() / 1000;

/** `[input, target]` of a batch, or a TensorError saying what a batch must look like. */
function unpack<I, T>(batch: unknown, op: string, where: string): [I, T] {
  if (Array.isArray(batch) && batch.length === 2) return [batch[0] as I, batch[1] as T];
  if (batch !== null && typeof batch === 'object' && 'input' in batch && 'target' in batch) {
    const b = batch as { input: I; target: T };
    return [b.input, b.target];
  }
  const got = Array.isArray(batch) ? `an array of length ${batch.length}` : batch === null ? 'null' : typeof batch;
  throw new TensorError(op, `${where}: a batch must be [input, target] or { input, target }, got ${got}`);
}

/** The default sample count of a batch: the leading dimension of the target, else of the input. */
function defaultBatchSize(input: unknown, target: unknown): number {
  for (const x of [target, input]) {
    const t = x instanceof Tensor ? x : Array.isArray(x) && x[0] instanceof Tensor ? x[0] : null;
    if (t !== null && t.ndim > 0) return t.shape[0];
  }
  return 1;
}

/** The number of batches a source announces through a `length`, or null. */
function knownLength(source: unknown): number | null {
  const n = (source as { length?: unknown }).length;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

function iterate<I, T>(
  source: BatchSource<I, T>,
  op: string,
  what: string,
): AsyncIterable<Batch<I, T>> | Iterable<Batch<I, T>> {
  if (
    source === null ||
    typeof source !== 'object' ||
    !(Symbol.asyncIterator in source || Symbol.iterator in (source as object))
  ) {
    throw new TensorError(op, `${what} must be an iterable or async iterable of batches, got ${typeof source}`);
  }
  // Prefer the synchronous iterator where there is one (a DataLoader has both): the loop yields to the event
  // loop itself every `yieldEvery` batches, so the async iterator's own yield per batch would be a second one.
  if (Symbol.iterator in source) {
    const sync = source as Iterable<Batch<I, T>>;
    return { [Symbol.iterator]: () => sync[Symbol.iterator]() };
  }
  return source;
}

/** Everything one pass over a data source needs, resolved from the options once. */
interface Pass<I, T, O> {
  /** The function errors are reported under (`fit`, `evaluate`). */
  op: string;
  model: nn.Module;
  loss: (output: O, target: T) => Tensor;
  metrics: [string, MetricFn<O, T>][];
  forward: (model: nn.Module, input: I) => O;
  batchSize: (input: I, target: T) => number;
  signal: AbortSignal | undefined;
  yieldEvery: number;
}

function resolvePass<I, T, O>(model: nn.Module, options: EvaluateOptions<I, T, O>, op: string): Pass<I, T, O> {
  const { loss } = options;
  let lossFn: (output: O, target: T) => Tensor;
  if (typeof loss === 'function') lossFn = loss;
  else if (loss !== null && typeof loss === 'object' && typeof loss.forward === 'function') {
    lossFn = (output, target) => loss.forward(output, target);
  } else throw new TensorError(op, 'loss must be a function (output, target) => Tensor or a module with forward');
  const yieldEvery = options.yieldEvery ?? 1;
  if (!(Number.isInteger(yieldEvery) && yieldEvery >= 0)) {
    throw new TensorError(op, `yieldEvery must be an integer ≥ 0, got ${yieldEvery}`);
  }
  return {
    op,
    model,
    loss: lossFn,
    metrics: Object.entries(options.metrics ?? {}),
    forward: options.forward ?? ((m, input) => (m.forward as (x: I) => O)(input)),
    batchSize: options.batchSize ?? defaultBatchSize,
    signal: options.signal,
    yieldEvery,
  };
}

/** The loss as a one-element tensor, or a TensorError saying what came back instead. */
function checkedLoss(value: unknown, op: string, where: string): Tensor {
  if (!(value instanceof Tensor))
    throw new TensorError(op, `${where}: the loss must return a Tensor, got ${typeof value}`);
  if (value.size !== 1) {
    throw new TensorError(
      op,
      `${where}: the loss must be a single value, got shape (${value.shape.join(',')}); use reduction 'mean' or 'sum'`,
    );
  }
  return value;
}

/** The output as metrics see it: cut from the graph, so a metric can never extend it. */
function detached<O>(output: O): O {
  return output instanceof Tensor ? (output.detach() as O) : output;
}

/**
 * One evaluation pass (model in eval mode, under `noGrad`): the sample-weighted means of the loss and the
 * metrics, or null if `signal` fired first. The model's training mode is put back afterwards.
 */
async function evaluatePass<I, T, O>(pass: Pass<I, T, O>, data: BatchSource<I, T>, what: string): Promise<Logs | null> {
  const wasTraining = pass.model.training;
  pass.model.eval();
  try {
    const lossMean = new RunningMean();
    const metricMeans = pass.metrics.map(() => new RunningMean());
    let index = 0;
    for await (const raw of iterate(data, pass.op, what)) {
      if (pass.yieldEvery > 0 && index > 0 && index % pass.yieldEvery === 0) await yieldToEventLoop();
      if (pass.signal?.aborted) return null;
      const where = `${what} batch ${index}`;
      const [input, target] = unpack<I, T>(raw, pass.op, where);
      const n = pass.batchSize(input, target);
      noGrad(() => {
        const output = pass.forward(pass.model, input);
        lossMean.update(checkedLoss(pass.loss(output, target), pass.op, where).item(), n);
        pass.metrics.forEach(([, fn], i) => {
          metricMeans[i].update(fn(output, target), n);
        });
      });
      index++;
    }
    if (index === 0) throw new TensorError(pass.op, `${what} yielded no batches`);
    const logs: Logs = { loss: lossMean.value };
    pass.metrics.forEach(([name], i) => {
      logs[name] = metricMeans[i].value;
    });
    return logs;
  } finally {
    pass.model.train(wasTraining);
  }
}

/**
 * The loss and metrics of `model` over `data`, without training: the model in eval mode, under `noGrad`,
 * values averaged over samples (a batch of 32 weighs 32). The model's train/eval mode is restored
 * afterwards. Rejects with `signal.reason` (an `AbortError` by default) if `signal` fires, like `fetch`.
 *
 * @example
 * ```ts
 * const { loss, accuracy: acc } = await evaluate(model, testLoader, { loss: crossEntropy, metrics: { accuracy } });
 * ```
 */
export async function evaluate<I = Tensor, T = Tensor, O = Tensor>(
  model: nn.Module,
  data: BatchSource<I, T>,
  options: EvaluateOptions<I, T, O>,
): Promise<Logs> {
  const pass = resolvePass(model, options, 'evaluate');
  const logs = await evaluatePass(pass, data, 'the data');
  if (logs === null) {
    options.signal?.throwIfAborted();
    throw new TensorError('evaluate', 'aborted');
  }
  return logs;
}

/** Calls one hook on every callback, in order, awaiting each. */
async function each(callbacks: readonly Callback[], call: (cb: Callback) => void | Promise<void>): Promise<void> {
  for (const cb of callbacks) await call(cb);
}

/**
 * Trains `model` for `epochs` epochs and returns its {@link History} — the loop of Keras' `model.fit` and
 * Lightning's `Trainer.fit`, with PyTorch's step order.
 *
 * For each epoch from `initialEpoch` to `epochs - 1`: `model.train()`; `onEpochBegin`; for each batch of
 * `train`: `onBatchBegin` → `optimizer.zeroGrad()` → `output = forward(model, input)` →
 * `loss(output, target)` → `backward()` → (`clipGradNorm_`) → `optimizer.step()` → (scheduler step, with
 * `schedulerInterval: 'batch'`) → metrics on the detached output under `noGrad` → `onBatchEnd(batch, { loss,
 * ...metrics })`. The epoch's logs are the sample-weighted means of the batches' values; then, with `val`, the
 * model is evaluated (eval mode, `noGrad`) into `val_loss` and `val_<metric>`; `lr` (the first parameter
 * group's rate in the epoch's last update) is added; the scheduler steps (per epoch; `ReduceLROnPlateau` with the
 * monitored value); the logs are appended to `ctx.history`; `onEpochEnd(epoch, logs)`. Callbacks are
 * awaited one by one, in the order given. `onTrainBegin` comes first and `onTrainEnd` last.
 *
 * **Stopping.** `ctx.stop(reason)` (EarlyStopping, `onNonFinite: 'stop'`) ends the epoch after the current
 * batch — validation and `onEpochEnd` still run, as in Keras — and then training:
 * `stopReason: 'stopped'`, the reason in `stopMessage`. An aborted `signal` is a clean stop, like
 * Lightning's graceful interrupt rather than `fetch`'s rejection: it is checked before every batch; the
 * unfinished epoch is dropped (no validation, no `onEpochEnd`, not in the history), `onTrainEnd` still runs
 * (so EarlyStopping restores weights and a checkpoint can be written) and the promise **resolves** with
 * `stopReason: 'aborted'`. Call `signal.throwIfAborted()` afterwards for fetch-like behaviour.
 *
 * **Errors.** A non-finite training loss throws {@link NonFiniteLossError} (see `onNonFinite`); an epoch
 * whose `train` yields no batch, a malformed batch, or a loss that is not a one-element tensor throw a
 * `TensorError`. `epochs <= initialEpoch` returns an empty history without calling anything.
 *
 * @example
 * ```ts
 * const model = new nn.Linear(3, 1);
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * const history = await fit(model, {
 *   train: trainLoader,            // yields [x (N,3), y (N,1)]
 *   val: valLoader,
 *   epochs: 20,
 *   optimizer,
 *   loss: mseLoss,
 *   metrics: { mae: (out, y) => l1Loss(out, y).item() },
 *   scheduler: new ReduceLROnPlateau(optimizer, { patience: 2 }),
 *   callbacks: [new EarlyStopping({ patience: 5, restoreBestWeights: true })],
 * });
 * history.get('val_loss');
 * ```
 */
export async function fit<I = Tensor, T = Tensor, O = Tensor>(
  model: nn.Module,
  options: FitOptions<I, T, O>,
): Promise<History> {
  const op = 'fit';
  const pass = resolvePass(model, options, op);
  const { optimizer, train, val, signal } = options;
  const epochs = options.epochs;
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new TensorError(op, `epochs must be an integer ≥ 0, got ${epochs}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) {
    throw new TensorError(op, `initialEpoch must be an integer ≥ 0, got ${initialEpoch}`);
  }
  if (optimizer === undefined || optimizer === null || typeof optimizer.step !== 'function') {
    throw new TensorError(op, 'an optimizer is required');
  }
  iterate(train, op, 'train');
  if (val !== undefined) iterate(val, op, 'val');
  const interval = options.schedulerInterval ?? 'epoch';
  if (interval !== 'epoch' && interval !== 'batch') {
    throw new TensorError(op, `schedulerInterval must be 'epoch' or 'batch', got ${String(interval)}`);
  }
  const scheduler = options.scheduler ?? null;
  const monitor =
    options.schedulerMonitor ??
    (scheduler instanceof ReduceLROnPlateau ? (val !== undefined ? 'val_loss' : 'loss') : null);
  if (monitor !== null && interval === 'batch') {
    throw new TensorError(
      op,
      `a scheduler stepped with a monitored value (${monitor}) needs schedulerInterval 'epoch'`,
    );
  }
  const onNonFinite = options.onNonFinite ?? 'raise';
  if (onNonFinite !== 'raise' && onNonFinite !== 'stop' && onNonFinite !== 'ignore') {
    throw new TensorError(op, `onNonFinite must be 'raise', 'stop' or 'ignore', got ${String(onNonFinite)}`);
  }
  const clipNorm = options.clipGradNorm;
  if (clipNorm !== undefined && !(clipNorm > 0)) throw new TensorError(op, `clipGradNorm must be > 0, got ${clipNorm}`);
  const callbacks = options.callbacks ?? [];

  const ctx = new LoopContext(
    model,
    optimizer,
    scheduler,
    options.generator ?? null,
    [...(options.history ?? [])],
    callbacks,
    initialEpoch,
    options.globalStep ?? 0,
  );
  // The last epoch whose logs are in ctx.history; earlier entries (given, or restored by a callback in
  // onTrainBegin) are numbered back from it.
  let lastLogged = initialEpoch - 1;
  const result = (stopReason: StopReason, stoppedEpoch: number | null) =>
    new History({
      epochs: ctx.history,
      epoch: ctx.history.map((_, i) => lastLogged - (ctx.history.length - 1 - i)),
      stoppedEpoch,
      stopReason,
      stopMessage: ctx.stopReason,
      globalStep: ctx.globalStep,
    });
  if (epochs <= initialEpoch) return result('completed', null);

  const sink: ProgressSink = await createProgressSink(options.progress, options.progressWrite);
  const trainStart = now();
  let batchesPerEpoch = knownLength(train);
  let stopReason: StopReason = 'completed';
  let stoppedEpoch: number | null = null;
  let lastLogs: Logs = {};
  let totalSamples = 0;
  const epochTimes: number[] = [];
  try {
    await each(callbacks, (cb) => cb.onTrainBegin?.(ctx));
    for (let epoch = initialEpoch; epoch < epochs && !ctx.stopTraining; epoch++) {
      if (signal?.aborted) {
        ctx.stop(`aborted before epoch ${epoch + 1}/${epochs}`);
        stopReason = 'aborted';
        break;
      }
      ctx.epoch = epoch;
      stoppedEpoch = epoch;
      const epochStart = now();
      model.train();
      await each(callbacks, (cb) => cb.onEpochBegin?.(epoch, ctx));

      // Training batches.
      const lossMean = new RunningMean();
      const metricMeans = pass.metrics.map(() => new RunningMean());
      let batch = 0;
      let samples = 0;
      let aborted = false;
      let lrUsed = optimizer.paramGroups[0]?.lr ?? Number.NaN;
      for await (const raw of iterate(train, op, 'train')) {
        if (pass.yieldEvery > 0 && batch > 0 && batch % pass.yieldEvery === 0) await yieldToEventLoop();
        if (signal?.aborted) {
          aborted = true;
          break;
        }
        const where = `train epoch ${epoch}, batch ${batch}`;
        const [input, target] = unpack<I, T>(raw, op, where);
        await each(callbacks, (cb) => cb.onBatchBegin?.(batch, ctx));
        optimizer.zeroGrad();
        const output = pass.forward(model, input);
        const loss = checkedLoss(pass.loss(output, target), op, where);
        const lossValue = loss.item();
        const n = pass.batchSize(input, target);
        const skip = !Number.isFinite(lossValue) && onNonFinite !== 'ignore';
        if (skip) {
          const error = new NonFiniteLossError(epoch, batch, lossValue, epochs);
          if (onNonFinite === 'raise') throw error;
          ctx.stop(`non-finite loss (${lossValue}) at epoch ${epoch + 1}, batch ${batch + 1}; that update was skipped`);
        } else {
          if (!loss.requiresGrad) {
            throw new TensorError(op, `${where}: the loss does not require grad (no trainable parameter reaches it)`);
          }
          loss.backward();
          if (clipNorm !== undefined) clipGradNorm_(model.parameters(), clipNorm);
          lrUsed = optimizer.paramGroups[0]?.lr ?? Number.NaN;
          optimizer.step();
          ctx.globalStep++;
          if (scheduler !== null && interval === 'batch') scheduler.step();
        }
        const batchLogs: Logs = { loss: lossValue };
        const detachedOutput = detached(output);
        noGrad(() => {
          pass.metrics.forEach(([name, fn]) => {
            batchLogs[name] = fn(detachedOutput, target);
          });
        });
        if (!skip) {
          samples += n;
          lossMean.update(lossValue, n);
          pass.metrics.forEach(([name], i) => {
            metricMeans[i].update(batchLogs[name], n);
          });
        }
        await each(callbacks, (cb) => cb.onBatchEnd?.(batch, batchLogs, ctx));
        const elapsed = now() - epochStart;
        const running: Logs = { loss: lossMean.value };
        pass.metrics.forEach(([name], i) => {
          running[name] = metricMeans[i].value;
        });
        sink.batch({
          type: 'batch',
          epoch,
          epochs,
          batch,
          batches: batchesPerEpoch,
          samples,
          logs: running,
          samplesPerSecond: elapsed > 0 ? samples / elapsed : 0,
          elapsedSeconds: elapsed,
          etaSeconds: batchesPerEpoch === null ? null : ((batchesPerEpoch - batch - 1) * elapsed) / (batch + 1),
        });
        batch++;
        if (ctx.stopTraining) break;
      }
      const trainSeconds = now() - epochStart;
      totalSamples += samples;
      sink.trainingDone();
      if (aborted) {
        ctx.stop(`aborted in epoch ${epoch + 1}/${epochs} before batch ${batch + 1}`);
        stopReason = 'aborted';
        break;
      }
      if (batch === 0) {
        throw new TensorError(
          op,
          epoch === initialEpoch
            ? 'the training data yielded no batches'
            : `the training data yielded no batches in epoch ${epoch + 1} (it did before): pass something that can be iterated again, such as an array or a DataLoader, not a one-shot generator`,
        );
      }
      if (!ctx.stopTraining) batchesPerEpoch = batch;

      const logs: Logs = { loss: lossMean.value };
      pass.metrics.forEach(([name], i) => {
        logs[name] = metricMeans[i].value;
      });
      if (val !== undefined) {
        const valLogs = await evaluatePass(pass, val, 'val');
        if (valLogs === null) {
          ctx.stop(`aborted in epoch ${epoch + 1}/${epochs} during validation`);
          stopReason = 'aborted';
          break;
        }
        for (const [name, value] of Object.entries(valLogs)) logs[`val_${name}`] = value;
      }
      logs.lr = lrUsed;
      if (scheduler !== null && interval === 'epoch') {
        if (monitor === null) scheduler.step();
        else {
          const value = logs[monitor];
          if (value === undefined) {
            throw new TensorError(
              op,
              `the scheduler monitors "${monitor}", which is not in the logs (${Object.keys(logs).join(', ')})`,
            );
          }
          scheduler.step(value);
        }
      }
      ctx.history.push(logs);
      lastLogged = epoch;
      lastLogs = logs;
      await each(callbacks, (cb) => cb.onEpochEnd?.(epoch, logs, ctx));
      const epochSeconds = now() - epochStart;
      epochTimes.push(epochSeconds);
      const meanEpoch = epochTimes.reduce((a, b) => a + b, 0) / epochTimes.length;
      sink.epoch({
        type: 'epoch',
        epoch,
        epochs,
        batch: batch - 1,
        batches: batchesPerEpoch,
        samples,
        logs,
        samplesPerSecond: trainSeconds > 0 ? samples / trainSeconds : 0,
        elapsedSeconds: epochSeconds,
        etaSeconds: (epochs - epoch - 1) * meanEpoch,
      });
    }
    if (ctx.stopTraining && stopReason === 'completed') stopReason = 'stopped';
    await each(callbacks, (cb) => cb.onTrainEnd?.(ctx));
    sink.end({
      type: 'end',
      epoch: ctx.epoch,
      epochs,
      batch: Math.max((batchesPerEpoch ?? 1) - 1, 0),
      batches: batchesPerEpoch,
      samples: totalSamples,
      logs: lastLogs,
      samplesPerSecond: 0,
      elapsedSeconds: now() - trainStart,
      etaSeconds: 0,
      stopReason,
      stopMessage: ctx.stopReason,
    });
  } finally {
    sink.close();
  }
  return result(stopReason, stoppedEpoch);
}

/** What a {@link Trainer} is built with: {@link FitOptions} without `initialEpoch`, `history` and `globalStep`, which it tracks. */
export type TrainerOptions<I = Tensor, T = Tensor, O = Tensor> = Omit<
  FitOptions<I, T, O>,
  'initialEpoch' | 'history' | 'globalStep'
>;

/**
 * {@link fit} with memory: a trainer holds the model and options, and each `fit()` call continues where the
 * last one ended (epoch numbering, history, step count), like calling Keras' `fit` with `initial_epoch`.
 *
 * @example
 * ```ts
 * const trainer = new Trainer(model, { train, val, epochs: 10, optimizer, loss: mseLoss });
 * await trainer.fit();                 // epochs 0–9
 * await trainer.fit({ epochs: 15 });   // epochs 10–14; trainer.history covers all 15
 * await trainer.evaluate(testLoader);  // { loss, ... }
 * ```
 */
export class Trainer<I = Tensor, T = Tensor, O = Tensor> {
  /** The epochs finished so far (the next `fit` starts here). */
  epoch = 0;
  /** Optimizer steps taken so far. */
  globalStep = 0;
  /** The history of every `fit` call so far (empty before the first). */
  history: History = new History({ epochs: [] });

  constructor(
    readonly model: nn.Module,
    readonly options: TrainerOptions<I, T, O>,
  ) {}

  /**
   * Trains from the epoch the last call ended at up to `epochs` (this call's override, else the options').
   * `overrides` replace options for this call only (e.g. `{ epochs: 20, signal }`).
   */
  async fit(overrides: Partial<TrainerOptions<I, T, O>> = {}): Promise<History> {
    const options = { ...this.options, ...overrides };
    const history = await fit(this.model, {
      ...options,
      initialEpoch: this.epoch,
      history: this.history.epochs,
      globalStep: this.globalStep,
    });
    this.history = history;
    this.epoch = history.epoch.length > 0 ? history.epoch[history.epoch.length - 1] + 1 : this.epoch;
    this.globalStep = history.globalStep;
    return history;
  }

  /** {@link evaluate} with this trainer's loss, metrics and forward; `data` defaults to the `val` option. */
  async evaluate(data?: BatchSource<I, T>): Promise<Logs> {
    const source = data ?? this.options.val;
    if (source === undefined) throw new TensorError('Trainer.evaluate', 'no data given and no val option');
    return evaluate(this.model, source, this.options);
  }
}
