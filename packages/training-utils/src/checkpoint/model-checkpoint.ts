/**
 * What `ModelCheckpoint` (files, Node) and `IndexedDBModelCheckpoint` (browser) share: when to save, which
 * checkpoint is the best, which to keep, and the callback state that makes a resumed run keep doing the same.
 * Where the bytes go is left to the subclass.
 */
import { TensorError } from '@tensorloom/tensor-core';
import type { Callback, JsonValue, Logs, TrainingContext } from '../training/callback';
import { saveCheckpoint } from './checkpoint';
import { formatCheckpointName, parseTemplate } from './template';

/** Whether a lower (`'min'`) or higher (`'max'`) monitored value is better; `'auto'` guesses from the name. */
export type CheckpointMode = 'min' | 'max' | 'auto';

/**
 * Options shared by `ModelCheckpoint` and `IndexedDBModelCheckpoint`, under Keras's and Lightning's names.
 *
 * @example
 * ```ts
 * const options: ModelCheckpointOptions = { monitor: 'val_accuracy', mode: 'max', saveBestOnly: true, saveLast: true };
 * ```
 */
export interface ModelCheckpointOptions {
  /** The logged value that decides which checkpoint is best. Default `'val_loss'`. */
  monitor?: string;
  /**
   * Default `'auto'`: `'max'` if the monitored name contains `acc`, `auc`, `f1`, `precision` or `recall`,
   * else `'min'`.
   */
  mode?: CheckpointMode;
  /**
   * Save only when the monitored value improves on the best so far (Keras's `save_best_only`). Older bests stay
   * unless the template gives them the same name or `keepLast` removes them. Default false.
   */
  saveBestOnly?: boolean;
  /** Save after every n-th epoch (Lightning's `every_n_epochs`); other epochs are not candidates. Default 1. */
  everyNEpochs?: number;
  /**
   * Also write the newest state, every epoch, to one fixed name — the file to resume from: `true` for
   * `last.safetensors` beside the checkpoints (`'last'` in IndexedDB), or a name. Default false.
   */
  saveLast?: boolean | string;
  /**
   * Keep only the `keepLast` newest checkpoints, plus the best if it is older (the best is never deleted). Only
   * checkpoints this callback wrote are deleted. Default: keep all.
   */
  keepLast?: number;
  /** Save only the model's weights, no optimizer, scheduler, generator or callback state. Default false. */
  saveWeightsOnly?: boolean;
  /**
   * The callbacks whose state goes into each checkpoint (EarlyStopping's counters and best weights). Default:
   * all the callbacks of the run (`ctx.callbacks`). This callback is always included.
   */
  callbacks?: readonly Callback[];
  /** The key this callback's own state is saved under. Default `'ModelCheckpoint'`. */
  key?: string;
}

/**
 * The state of a checkpoint callback, as saved in checkpoints: the best value and where it is, and the
 * checkpoints written so far, oldest first.
 */
export interface ModelCheckpointState {
  /** The best monitored value so far, null before the first (JSON has no Infinity). */
  best: number | null;
  /** Where the best checkpoint is, or null. */
  bestPath: string | null;
  /** Where the newest checkpoint went, or null. */
  lastPath: string | null;
  /** The checkpoints written and not yet deleted, oldest first. */
  kept: string[];
  [key: string]: JsonValue;
}

const MAX_WORDS = /acc|auc|f1|fmeasure|precision|recall/i;

/**
 * Base class of the checkpoint callbacks: at the end of every `everyNEpochs`-th epoch it decides whether to save,
 * names the checkpoint from the template (`{epoch}` is the number of epochs completed, `{step}` the global step,
 * any other field an entry of the epoch's logs), writes it, and deletes checkpoints beyond `keepLast`.
 *
 * Subclasses say where bytes go: `ModelCheckpoint` to files, `IndexedDBModelCheckpoint` to IndexedDB.
 *
 * @example
 * ```ts
 * class MemoryCheckpoint extends ModelCheckpointBase {
 *   files = new Map<string, Uint8Array>();
 *   constructor() { super('epoch{epoch}', 'last', {}); }
 *   protected async write(path: string, bytes: Uint8Array) { this.files.set(path, bytes); }
 *   protected async remove(path: string) { this.files.delete(path); }
 * }
 * ```
 */
export abstract class ModelCheckpointBase implements Callback {
  /** The key this callback's state is saved under in checkpoints. */
  readonly key: string;
  /** The logged value that decides the best checkpoint. */
  readonly monitor: string;
  /** `'min'` or `'max'` (resolved from `'auto'`). */
  readonly mode: 'min' | 'max';
  /** Whether only improvements of the monitored value are saved. */
  readonly saveBestOnly: boolean;
  /** Saves after every n-th epoch. */
  readonly everyNEpochs: number;
  /** How many of the newest checkpoints are kept (besides the best); null keeps all. */
  readonly keepLast: number | null;
  /** Whether checkpoints hold the model's weights only. */
  readonly saveWeightsOnly: boolean;
  /** The best monitored value among saved checkpoints; null before one was saved with the value logged. */
  best: number | null = null;
  /** Where the best checkpoint is; null if none yet. */
  bestPath: string | null = null;
  /** Where the newest checkpoint (not counting the "last" copy) was written. */
  lastPath: string | null = null;
  /** Checkpoints written and not deleted, oldest first (not counting the "last" copy). */
  kept: string[] = [];
  /** The template checkpoints are named from. */
  readonly template: string;
  /** Where `saveLast` writes; null if it is off. */
  readonly lastCheckpointPath: string | null;
  private readonly callbacks: readonly Callback[] | undefined;

  /**
   * @param template - the checkpoint name template (see {@link formatCheckpointName})
   * @param lastName - where `saveLast` writes (null: off)
   * @param options - see {@link ModelCheckpointOptions}
   */
  protected constructor(template: string, lastName: string | null, options: ModelCheckpointOptions) {
    const op = 'ModelCheckpoint';
    parseTemplate(template); // a bad template fails now, not after the first epoch
    this.template = template;
    this.lastCheckpointPath = lastName;
    this.key = options.key ?? 'ModelCheckpoint';
    this.monitor = options.monitor ?? 'val_loss';
    const mode = options.mode ?? 'auto';
    if (mode !== 'min' && mode !== 'max' && mode !== 'auto') {
      throw new TensorError(op, `mode must be 'min', 'max' or 'auto', got ${String(mode)}`);
    }
    this.mode = mode === 'auto' ? (MAX_WORDS.test(this.monitor) ? 'max' : 'min') : mode;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.everyNEpochs = options.everyNEpochs ?? 1;
    if (!Number.isInteger(this.everyNEpochs) || this.everyNEpochs < 1) {
      throw new TensorError(op, `everyNEpochs must be a positive integer, got ${options.everyNEpochs}`);
    }
    this.keepLast = options.keepLast ?? null;
    if (this.keepLast !== null && (!Number.isInteger(this.keepLast) || this.keepLast < 1)) {
      throw new TensorError(op, `keepLast must be a positive integer, got ${options.keepLast}`);
    }
    this.saveWeightsOnly = options.saveWeightsOnly ?? false;
    this.callbacks = options.callbacks;
  }

  /** Writes a checkpoint's bytes to `path`, replacing what is there, atomically where the storage allows. */
  protected abstract write(path: string, bytes: Uint8Array): Promise<void>;

  /** Deletes the checkpoint at `path`; a missing one is not an error. */
  protected abstract remove(path: string): Promise<void>;

  /** Turns a filled-in template into a storage path (e.g. resolves it against a directory). */
  protected locate(name: string): string {
    return name;
  }

  /** Whether `current` improves on `best` in this callback's mode. NaN never does. */
  isBetter(current: number, best: number | null): boolean {
    if (Number.isNaN(current)) return false;
    if (best === null) return true;
    return this.mode === 'min' ? current < best : current > best;
  }

  /**
   * Saves at the end of an epoch: every `everyNEpochs`-th epoch, a checkpoint named from the template (with
   * `saveBestOnly`, only if the monitored value improved; an epoch whose logs lack it is then skipped), then the
   * "last" copy, then deletes what `keepLast` no longer keeps. The checkpoint records `epoch + 1` epochs
   * completed (pass it to `fit` as `initialEpoch`), the global step, this callback's updated state, and
   * `extra: { logs, history }` — this epoch's logs and `ctx.history` (pass it to `fit` as `history`).
   */
  async onEpochEnd(epoch: number, logs: Logs, ctx: TrainingContext): Promise<void> {
    const completed = epoch + 1;
    let bytes: Uint8Array | null = null;
    const toDelete: string[] = [];
    if (completed % this.everyNEpochs === 0) {
      const current = logs[this.monitor];
      const improved = typeof current === 'number' && this.isBetter(current, this.best);
      if (!this.saveBestOnly || improved) {
        const values: Record<string, number> = { ...logs, epoch: completed, step: ctx.globalStep };
        const path = this.locate(formatCheckpointName(this.template, values));
        if (improved) {
          this.best = current;
          this.bestPath = path;
        } else if (path === this.bestPath) {
          // The template gave this epoch the best checkpoint's name: that file no longer holds the best.
          this.bestPath = null;
        }
        this.lastPath = path;
        this.kept = this.kept.filter((p) => p !== path);
        this.kept.push(path);
        if (this.keepLast !== null) {
          const older = this.kept.slice(0, Math.max(0, this.kept.length - this.keepLast));
          const excess = older.filter((p) => p !== this.bestPath);
          this.kept = this.kept.filter((p) => !excess.includes(p));
          toDelete.push(...excess);
        }
        // The state above goes into the checkpoint, so a run resumed from it deletes and compares the same way.
        bytes = this.serialize(completed, logs, ctx);
        await this.write(path, bytes);
      }
    }
    if (this.lastCheckpointPath !== null) {
      await this.write(this.lastCheckpointPath, bytes ?? this.serialize(completed, logs, ctx));
    }
    // Deleted only once the new checkpoint is safely written, so a crash never leaves fewer than keepLast.
    for (const path of toDelete) {
      if (path !== this.lastCheckpointPath) await this.remove(path);
    }
  }

  private serialize(completed: number, logs: Logs, ctx: TrainingContext): Uint8Array {
    // The epoch's logs, and every finished epoch's, which `fit({ history })` takes back when resuming.
    const extra = { logs, history: ctx.history.slice() };
    if (this.saveWeightsOnly) {
      return saveCheckpoint({ model: ctx.model, epoch: completed, globalStep: ctx.globalStep, extra });
    }
    const given = this.callbacks ?? ctx.callbacks;
    const callbacks = given.includes(this) ? given : [...given, this];
    return saveCheckpoint({
      model: ctx.model,
      optimizer: ctx.optimizer,
      scheduler: ctx.scheduler,
      generator: ctx.generator,
      epoch: completed,
      globalStep: ctx.globalStep,
      callbacks,
      extra,
    });
  }

  /**
   * The best value, the best and newest checkpoints' paths and the kept checkpoints (JSON-safe: no best yet is
   * null, not ±Infinity).
   */
  stateDict(): ModelCheckpointState {
    return { best: this.best, bestPath: this.bestPath, lastPath: this.lastPath, kept: this.kept.slice() };
  }

  /** Restores what {@link ModelCheckpointBase.stateDict} returned. */
  loadStateDict(state: JsonValue): void {
    const s = state as Partial<ModelCheckpointState> | null;
    const ok =
      s !== null &&
      typeof s === 'object' &&
      (s.best === null || typeof s.best === 'number') &&
      (s.bestPath === null || typeof s.bestPath === 'string') &&
      (s.lastPath === null || typeof s.lastPath === 'string') &&
      Array.isArray(s.kept) &&
      s.kept.every((p) => typeof p === 'string');
    if (!ok) throw new TensorError('ModelCheckpoint.loadStateDict', 'expected a state returned by stateDict()');
    this.best = s.best ?? null;
    this.bestPath = s.bestPath ?? null;
    this.lastPath = s.lastPath ?? null;
    this.kept = (s.kept as string[]).slice();
  }
}
