import type { Logs } from './callback';

/**
 * Why {@link fit} returned: it ran every epoch (`'completed'`), a callback or `onNonFinite: 'stop'` called
 * `ctx.stop(reason)` (`'stopped'`, the reason is in {@link History.stopMessage}), or its `AbortSignal`
 * fired (`'aborted'`).
 */
export type StopReason = 'completed' | 'stopped' | 'aborted';

/** Plain-data form of a {@link History}, as {@link History.toJSON} writes it. */
export interface HistoryData {
  epochs: Logs[];
  epoch: number[];
  stoppedEpoch: number | null;
  stopReason: StopReason;
  stopMessage: string | null;
  globalStep: number;
}

/**
 * What {@link fit} returns: the logs of every finished epoch (training means, `val_*` entries and `lr`),
 * and how training ended. Like Keras' `History`, with accessors for plotting.
 *
 * @example
 * ```ts
 * const history = await fit(model, { train, val, epochs: 20, optimizer, loss: mseLoss });
 * history.get('val_loss');   // [0.91, 0.52, …], one value per epoch
 * history.epoch;             // [0, 1, …], the (0-based) epoch of each entry
 * if (history.stopReason === 'stopped') console.log(history.stopMessage);
 * ```
 */
export class History {
  /** The logs of each finished epoch, oldest first (after a resume: the epochs before it too, if given). */
  readonly epochs: Logs[];
  /** The 0-based number of the epoch each entry of {@link History.epochs} belongs to (Keras' `history.epoch`). */
  readonly epoch: number[];
  /** The last epoch that ran (0-based; an aborted epoch counts), or null when none ran. */
  stoppedEpoch: number | null;
  /** Why training ended. */
  stopReason: StopReason;
  /** The human-readable reason given to `ctx.stop()`, or what aborted; null when training completed. */
  stopMessage: string | null;
  /** Optimizer steps taken since training began, across resumes. */
  globalStep: number;

  constructor(data: Partial<HistoryData> & { epochs: Logs[] }) {
    this.epochs = data.epochs;
    this.epoch = data.epoch ?? data.epochs.map((_, i) => i);
    this.stoppedEpoch = data.stoppedEpoch ?? null;
    this.stopReason = data.stopReason ?? 'completed';
    this.stopMessage = data.stopMessage ?? null;
    this.globalStep = data.globalStep ?? 0;
  }

  /**
   * The values of one log entry, one per epoch (NaN for an epoch that did not log it).
   *
   * @example
   * ```ts
   * const losses = history.get('loss');
   * ```
   */
  get(key: string): number[] {
    return this.epochs.map((logs) => (key in logs ? logs[key] : Number.NaN));
  }

  /** Every key logged in any epoch, in the order they first appeared. */
  keys(): string[] {
    const seen = new Set<string>();
    for (const logs of this.epochs) for (const k of Object.keys(logs)) seen.add(k);
    return [...seen];
  }

  /** The logs of the last finished epoch, or undefined when none finished. */
  get last(): Logs | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  /** A plain-data copy (what `JSON.stringify(history)` writes; NaN and ±Infinity become null there). */
  toJSON(): HistoryData {
    return {
      epochs: this.epochs.map((l) => ({ ...l })),
      epoch: this.epoch.slice(),
      stoppedEpoch: this.stoppedEpoch,
      stopReason: this.stopReason,
      stopMessage: this.stopMessage,
      globalStep: this.globalStep,
    };
  }
}

/** Options of {@link logsToCsv}. */
export interface LogsToCsvOptions {
  /** Field separator (default `','`). */
  separator?: string;
  /** The epoch number of each row (default: `history.epoch`, or 0, 1, … for a plain array). */
  epoch?: readonly number[];
}

/**
 * The logs of each epoch as CSV text, like Keras' `CSVLogger` file: a header `epoch,<keys…>` (keys in the
 * order they first appeared) and one row per epoch; a value an epoch did not log is left empty, NaN is
 * written `NaN`. Pure: nothing is written anywhere.
 *
 * @example
 * ```ts
 * logsToCsv([{ loss: 0.5, val_loss: 0.6 }, { loss: 0.4, val_loss: 0.55 }]);
 * // 'epoch,loss,val_loss\n0,0.5,0.6\n1,0.4,0.55\n'
 * await writeFile('history.csv', logsToCsv(history));
 * ```
 */
export function logsToCsv(history: History | readonly Logs[], options: LogsToCsvOptions = {}): string {
  const epochs = history instanceof History ? history.epochs : history;
  const numbers = options.epoch ?? (history instanceof History ? history.epoch : epochs.map((_, i) => i));
  const sep = options.separator ?? ',';
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const logs of epochs) {
    for (const k of Object.keys(logs)) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  const quote = (s: string) =>
    s.includes(sep) || s.includes('"') || s.includes('\n') ? `"${s.replace(/"/g, '""')}"` : s;
  const lines = [['epoch', ...keys].map(quote).join(sep)];
  epochs.forEach((logs, i) => {
    lines.push([String(numbers[i] ?? i), ...keys.map((k) => (k in logs ? String(logs[k]) : ''))].join(sep));
  });
  return `${lines.join('\n')}\n`;
}
