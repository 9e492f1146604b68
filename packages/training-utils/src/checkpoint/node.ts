/**
 * Checkpoint files in Node: atomic saving (a crash or `kill -9` mid-save leaves the previous checkpoint intact),
 * loading, cleanup of temporary files left by killed writers, and the `ModelCheckpoint` callback.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TensorError } from '@tensorloom/tensor-core';
import { writeFileAtomic } from '@tensorloom/tensor-core/node';
import {
  type CheckpointInfo,
  type CheckpointParts,
  type CheckpointTargets,
  type LoadCheckpointOptions,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';
import { ModelCheckpointBase, type ModelCheckpointOptions } from './model-checkpoint';

/**
 * The temporary-file names of tensor-core's `writeFileAtomic`: `.<file name>.<writer pid>.<12 hex>.tmp`, in the
 * target's directory. The crash test checks that this still matches what `writeFileAtomic` writes.
 */
function tempFilePattern(file: string): RegExp {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

/** Whether a process with this id exists (a process we may not signal exists too). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Deletes the temporary files that atomic saves to `path` left behind when their process died mid-write (killed,
 * out of memory, power cut): files named `.<name>.<pid>.<hex>.tmp` beside `path` whose writer process no longer
 * exists. Temporary files of running processes, this one included, are in flight and left alone.
 * {@link saveCheckpointFile} calls this before every save, so at most one stale temporary file (that of the last
 * writer killed) exists at a time; call it yourself to clean up after the last crash.
 *
 * Process ids are only meaningful on this machine: on a file system shared between machines, a file written by
 * another machine's process may be deleted while in flight (its rename then fails and that save reports the error).
 *
 * @param path - the checkpoint path whose temporary files to delete
 * @returns the paths deleted
 *
 * @example
 * ```ts
 * const removed = await removeStaleCheckpointTempFiles('runs/last.safetensors');
 * ```
 */
export async function removeStaleCheckpointTempFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const pattern = tempFilePattern(basename(path));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processExists(pid)) continue;
    const stale = join(dir, name);
    await rm(stale, { force: true });
    removed.push(stale);
  }
  return removed;
}

/**
 * Saves a checkpoint ({@link saveCheckpoint}) to a file atomically: the bytes go to a temporary file that is
 * flushed to disk and renamed over `path`, so `path` always holds a complete checkpoint, old or new, whenever the
 * process dies. Temporary files of earlier writers that died are deleted first
 * ({@link removeStaleCheckpointTempFiles}). The directory must exist.
 *
 * @example
 * ```ts
 * await saveCheckpointFile('runs/epoch3.safetensors', { model, optimizer, scheduler, generator, epoch: 3 });
 * ```
 */
export async function saveCheckpointFile(path: string, parts: CheckpointParts): Promise<void> {
  const bytes = saveCheckpoint(parts);
  await removeStaleCheckpointTempFiles(path);
  await writeFileAtomic(path, bytes);
}

/**
 * Loads a checkpoint file into `into` ({@link loadCheckpoint}); errors name the file.
 *
 * @returns the saved epoch (epochs completed), global step and `extra`
 *
 * @example
 * ```ts
 * const { epoch } = await loadCheckpointFile('runs/last.safetensors', { model, optimizer, scheduler, generator });
 * ```
 */
export async function loadCheckpointFile(
  path: string,
  into: CheckpointTargets,
  options?: LoadCheckpointOptions,
): Promise<CheckpointInfo> {
  const bytes = new Uint8Array(await readFile(path));
  try {
    return loadCheckpoint(bytes, into, options);
  } catch (error) {
    if (error instanceof Error) error.message = `${error.message} (file ${path})`;
    throw error;
  }
}

/**
 * Options of {@link ModelCheckpoint}: where the files go, plus {@link ModelCheckpointOptions}. Give either
 * `filepath`, a template that may contain directories, or `dirpath` with an optional `filename` template.
 *
 * @example
 * ```ts
 * const options: ModelCheckpointFileOptions = { dirpath: 'runs/a', filename: 'ckpt-{epoch:02d}.safetensors' };
 * ```
 */
export interface ModelCheckpointFileOptions extends ModelCheckpointOptions {
  /** Template of each checkpoint's path, e.g. `'runs/ckpt-epoch{epoch:02d}-{val_loss:.4f}.safetensors'`. */
  filepath?: string;
  /** The directory checkpoints go in (created if missing). */
  dirpath?: string;
  /** Template of each checkpoint's file name in `dirpath`. Default `'ckpt-epoch{epoch:02d}.safetensors'`. */
  filename?: string;
}

/**
 * Saves checkpoints to files during training (Keras's and Lightning's `ModelCheckpoint`): at the end of every
 * `everyNEpochs`-th epoch, to a path filled in from a template — `{epoch}` is the number of epochs completed,
 * `{step}` the global step, other fields come from the epoch's logs (`{val_loss:.4f}`). It tracks the best
 * checkpoint by `monitor`/`mode` ({@link ModelCheckpoint.bestPath}), can save only improvements
 * (`saveBestOnly`), keep only the newest few (`keepLast`, never deleting the best) and keep a
 * `last.safetensors` to resume from (`saveLast`). Files are written atomically.
 *
 * A checkpoint holds everything from the training context (model, optimizer, scheduler, generator, epoch, global
 * step) and the callbacks' states (this one's included), unless `saveWeightsOnly`. Its own state (best value,
 * kept files) is saved under `key` so that a resumed run carries on deleting and comparing correctly.
 *
 * @example
 * ```ts
 * const early = new EarlyStopping({ patience: 5, restoreBestWeights: true });
 * const ckpt = new ModelCheckpoint({
 *   dirpath: 'runs/mlp', filename: 'ckpt-epoch{epoch:02d}-{val_loss:.4f}.safetensors',
 *   monitor: 'val_loss', keepLast: 3, saveLast: true, callbacks: [early],
 * });
 * const options = { train, val, epochs: 20, optimizer, scheduler, generator, loss: crossEntropy, callbacks: [early, ckpt] };
 * await fit(model, options);
 * console.log(ckpt.bestPath); // 'runs/mlp/ckpt-epoch12-0.2871.safetensors'
 *
 * // After a crash: build everything anew, restore, and carry on where the last epoch ended.
 * const { epoch, globalStep, extra } = await loadCheckpointFile('runs/mlp/last.safetensors',
 *   { model, optimizer, scheduler, generator, callbacks: [early, ckpt] });
 * await fit(model, { ...options, initialEpoch: epoch, globalStep, history: (extra as { history: Logs[] }).history });
 * ```
 */
export class ModelCheckpoint extends ModelCheckpointBase {
  /**
   * @param options - `filepath`, or `dirpath` (+ `filename`), and {@link ModelCheckpointOptions}
   */
  constructor(options: ModelCheckpointFileOptions) {
    const op = 'ModelCheckpoint';
    if ((options.filepath === undefined) === (options.dirpath === undefined)) {
      throw new TensorError(op, 'give either `filepath` (a template) or `dirpath` (with an optional `filename`)');
    }
    if (options.filepath !== undefined && options.filename !== undefined) {
      throw new TensorError(op, '`filename` goes with `dirpath`; with `filepath`, put the name in it');
    }
    // A directory is literal text: its braces are escaped so that they are not read as template fields.
    const escapedDir = options.dirpath?.replace(/[{}]/g, (c) => c + c);
    const template =
      options.filepath ?? join(escapedDir as string, options.filename ?? 'ckpt-epoch{epoch:02d}.safetensors');
    const dir = options.dirpath ?? dirname(template);
    let last: string | null = null;
    if (options.saveLast) {
      if (options.dirpath === undefined && /[{}]/.test(dir)) {
        throw new TensorError(op, 'with `saveLast`, the directory part of `filepath` must not contain template fields');
      }
      last = join(dir, options.saveLast === true ? 'last.safetensors' : options.saveLast);
    }
    super(template, last, options);
  }

  protected async write(path: string, bytes: Uint8Array): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await removeStaleCheckpointTempFiles(path);
    await writeFileAtomic(path, bytes);
  }

  protected async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}
