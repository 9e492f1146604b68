import type { Generator, nn, Tensor } from '@tensorloom/tensor-core';
import type { Optimizer } from '../optim/optimizer';

/** JSON-safe data: what callbacks and schedulers put into a checkpoint's metadata. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Metric values by name for one batch or epoch, e.g. `{ loss: 0.31, accuracy: 0.9, val_loss: 0.35 }`. */
export type Logs = Record<string, number>;

/** Something with a `step()` and a state dict: any LR scheduler (ReduceLROnPlateau's step takes the metric). */
export interface SchedulerLike {
  // `| Tensor` so that ReduceLROnPlateau, whose step(metric: number | Tensor) requires the value, fits too.
  step(metric?: number | Tensor): void;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/**
 * What every callback sees: the objects being trained and the loop's position. Callbacks may read and change
 * it (e.g. `stop()`), never replace it.
 */
export interface TrainingContext {
  readonly model: nn.Module;
  readonly optimizer: Optimizer;
  readonly scheduler: SchedulerLike | null;
  /** The generator the loop shuffles and draws dropout masks with (saved in checkpoints). */
  readonly generator: Generator | null;
  /** Epoch being run, 0-based; after training, the last epoch run. */
  epoch: number;
  /** Optimizer steps taken since training began (across epochs and resumes). */
  globalStep: number;
  /** Logs of every finished epoch so far, oldest first. */
  readonly history: Logs[];
  /** The callbacks of this run, in order (a checkpoint saves the state of each). */
  readonly callbacks: readonly Callback[];
  /** Set by {@link TrainingContext.stop}; the loop ends after the current batch or epoch. */
  stopTraining: boolean;
  /** Why training stopped early, e.g. `"EarlyStopping: val_loss did not improve by 0.001 for 3 epochs"`. */
  stopReason: string | null;
  /** Asks the loop to stop, recording why. */
  stop(reason: string): void;
}

/**
 * A hook into the training loop, like Keras callbacks and Lightning's. Every method is optional and may be
 * async (the loop awaits it). A callback that keeps state across epochs (EarlyStopping's best value and wait
 * counter, ModelCheckpoint's list of files) exposes it through `stateDict`/`loadStateDict` under a stable
 * `key`, so a checkpoint can restore it and a resumed run behaves exactly like an uninterrupted one.
 */
export interface Callback {
  /** Stable name under which the callback's state is saved in checkpoints (defaults to its class name). */
  readonly key?: string;
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  onTrainEnd?(ctx: TrainingContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: TrainingContext): void | Promise<void>;
  /** `logs` holds the epoch's training means and, after validation, `val_*` entries. */
  onEpochEnd?(epoch: number, logs: Logs, ctx: TrainingContext): void | Promise<void>;
  onBatchBegin?(batch: number, ctx: TrainingContext): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, ctx: TrainingContext): void | Promise<void>;
  /** JSON-safe state to put in a checkpoint. */
  stateDict?(): JsonValue;
  /** Restores what {@link Callback.stateDict} returned. */
  loadStateDict?(state: JsonValue): void;
}

/** The key a callback's state is saved under. */
export function callbackKey(cb: Callback): string {
  return cb.key ?? cb.constructor.name;
}
