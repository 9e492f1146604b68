import { TensorError } from '@tensorloom/tensor-core';
// Types only: the module itself is loaded on demand, in Node, by `loadCliProgress`.
import type * as CliProgress from 'cli-progress';
import type { Logs } from './callback';
import type { StopReason } from './history';

/**
 * One report of {@link fit}'s progress, as the `progress` function option receives it — plain data, so a
 * Web Worker can `postMessage` it to the page as it is.
 *
 * - `'batch'`: after each training batch; `logs` are the epoch's running means so far (`loss` and metrics),
 *   `etaSeconds` the estimated time left in the epoch's training batches (null while their number is unknown).
 * - `'epoch'`: after each epoch (validation and callbacks included); `logs` are the epoch's logs (`val_*`
 *   and `lr` included), `etaSeconds` the estimated time left for the remaining epochs.
 * - `'end'`: once, when training ends (not when it throws); `logs` are the last epoch's, `stopReason` and
 *   `stopMessage` say why it ended, `elapsedSeconds` is the whole run.
 *
 * `epoch` and `batch` are 0-based like the callbacks' arguments: `batch + 1` of `batches` are done.
 */
export interface ProgressEvent {
  type: 'batch' | 'epoch' | 'end';
  /** The epoch (0-based). */
  epoch: number;
  /** The number of epochs training runs to (the `epochs` option). */
  epochs: number;
  /** The last finished batch of this epoch (0-based). */
  batch: number;
  /** Batches per epoch, or null when the data has no `length` and no epoch has finished yet. */
  batches: number | null;
  /** Training samples seen so far in this epoch (`'end'`: in the whole run). */
  samples: number;
  /** Running means (`'batch'`) or the epoch's logs (`'epoch'`, `'end'`). */
  logs: Logs;
  /** Training throughput of this epoch so far: samples / seconds spent in its training batches. */
  samplesPerSecond: number;
  /** Seconds since the epoch began (`'end'`: since training began). */
  elapsedSeconds: number;
  /** Estimated seconds left (see above), null when unknown. */
  etaSeconds: number | null;
  /** `'end'` only: why training ended. */
  stopReason?: StopReason;
  /** `'end'` only: the stop message, or null. */
  stopMessage?: string | null;
}

/**
 * How {@link fit} shows progress: `'bar'` — a progress bar per epoch (the `cli-progress` package) and a
 * summary line at each epoch's end, for terminals; `'lines'` — one summary line per epoch, for logs;
 * `'none'`; or a function that receives every {@link ProgressEvent}.
 */
export type ProgressOption = 'bar' | 'lines' | 'none' | ((event: ProgressEvent) => void);

/** What the loop reports to; one per `fit` call. */
export interface ProgressSink {
  batch(event: ProgressEvent): void;
  /** The epoch's training batches are done (validation follows). */
  trainingDone(): void;
  epoch(event: ProgressEvent): void;
  end(event: ProgressEvent): void;
  /** Releases the terminal (stops a running bar); called even when training throws. */
  close(): void;
}

/** The part of Node's `process` the display needs, typed here so that browsers' builds need no Node types. */
interface NodeProcessLike {
  versions?: { node?: string };
  stdout?: { isTTY?: boolean; columns?: number; write(text: string): boolean };
}

function nodeProcess(): NodeProcessLike | undefined {
  const proc = (globalThis as { process?: NodeProcessLike }).process;
  return proc?.versions?.node !== undefined ? proc : undefined;
}

/**
 * The display used when `progress` is not given: a bar when Node's stdout is a terminal, lines when it is
 * not (CI logs, a pipe), and nothing outside Node (browsers, workers), where a page passes a function.
 */
export function defaultProgress(): 'bar' | 'lines' | 'none' {
  const proc = nodeProcess();
  if (proc?.stdout === undefined) return 'none';
  return proc.stdout.isTTY === true ? 'bar' : 'lines';
}

/**
 * Formats a metric value: 4 decimals, exponent notation below 1e-3 or from 1e5 on, `nan`/`inf` as words.
 *
 * @example
 * ```ts
 * formatValue(0.287412); // '0.2874'
 * formatValue(3e-5);     // '3.000e-5'
 * ```
 */
export function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(3);
  return x.toFixed(4);
}

/** `0.42` → `'0.42s'`, `75` → `'1m 15s'`, `3725` → `'1h 02m'`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 10) return `${seconds.toFixed(2)}s`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `loss: 0.2874 - accuracy: 0.9012`: logs in their order, Keras' layout. */
export function formatLogs(logs: Logs, separator = ' - '): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(separator);
}

/**
 * The summary line of an epoch, as `'lines'` mode prints it and `'bar'` mode prints under the bar:
 * `Epoch 3/10 - 12/12 batches - 1.21s - 820 samples/s - loss: 0.2874 - val_loss: 0.3011 - lr: 0.0100`.
 */
export function formatEpochLine(event: ProgressEvent): string {
  const parts = [
    `Epoch ${event.epoch + 1}/${event.epochs}`,
    `${event.batch + 1}/${event.batches ?? event.batch + 1} batches`,
    formatDuration(event.elapsedSeconds),
    `${Math.round(event.samplesPerSecond)} samples/s`,
  ];
  const logs = formatLogs(event.logs);
  if (logs !== '') parts.push(logs);
  return parts.join(' - ');
}

/** The line printed when training ends early: `Stopped after epoch 6: EarlyStopping: …` or `Aborted …`. */
function formatEndLine(event: ProgressEvent): string | null {
  if (event.stopReason === 'completed' || event.stopReason === undefined) return null;
  const what = event.stopReason === 'aborted' ? 'Aborted' : 'Stopped';
  return `${what} in epoch ${event.epoch + 1}/${event.epochs}${event.stopMessage ? `: ${event.stopMessage}` : ''}`;
}

/** Where lines go by default: Node's stdout, else `console.log`. */
function defaultWrite(): (text: string) => void {
  const stdout = nodeProcess()?.stdout;
  if (stdout !== undefined) return (text) => void stdout.write(text);
  return (text) => console.log(text.replace(/\n$/, ''));
}

const silentSink: ProgressSink = {
  batch() {},
  trainingDone() {},
  epoch() {},
  end() {},
  close() {},
};

/** Events to a user function. */
function eventSink(fn: (event: ProgressEvent) => void): ProgressSink {
  return {
    batch: fn,
    trainingDone() {},
    epoch: fn,
    end: fn,
    close() {},
  };
}

/** One line per epoch, and one more if training ends early. */
function linesSink(write: (text: string) => void): ProgressSink {
  return {
    batch() {},
    trainingDone() {},
    epoch(event) {
      write(`${formatEpochLine(event)}\n`);
    },
    end(event) {
      const line = formatEndLine(event);
      if (line !== null) write(`${line}\n`);
    },
    close() {},
  };
}

type CliProgressModule = typeof CliProgress;

/**
 * Loads `cli-progress` (CommonJS) when a bar is wanted. The specifier is a variable and the bundler hints
 * tell Vite, webpack and Rollup to leave the import alone, so a browser bundle of this package never
 * contains `cli-progress` or the Node built-ins (`readline`, `events`) it requires.
 */
async function loadCliProgress(): Promise<CliProgressModule> {
  const specifier = 'cli-progress';
  const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as
    | CliProgressModule
    | { default: CliProgressModule };
  return 'default' in mod ? mod.default : mod;
}

/**
 * A `cli-progress` bar per epoch — `Epoch 3/10 [████░░░░] 37/100 | loss: 0.2874 | 820 samples/s | ETA 4s` —
 * replaced at the epoch's end by its summary line.
 */
function barSink(lib: CliProgressModule, write: ((text: string) => void) | undefined): ProgressSink {
  const stdout = nodeProcess()?.stdout;
  // An injected `write` gets a minimal TTY stream around it (cli-progress writes cursor moves through it).
  const stream =
    write === undefined
      ? stdout
      : {
          isTTY: true,
          columns: 100,
          write(text: string, cb?: () => void) {
            write(text);
            cb?.();
            return true;
          },
        };
  if (stream === undefined) {
    throw new TensorError('fit', "progress: 'bar' needs Node's process.stdout (or a progressWrite function)");
  }
  const out = write ?? ((text: string) => void stream.write(text));
  let bar: CliProgress.SingleBar | null = null;
  const stopBar = () => {
    if (bar !== null) {
      bar.stop();
      bar = null;
    }
  };
  return {
    batch(event) {
      const payload = {
        epochLabel: `${event.epoch + 1}/${event.epochs}`,
        metrics: formatLogs(event.logs, ' · '),
        rate: String(Math.round(event.samplesPerSecond)),
      };
      if (bar === null) {
        const known = event.batches !== null;
        bar = new lib.SingleBar({
          format: known
            ? 'Epoch {epochLabel} {bar} {value}/{total} | {metrics} | {rate} samples/s | ETA {eta_formatted}'
            : 'Epoch {epochLabel} batch {value} | {metrics} | {rate} samples/s',
          stream: stream as NodeJS.WritableStream,
          barsize: 24,
          barCompleteChar: '█',
          barIncompleteChar: '░',
          clearOnComplete: true,
          hideCursor: null,
          linewrap: null,
          etaBuffer: 50,
          fps: 10,
        });
        bar.start(event.batches ?? 0, event.batch + 1, payload);
      } else {
        bar.update(event.batch + 1, payload);
      }
    },
    trainingDone: stopBar,
    epoch(event) {
      stopBar();
      out(`${formatEpochLine(event)}\n`);
    },
    end(event) {
      stopBar();
      const line = formatEndLine(event);
      if (line !== null) out(`${line}\n`);
    },
    close: stopBar,
  };
}

/**
 * The display for a `progress` option (see {@link ProgressOption}); `undefined` picks {@link defaultProgress}.
 * `write` replaces where text goes (Node's stdout, or `console.log` outside Node).
 */
export async function createProgressSink(
  progress: ProgressOption | undefined,
  write?: (text: string) => void,
): Promise<ProgressSink> {
  const mode = progress ?? defaultProgress();
  if (typeof mode === 'function') return eventSink(mode);
  switch (mode) {
    case 'none':
      return silentSink;
    case 'lines':
      return linesSink(write ?? defaultWrite());
    case 'bar':
      if (nodeProcess() === undefined) {
        throw new TensorError('fit', "progress: 'bar' needs Node (a terminal); in a browser pass a function");
      }
      return barSink(await loadCliProgress(), write);
    default:
      throw new TensorError('fit', `progress must be 'bar', 'lines', 'none' or a function, got ${String(mode)}`);
  }
}
