import { noGrad, type Tensor, TensorError } from '@tensorloom/tensor-core';
import type { Callback, JsonValue, Logs, TrainingContext } from './callback';

/** Options of {@link EarlyStopping}; every one has Keras' default. */
export interface EarlyStoppingOptions {
  /** The log entry to watch (default `'val_loss'`). */
  monitor?: string;
  /**
   * `'min'`: the value should go down; `'max'`: up; `'auto'` (default): from the name, without a `val_`
   * prefix — losses and errors (`loss`, `mse`, `mae`, `error`, `perplexity`, …) are minimised, scores
   * (`acc…`, `auc`, `f1`, `precision`, `recall`, `iou`, `dice`, `r2`, …) maximised; any other name is an
   * error asking for an explicit mode (Keras 3 raises too).
   */
  mode?: 'min' | 'max' | 'auto';
  /** Epochs without improvement after which training stops (default 0: the first epoch that does not improve). */
  patience?: number;
  /** How much better than the best a value must be to count as an improvement (default 0); its sign is ignored. */
  minDelta?: number;
  /**
   * A value the monitored quantity must beat (default none). The wait counter is reset only by an epoch that
   * improves on both the best so far and the baseline, so a run that never beats the baseline stops after
   * `patience` epochs.
   */
  baseline?: number | null;
  /**
   * Keep a copy of the weights of the best epoch and load them back when training ends (default false),
   * whether or not training was stopped early; the copy is taken whether or not the epoch beat `baseline`.
   */
  restoreBestWeights?: boolean;
  /** Epochs to let pass before watching at all, a warm-up (default 0). Compared with the 0-based epoch. */
  startFromEpoch?: number;
  /** Print a line when stopping and when restoring weights (default false), with `console.log`. */
  verbose?: boolean;
}

/** Names whose value should go up, after stripping `val_` (matched as substrings). */
const MAXIMIZED = ['acc', 'auc', 'f1', 'fmeasure', 'precision', 'recall', 'iou', 'dice', 'r2', 'ap', 'bleu', 'score'];
/** Names whose value should go down (checked first, so `'acc_loss'` is minimised). */
const MINIMIZED = ['loss', 'error', 'err', 'mse', 'mae', 'rmse', 'mape', 'perplexity', 'ppl', 'nll', 'kl', 'distance'];

/** The direction of a metric from its name, for `mode: 'auto'`; null when the name says nothing. */
export function inferMode(monitor: string): 'min' | 'max' | null {
  const name = monitor.replace(/^val_/, '').toLowerCase();
  const words = name.split(/[^a-z0-9]+/).filter((w) => w !== '');
  const has = (list: string[]) => list.some((w) => words.includes(w) || (w.length > 2 && name.includes(w)));
  if (has(MINIMIZED)) return 'min';
  if (has(MAXIMIZED)) return 'max';
  return null;
}

/** Formats a metric value for a message: 4 significant decimals, exponent notation for tiny or huge values. */
function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(3) : String(Number(x.toFixed(4)));
}

/**
 * Stops training when a monitored quantity has stopped improving — Keras 3's `EarlyStopping`
 * (`keras/src/callbacks/early_stopping.py`), decision for decision.
 *
 * At the end of each epoch from `startFromEpoch` on, with `current = logs[monitor]`:
 * `wait += 1`; if `current` improves on the best (`current + minDelta < best` in min mode,
 * `current - minDelta > best` in max mode) it becomes the best, its epoch `bestEpoch` (and its weights, with
 * `restoreBestWeights`), and `wait` goes back to 0 if it also improves on `baseline` (when set). Otherwise,
 * once `wait >= patience` (and the epoch is not epoch 0), it records `stoppedEpoch` and calls
 * `ctx.stop(reason)` with a message such as
 * `"EarlyStopping: val_loss did not improve by more than 0.001 for 3 epochs (best 0.2874 at epoch 5);
 * restoring the weights of epoch 5"` — epochs in messages count from 1, like the progress display; the
 * fields `bestEpoch` and `stoppedEpoch` are 0-based like `ctx.epoch`. An epoch whose logs lack `monitor`
 * is skipped with a warning (once per run), as in Keras.
 *
 * With `restoreBestWeights`, the best weights are loaded back in `onTrainEnd`, **whether or not training was
 * stopped early** (Keras ≥ 2.11 / Keras 3; older Keras restored only when it stopped). If no epoch was
 * monitored, nothing is restored.
 *
 * **Checkpoints.** {@link EarlyStopping.stateDict} is JSON: `{ monitor, mode, wait, best, bestEpoch,
 * stoppedEpoch }` (`best` is null while it is ±Infinity). The best weights are tensors, so they are not in
 * it: a checkpoint stores {@link EarlyStopping.bestWeights} (a map like `model.stateDict()`, or null) as
 * tensors beside it and gives them back with {@link EarlyStopping.setBestWeights}. A callback whose state was
 * loaded is not reset by the next `onTrainBegin`, so a resumed run continues counting; otherwise
 * `onTrainBegin` resets everything and one instance can serve several runs.
 *
 * @example
 * ```ts
 * const early = new EarlyStopping({ monitor: 'val_loss', patience: 3, minDelta: 1e-3, restoreBestWeights: true });
 * const history = await fit(model, { train, val, epochs: 100, optimizer, loss: mseLoss, callbacks: [early] });
 * history.stopMessage; // 'EarlyStopping: val_loss did not improve by more than 0.001 for 3 epochs (best …'
 * early.bestEpoch;     // 0-based epoch whose weights the model now has
 * ```
 */
export class EarlyStopping implements Callback {
  /** The key of this callback's state in a checkpoint. */
  readonly key = 'EarlyStopping';
  /** The log entry watched. */
  readonly monitor: string;
  /** The direction, resolved from `'auto'`. */
  readonly mode: 'min' | 'max';
  /** Epochs without improvement tolerated. */
  readonly patience: number;
  /** The improvement required, ≥ 0. */
  readonly minDelta: number;
  /** The value to beat, or null. */
  readonly baseline: number | null;
  /** Whether the best weights are kept and restored. */
  readonly restoreBestWeights: boolean;
  /** First (0-based) epoch watched. */
  readonly startFromEpoch: number;
  /** Whether to print when stopping and restoring. */
  readonly verbose: boolean;

  /** Epochs counted since the last improvement (Keras' `wait`). */
  wait = 0;
  /** The best value seen (+Infinity in min mode, -Infinity in max mode before the first). */
  best: number;
  /** The 0-based epoch of the best value, or null before the first watched epoch. */
  bestEpoch: number | null = null;
  /** The 0-based epoch in which this callback stopped training, or null if it did not. */
  stoppedEpoch: number | null = null;

  private savedWeights: Map<string, Tensor> | null = null;
  private loaded = false;
  private warned = false;

  constructor(options: EarlyStoppingOptions = {}) {
    const op = 'EarlyStopping';
    this.monitor = options.monitor ?? 'val_loss';
    const mode = options.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
      throw new TensorError(op, `mode must be 'min', 'max' or 'auto', got ${String(mode)}`);
    }
    const resolved = mode === 'auto' ? inferMode(this.monitor) : mode;
    if (resolved === null) {
      throw new TensorError(
        op,
        `cannot tell from its name whether "${this.monitor}" should be minimised or maximised; pass mode: 'min' or mode: 'max'`,
      );
    }
    this.mode = resolved;
    this.patience = options.patience ?? 0;
    if (!(Number.isInteger(this.patience) && this.patience >= 0)) {
      throw new TensorError(op, `patience must be an integer ≥ 0, got ${this.patience}`);
    }
    const minDelta = options.minDelta ?? 0;
    if (!Number.isFinite(minDelta)) throw new TensorError(op, `minDelta must be a finite number, got ${minDelta}`);
    this.minDelta = Math.abs(minDelta);
    this.baseline = options.baseline ?? null;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = options.startFromEpoch ?? 0;
    this.verbose = options.verbose ?? false;
    this.best = this.worst;
  }

  private get worst(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /**
   * Whether `value` improves on `reference` by more than `minDelta` in this callback's direction (Keras'
   * `_is_improvement`: `monitor_op(value - min_delta, reference)` with `min_delta` negated in min mode).
   */
  isImprovement(value: number, reference: number): boolean {
    return this.mode === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  /** Resets the state for a new run, unless {@link EarlyStopping.loadStateDict} restored it for this one. */
  onTrainBegin(): void {
    this.warned = false;
    if (this.loaded) {
      this.loaded = false;
      return;
    }
    this.wait = 0;
    this.best = this.worst;
    this.bestEpoch = null;
    this.stoppedEpoch = null;
    this.savedWeights = null;
  }

  /** Watches `logs[monitor]` and stops training when it has not improved for `patience` epochs. */
  onEpochEnd(epoch: number, logs: Logs, ctx: TrainingContext): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      if (!this.warned) {
        this.warned = true;
        console.warn(
          `EarlyStopping: the monitored "${this.monitor}" is not in the logs (available: ${Object.keys(logs).join(', ')}); this epoch is skipped`,
        );
      }
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.savedWeights === null) {
      // Until an epoch improves, the current weights are the best there are.
      this.savedWeights = snapshot(ctx);
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.savedWeights = snapshot(ctx);
      // Only an epoch that beats both the best so far and the baseline restarts the count.
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      const message = this.stopMessage();
      if (this.verbose) console.log(`Epoch ${epoch + 1}: early stopping. ${message}`);
      ctx.stop(message);
    }
  }

  /** Loads the best weights back into the model when `restoreBestWeights` is set and some epoch was watched. */
  onTrainEnd(ctx: TrainingContext): void {
    if (!this.restoreBestWeights || this.savedWeights === null) return;
    if (this.verbose && this.bestEpoch !== null) {
      console.log(`EarlyStopping: restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
    }
    ctx.model.loadStateDict(this.savedWeights);
  }

  private stopMessage(): string {
    const by = this.minDelta > 0 ? ` by more than ${fmt(this.minDelta)}` : '';
    const count = this.wait === 1 ? '1 epoch' : `${this.wait} epochs`;
    const details: string[] = [];
    if (Number.isFinite(this.best)) {
      details.push(`best ${fmt(this.best)}${this.bestEpoch === null ? '' : ` at epoch ${this.bestEpoch + 1}`}`);
    }
    if (this.baseline !== null && !this.isImprovement(this.best, this.baseline)) {
      details.push(`the baseline ${fmt(this.baseline)} was never beaten`);
    }
    const paren = details.length > 0 ? ` (${details.join('; ')})` : '';
    const restore =
      this.restoreBestWeights && this.bestEpoch !== null
        ? `; restoring the weights of epoch ${this.bestEpoch + 1}`
        : '';
    return `EarlyStopping: ${this.monitor} did not improve${by} for ${count}${paren}${restore}`;
  }

  /**
   * The weights of the best epoch (deep copies of `model.stateDict()`'s tensors, keyed like it), or null when
   * `restoreBestWeights` is off or no epoch has been watched yet. For checkpoints: store these tensors next to
   * {@link EarlyStopping.stateDict} and hand them back with {@link EarlyStopping.setBestWeights}. Treat them as
   * read-only.
   */
  bestWeights(): Map<string, Tensor> | null {
    return this.savedWeights === null ? null : new Map(this.savedWeights);
  }

  /**
   * Sets the best weights, as {@link EarlyStopping.bestWeights} returned them (a map or a plain object of
   * tensors; they are copied), or clears them with null. Used when restoring a checkpoint.
   */
  setBestWeights(weights: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>> | null): void {
    if (weights === null) {
      this.savedWeights = null;
      return;
    }
    const entries = weights instanceof Map ? [...weights.entries()] : Object.entries(weights);
    this.savedWeights = noGrad(() => new Map(entries.map(([k, t]) => [k, t.detach().clone()])));
  }

  /**
   * The counters as JSON: `{ monitor, mode, wait, best, bestEpoch, stoppedEpoch }`, `best` null while it is
   * ±Infinity. The best weights are not included: see {@link EarlyStopping.bestWeights}.
   */
  stateDict(): JsonValue {
    return {
      monitor: this.monitor,
      mode: this.mode,
      wait: this.wait,
      best: Number.isFinite(this.best) ? this.best : null,
      bestEpoch: this.bestEpoch,
      stoppedEpoch: this.stoppedEpoch,
    };
  }

  /**
   * Restores what {@link EarlyStopping.stateDict} returned; the next `onTrainBegin` then keeps it instead of
   * resetting. Throws if the state was saved by a callback watching another quantity or direction.
   */
  loadStateDict(state: JsonValue): void {
    const op = 'EarlyStopping.loadStateDict';
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw new TensorError(op, 'expected the object returned by EarlyStopping.stateDict()');
    }
    if (state.monitor !== this.monitor || state.mode !== this.mode) {
      throw new TensorError(
        op,
        `the state watches ${String(state.monitor)} (${String(state.mode)}), this callback ${this.monitor} (${this.mode})`,
      );
    }
    const num = (v: JsonValue | undefined, name: string): number => {
      if (typeof v !== 'number') throw new TensorError(op, `${name} must be a number, got ${JSON.stringify(v)}`);
      return v;
    };
    const numOrNull = (v: JsonValue | undefined, name: string): number | null => (v === null ? null : num(v, name));
    this.wait = num(state.wait, 'wait');
    this.best = numOrNull(state.best, 'best') ?? this.worst;
    this.bestEpoch = numOrNull(state.bestEpoch, 'bestEpoch');
    this.stoppedEpoch = numOrNull(state.stoppedEpoch, 'stoppedEpoch');
    this.loaded = true;
  }
}

/** A deep copy of the model's state dict: cloned tensors that later optimizer steps do not change. */
function snapshot(ctx: TrainingContext): Map<string, Tensor> {
  return noGrad(() => {
    const out = new Map<string, Tensor>();
    for (const [k, t] of ctx.model.stateDict()) out.set(k, t.clone());
    return out;
  });
}
