/**
 * The checkpoint format: one safetensors file holding everything a training run needs to resume exactly —
 * model weights, optimizer state, scheduler state, the random generator, callback states — so that a run saved
 * after epoch 3 and resumed into fresh objects ends bit for bit where an uninterrupted run ends.
 *
 * Browser-safe (bytes in, bytes out); `checkpoint/node.ts` adds files, `indexeddb.ts` browser storage.
 *
 * Layout. Tensors, by name:
 *
 * - `model.<key>`: the model's `stateDict()` (buffers keep their `safetensorsDtype`, so BatchNorm's
 *   `num_batches_tracked` is stored as I64 as PyTorch stores it);
 * - `optimizer.state.<paramIndex>.<name>`: the optimizer's tensor-valued state (`exp_avg`, `momentum_buffer`, …),
 *   numbered as in `optimizer.stateDict()`;
 * - `callback.<key>.best.<modelKey>`: a callback's best weights, for callbacks that have `bestWeights()`
 *   (EarlyStopping with `restoreBestWeights`).
 *
 * Metadata: one entry, `tensorloom.checkpoint`, holding the JSON of {@link CheckpointMetadata}: format name and
 * version, epoch, global step, the optimizer's state dict without its tensors (`param_groups`, plain per-parameter
 * values such as `step`, and each parameter's shape), the scheduler's state dict, the generator's state, each
 * callback's `stateDict()` by key, the names of saved best weights, `extra`, the list of model keys, and last a
 * `checksum`. Infinity, NaN and -0 survive the JSON as `{"$number": "Infinity"}` etc.
 *
 * Checksum. Safetensors has none, so a flipped bit in tensor data would load as a silently different weight. The
 * JSON's last field is `"checksum":"crc32:xxxxxxxx"`: CRC-32 over every tensor, in name order (code-unit order),
 * as the UTF-8 of `name \0 dtype \0 shape-joined-by-commas \0` followed by its data bytes, and then over the
 * UTF-8 of the metadata JSON text without the checksum field (the text up to `,"checksum"` plus the closing `}`).
 */
import {
  type DType,
  decodeTensorData,
  encodeTensorData,
  fmtShape,
  Generator,
  type GeneratorState,
  nn,
  parseSafetensors,
  type RawTensor,
  type SafetensorsDType,
  serializeSafetensors,
  Tensor,
  TensorError,
} from '@tensorloom/tensor-core';
import type { Optimizer, OptimizerStateDict, ParamState } from '../optim/optimizer';
import { type Callback, callbackKey, type JsonValue } from '../training/callback';
import { crc32 } from './crc32';
import { parseExact, stringifyExact } from './json';

/** The safetensors metadata key under which a checkpoint keeps its JSON. */
export const CHECKPOINT_METADATA_KEY = 'tensorloom.checkpoint';
/** The `format` field of every checkpoint's metadata. */
export const CHECKPOINT_FORMAT = 'tensorloom-checkpoint';
/** The format version this code writes, and the newest it reads. */
export const CHECKPOINT_VERSION = 1;

/**
 * What a checkpoint needs of a learning-rate scheduler: its state as JSON-safe data and a way to restore it. Every
 * `LRScheduler`, `ReduceLROnPlateau` and the training context's `SchedulerLike` fit.
 *
 * @example
 * ```ts
 * const scheduler: CheckpointScheduler = new StepLR(optimizer, { stepSize: 10 });
 * ```
 */
export interface CheckpointScheduler {
  /** The scheduler's state as JSON-safe data (Infinity and NaN are kept). */
  stateDict(): unknown;
  /** Restores what `stateDict()` returned. */
  loadStateDict(state: never): void;
}

/**
 * What to put into a checkpoint. Only `model` is required; leave out what you do not want saved (a weights-only
 * checkpoint is `{ model }`).
 *
 * @example
 * ```ts
 * const parts: CheckpointParts = { model, optimizer, scheduler, generator, epoch: 3, globalStep: 375, callbacks };
 * ```
 */
export interface CheckpointParts {
  /** The model whose `stateDict()` is saved. */
  model: nn.Module;
  /** Its optimizer: hyperparameters of every group and every parameter's state. */
  optimizer?: Optimizer | null;
  /** A learning-rate scheduler (anything with a JSON-safe `stateDict()`). */
  scheduler?: CheckpointScheduler | null;
  /** The generator the loop shuffles and draws dropout masks with. */
  generator?: Generator | null;
  /**
   * Epochs completed when saving (Keras's convention: pass it as `initialEpoch` to resume). Default 0.
   * `ModelCheckpoint` saves `epoch + 1` at the end of 0-based epoch `epoch`.
   */
  epoch?: number;
  /** Optimizer steps taken so far. Default 0. */
  globalStep?: number;
  /**
   * Callbacks whose state to save: each one's `stateDict()` under `callbackKey(cb)`, and its `bestWeights()`
   * if it has that method. Callbacks with neither are skipped.
   */
  callbacks?: readonly Callback[];
  /** Anything else JSON-safe to keep with the checkpoint (a config, a git hash, the epoch's logs). */
  extra?: JsonValue;
}

/**
 * The objects a checkpoint is loaded into. The model is required; every other object given is restored and
 * must be in the checkpoint (unless `strict: false`). Parts of the checkpoint with no object here are ignored.
 *
 * @example
 * ```ts
 * const into: CheckpointTargets = { model, optimizer, scheduler, generator, callbacks: [earlyStopping] };
 * ```
 */
export interface CheckpointTargets {
  /** Must have the checkpoint's keys and shapes exactly. */
  model: nn.Module;
  /** Must have as many parameter groups, each with as many parameters of the same shapes. */
  optimizer?: Optimizer | null;
  /** Gets the saved `stateDict()` back through its `loadStateDict()`. */
  scheduler?: CheckpointScheduler | null;
  /** Gets the saved state back, so it draws the same numbers next. */
  generator?: Generator | null;
  /** Each stateful one gets the state saved under its key; one with `setBestWeights` gets its best weights. */
  callbacks?: readonly Callback[];
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /**
   * Default true: every optimizer, scheduler, generator and stateful callback given in `into` must have its
   * state in the checkpoint (loading a weights-only file into a training setup is an error, not a silent
   * half-restore). False: what the checkpoint lacks is left as it is.
   */
  strict?: boolean;
}

/**
 * What {@link loadCheckpoint} returns besides restoring the objects: where the run was.
 *
 * @example
 * ```ts
 * const { epoch, globalStep, extra } = loadCheckpoint(bytes, { model, optimizer });
 * ```
 */
export interface CheckpointInfo {
  /** Epochs completed when saved: the epoch to resume at. */
  epoch: number;
  /** Optimizer steps taken when saved. */
  globalStep: number;
  /** What was passed as `extra` (null if nothing). */
  extra: JsonValue;
}

/** The optimizer part of {@link CheckpointMetadata}: its state dict minus the tensors, plus parameter shapes. */
export interface CheckpointOptimizerMetadata {
  /** Hyperparameters of each group with the numbers of its parameters, as in `optimizer.stateDict()`. */
  param_groups: OptimizerStateDict['param_groups'];
  /** Per-parameter non-tensor state (`step`, or null entries) by parameter number; tensors are in the file. */
  state: Record<string, Record<string, number | null>>;
  /** The shape of each parameter, by parameter number, to check the optimizer loaded into. */
  param_shapes: number[][];
}

/**
 * The JSON stored under the `tensorloom.checkpoint` metadata key (see the module comment for the whole layout).
 *
 * @example
 * ```ts
 * const meta = readCheckpointMetadata(bytes);
 * console.log(meta.epoch, Object.keys(meta.callbacks));
 * ```
 */
export interface CheckpointMetadata {
  /** Always `'tensorloom-checkpoint'`. */
  format: typeof CHECKPOINT_FORMAT;
  /** The format version, 1. */
  version: number;
  /** Epochs completed when saved. */
  epoch: number;
  /** Optimizer steps taken when saved. */
  globalStep: number;
  /** Null in a checkpoint saved without an optimizer. */
  optimizer: CheckpointOptimizerMetadata | null;
  /** The scheduler's `stateDict()`; null if none was saved. */
  scheduler: JsonValue;
  /** The generator's `getState()`; null if none was saved. */
  generator: GeneratorState | null;
  /** Each stateful callback's `stateDict()`, by callback key. */
  callbacks: Record<string, JsonValue>;
  /** For callbacks with `bestWeights()`: the saved model keys (tensors `callback.<key>.best.<modelKey>`), or null. */
  bestWeights: Record<string, string[] | null>;
  /** What was passed as `extra`, or null. */
  extra: JsonValue;
  /** The model's state-dict keys in order (tensors `model.<key>`). */
  modelKeys: string[];
  /** `crc32:` and 8 hex digits, over the tensors and the rest of this JSON (see the module comment). */
  checksum: string;
}

/**
 * Thrown for a checkpoint that cannot be saved or loaded; the message starts with `saving checkpoint:` or
 * `loading checkpoint:` and says which part failed. When it wraps another error (the safetensors reader's, the
 * model's `loadStateDict`) that error is its `cause` and its message is included.
 *
 * @example
 * ```ts
 * try { loadCheckpoint(bytes, { model }); } catch (e) { if (e instanceof CheckpointError) console.error(e.message); }
 * ```
 */
export class CheckpointError extends TensorError {
  /**
   * @param op - `'saving checkpoint'` or `'loading checkpoint'`
   * @param message - what went wrong
   * @param options - `cause`: the wrapped error
   */
  constructor(op: string, message: string, options?: { cause?: unknown }) {
    super(op, message);
    this.name = 'CheckpointError';
    if (options !== undefined && 'cause' in options) this.cause = options.cause;
  }
}

/**
 * A callback that keeps a copy of the best weights (EarlyStopping with `restoreBestWeights`): saved with the
 * checkpoint when it has `bestWeights()`, restored when it has `setBestWeights()`.
 */
interface BestWeightsHolder {
  bestWeights(): ReadonlyMap<string, Tensor> | null;
  setBestWeights?(weights: Map<string, Tensor> | null): void;
}

function holdsBestWeights(cb: Callback): cb is Callback & BestWeightsHolder {
  return typeof (cb as Partial<BestWeightsHolder>).bestWeights === 'function';
}

const SAVE = 'saving checkpoint';
const LOAD = 'loading checkpoint';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkCount(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new CheckpointError(op, `${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** A deep copy of `value` through the checkpoint's JSON, so that what is saved is checked to be JSON-safe. */
function jsonCopy(value: unknown, what: string): JsonValue {
  return parseExact(stringifyExact(value ?? null, what)) as JsonValue;
}

/**
 * Serialises a training run's state into one safetensors file (see the module comment for the layout).
 * Tensors are written in their own dtype, so loading gives back the same bits.
 *
 * @param parts - the model and whatever else to save ({@link CheckpointParts})
 * @returns the file's bytes: write them to disk (`saveCheckpointFile` from `@tensorloom/training-utils/node`),
 *   download them ({@link downloadCheckpoint}) or store them ({@link saveCheckpointToIndexedDB})
 * @throws CheckpointError - if a state dict holds something that is not JSON-safe, two callbacks share a key,
 *   or `epoch`/`globalStep` is not a non-negative integer
 *
 * @example
 * ```ts
 * const bytes = saveCheckpoint({ model, optimizer, scheduler, generator, epoch: 3, globalStep: 375 });
 * // later, into freshly built objects:
 * const { epoch } = loadCheckpoint(bytes, { model, optimizer, scheduler, generator });
 * ```
 */
export function saveCheckpoint(parts: CheckpointParts): Uint8Array {
  if (parts === null || typeof parts !== 'object' || !(parts.model instanceof nn.Module)) {
    throw new CheckpointError(SAVE, '`model` must be an nn.Module');
  }
  const tensors = new Map<string, Tensor>();
  const modelKeys: string[] = [];
  for (const [key, t] of parts.model.stateDict()) {
    tensors.set(`model.${key}`, t);
    modelKeys.push(key);
  }

  let optimizer: CheckpointOptimizerMetadata | null = null;
  if (parts.optimizer) {
    const sd = parts.optimizer.stateDict();
    const state: CheckpointOptimizerMetadata['state'] = {};
    for (const [index, entry] of Object.entries(sd.state)) {
      const plain: Record<string, number | null> = {};
      for (const [name, value] of Object.entries(entry)) {
        if (value instanceof Tensor) tensors.set(`optimizer.state.${index}.${name}`, value);
        else plain[name] = value;
      }
      state[index] = plain;
    }
    // Parameters are numbered in group order, as optimizer.stateDict() numbers them.
    const paramShapes = parts.optimizer.paramGroups.flatMap((g) => g.params.map((p) => p.shape.slice()));
    optimizer = { param_groups: sd.param_groups, state, param_shapes: paramShapes };
  }

  const callbacks: Record<string, JsonValue> = {};
  const bestWeights: Record<string, string[] | null> = {};
  const seen = new Set<string>();
  for (const cb of parts.callbacks ?? []) {
    const stateful = typeof cb.stateDict === 'function';
    const holder = holdsBestWeights(cb);
    if (!stateful && !holder) continue;
    const key = callbackKey(cb);
    if (seen.has(key)) {
      throw new CheckpointError(
        SAVE,
        `two callbacks save their state under the key "${key}"; give one of them a different \`key\``,
      );
    }
    seen.add(key);
    if (stateful) callbacks[key] = jsonCopy(cb.stateDict?.(), `callback "${key}" state`);
    if (holder) {
      const weights = cb.bestWeights();
      if (weights === null) {
        bestWeights[key] = null;
      } else {
        const names: string[] = [];
        for (const [name, t] of weights) {
          if (!(t instanceof Tensor)) {
            throw new CheckpointError(SAVE, `callback "${key}" best weight "${name}" is not a Tensor`);
          }
          tensors.set(`callback.${key}.best.${name}`, t);
          names.push(name);
        }
        bestWeights[key] = names;
      }
    }
  }

  const metadata: Omit<CheckpointMetadata, 'checksum'> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    epoch: checkCount(SAVE, 'epoch', parts.epoch ?? 0),
    globalStep: checkCount(SAVE, 'globalStep', parts.globalStep ?? 0),
    optimizer,
    scheduler: parts.scheduler ? jsonCopy(parts.scheduler.stateDict(), 'the scheduler state') : null,
    generator: parts.generator ? parts.generator.getState() : null,
    callbacks,
    bestWeights,
    extra: jsonCopy(parts.extra ?? null, '`extra`'),
    modelKeys,
  };
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of tensors) {
    const fileDtype = (t as { safetensorsDtype?: SafetensorsDType }).safetensorsDtype;
    raw.set(name, encodeTensorData(t.dtype as DType, t.shape, t.data, fileDtype));
  }
  const body = stringifyExact(metadata, 'the checkpoint metadata');
  const text = `${body.slice(0, -1)},"checksum":"${checksum(raw, body)}"}`;
  return serializeSafetensors(raw, { [CHECKPOINT_METADATA_KEY]: text });
}

/** The checksum of a checkpoint's tensors and metadata body (see the module comment). */
function checksum(tensors: ReadonlyMap<string, RawTensor>, body: string): string {
  const utf8 = new TextEncoder();
  let c = 0;
  for (const name of [...tensors.keys()].sort()) {
    const r = tensors.get(name) as RawTensor;
    c = crc32(utf8.encode(`${name}\0${r.dtype}\0${r.shape.join(',')}\0`), c);
    c = crc32(r.data, c);
  }
  c = crc32(utf8.encode(body), c);
  return `crc32:${c.toString(16).padStart(8, '0')}`;
}

/** The checksum field, always the JSON's last, and what precedes it. */
const CHECKSUM_FIELD = /,"checksum":"(crc32:[0-9a-f]{8})"\}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function corrupt(message: string): CheckpointError {
  return new CheckpointError(LOAD, `the checkpoint is malformed: ${message}`);
}

/**
 * Parses and checks the metadata JSON and the checksum; every field is validated so that later steps can trust it.
 */
function parseMetadata(contents: { tensors: ReadonlyMap<string, RawTensor>; metadata: Record<string, string> }) {
  const text = contents.metadata[CHECKPOINT_METADATA_KEY];
  if (text === undefined) {
    throw new CheckpointError(
      LOAD,
      `not a Tensorloom checkpoint: the safetensors metadata has no "${CHECKPOINT_METADATA_KEY}" entry (for a plain weights file use loadSafetensors and model.loadStateDict)`,
    );
  }
  let meta: unknown;
  try {
    meta = parseExact(text);
  } catch (error) {
    throw new CheckpointError(
      LOAD,
      `the "${CHECKPOINT_METADATA_KEY}" metadata is not valid JSON: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  if (!isRecord(meta)) throw corrupt(`the "${CHECKPOINT_METADATA_KEY}" metadata is not a JSON object`);
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(
      LOAD,
      `unknown checkpoint format ${JSON.stringify(meta.format)} (expected "${CHECKPOINT_FORMAT}")`,
    );
  }
  if (typeof meta.version !== 'number' || !Number.isInteger(meta.version) || meta.version < 1) {
    throw new CheckpointError(LOAD, `invalid checkpoint format version ${JSON.stringify(meta.version)}`);
  }
  if (meta.version > CHECKPOINT_VERSION) {
    throw new CheckpointError(
      LOAD,
      `the checkpoint has format version ${meta.version}, newer than this library reads (${CHECKPOINT_VERSION}); upgrade @tensorloom/training-utils`,
    );
  }
  const sum = CHECKSUM_FIELD.exec(text);
  if (sum === null) throw corrupt('the metadata has no checksum');
  const computed = checksum(contents.tensors, `${text.slice(0, sum.index)}}`);
  if (computed !== sum[1]) {
    throw new CheckpointError(
      LOAD,
      `the checkpoint is corrupted: its checksum is ${sum[1]} but its contents give ${computed} (a damaged file or an incomplete copy)`,
    );
  }
  checkCount(LOAD, 'the saved epoch', meta.epoch);
  checkCount(LOAD, 'the saved globalStep', meta.globalStep);
  if (!Array.isArray(meta.modelKeys) || !meta.modelKeys.every((k) => typeof k === 'string')) {
    throw corrupt('"modelKeys" is not a list of strings');
  }
  if (!isRecord(meta.callbacks)) throw corrupt('"callbacks" is not an object');
  if (!isRecord(meta.bestWeights)) throw corrupt('"bestWeights" is not an object');
  for (const [key, names] of Object.entries(meta.bestWeights)) {
    if (names !== null && !(Array.isArray(names) && names.every((n) => typeof n === 'string'))) {
      throw corrupt(`"bestWeights" of callback "${key}" is neither null nor a list of names`);
    }
  }
  if (meta.generator !== null && !isRecord(meta.generator)) throw corrupt('"generator" is not an object');
  if (meta.optimizer !== null) {
    const opt = meta.optimizer;
    if (
      !isRecord(opt) ||
      !Array.isArray(opt.param_groups) ||
      !isRecord(opt.state) ||
      !Array.isArray(opt.param_shapes)
    ) {
      throw corrupt('"optimizer" lacks "param_groups", "state" or "param_shapes"');
    }
  }
  return meta as unknown as CheckpointMetadata;
}

/**
 * Reads a checkpoint's metadata (epoch, global step, which parts it holds, callback states, `extra`) without
 * loading it into anything. The whole file is validated as safetensors first.
 *
 * @throws CheckpointError - for bytes that are not a valid safetensors file or not a Tensorloom checkpoint
 *
 * @example
 * ```ts
 * const { epoch, globalStep, optimizer } = readCheckpointMetadata(bytes);
 * console.log(`saved after ${epoch} epochs; ${optimizer ? 'full' : 'weights-only'} checkpoint`);
 * ```
 */
export function readCheckpointMetadata(bytes: Uint8Array): CheckpointMetadata {
  return parseMetadata(readSafetensors(bytes));
}

function readSafetensors(bytes: Uint8Array): ReturnType<typeof parseSafetensors> {
  if (!(bytes instanceof Uint8Array)) {
    throw new CheckpointError(LOAD, `expected the checkpoint's bytes as a Uint8Array, got ${typeof bytes}`);
  }
  try {
    return parseSafetensors(bytes);
  } catch (error) {
    throw new CheckpointError(LOAD, messageOf(error), { cause: error });
  }
}

/** A file tensor as a Tensor (as `loadSafetensors` makes it: I64 entries stay marked I64 for saving again). */
function toTensor(name: string, raw: RawTensor): Tensor {
  let decoded: ReturnType<typeof decodeTensorData>;
  try {
    decoded = decodeTensorData(raw, name);
  } catch (error) {
    throw new CheckpointError(LOAD, messageOf(error), { cause: error });
  }
  const { dtype, data } = decoded;
  const t = new Tensor(data, raw.shape.slice(), dtype);
  if (raw.dtype === 'I64') (t as { safetensorsDtype?: SafetensorsDType }).safetensorsDtype = 'I64';
  return t;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Checks `given` against the model's own state dict (keys and shapes, as its strict `loadStateDict` would)
 * without copying anything. On a mismatch, the model's `loadStateDict` is run to produce its PyTorch-worded
 * error; it checks everything before copying, so the model is left unchanged.
 */
function checkModel(model: nn.Module, given: Map<string, Tensor>): void {
  const targets = model.stateDict({ keepVars: true });
  let ok = targets.size === given.size;
  for (const [key, target] of targets) {
    const src = given.get(key);
    if (src === undefined || !sameShape(src.shape, target.shape)) ok = false;
  }
  if (ok) return;
  try {
    model.loadStateDict(given);
  } catch (error) {
    throw new CheckpointError(LOAD, `the model does not match the checkpoint: ${messageOf(error)}`, { cause: error });
  }
  // Unreachable while loadStateDict checks what checkModel checks; never continue with a half-checked model.
  throw new CheckpointError(LOAD, 'the model does not match the checkpoint');
}

/** Rebuilds the optimizer's state dict from metadata and tensors, checking it against `optimizer`. */
function buildOptimizerState(
  optimizer: Optimizer,
  meta: CheckpointOptimizerMetadata,
  tensors: Map<number, Map<string, Tensor>>,
): OptimizerStateDict {
  const name = optimizer.constructor.name;
  const own = optimizer.paramGroups;
  if (meta.param_groups.length !== own.length) {
    throw new CheckpointError(
      LOAD,
      `the checkpoint's optimizer has ${meta.param_groups.length} parameter group(s), this ${name} has ${own.length}`,
    );
  }
  const ownParams = own.flatMap((g) => g.params);
  const shapeOf = new Map<number, readonly number[]>();
  meta.param_groups.forEach((group, gi) => {
    if (!isRecord(group) || !Array.isArray(group.params))
      throw corrupt(`optimizer parameter group ${gi} has no params`);
    if (group.params.length !== own[gi].params.length) {
      throw new CheckpointError(
        LOAD,
        `optimizer parameter group ${gi} has ${group.params.length} parameter(s) in the checkpoint, ${own[gi].params.length} in this ${name}`,
      );
    }
    for (const [key, value] of Object.entries(group)) {
      if (key === 'params') continue;
      const plain =
        value === null ||
        ['number', 'boolean', 'string'].includes(typeof value) ||
        (Array.isArray(value) && value.every((x) => typeof x === 'number'));
      if (!plain) throw corrupt(`optimizer parameter group ${gi} has a non-plain hyperparameter "${key}"`);
    }
    const offset = own.slice(0, gi).reduce((n, g) => n + g.params.length, 0);
    group.params.forEach((index, j) => {
      if (!Number.isInteger(index)) throw corrupt(`optimizer parameter group ${gi} lists a non-integer parameter`);
      shapeOf.set(index, ownParams[offset + j].shape);
    });
  });
  if (meta.param_shapes.length !== ownParams.length) {
    throw corrupt(
      `the optimizer lists ${meta.param_shapes.length} parameter shapes for ${ownParams.length} parameters`,
    );
  }
  ownParams.forEach((p, i) => {
    const saved = meta.param_shapes[i];
    if (!Array.isArray(saved) || !sameShape(saved, p.shape)) {
      throw new CheckpointError(
        LOAD,
        `optimizer parameter ${i} has shape ${Array.isArray(saved) ? fmtShape(saved) : '?'} in the checkpoint but ${fmtShape(p.shape)} in this ${name}`,
      );
    }
  });
  const state: Record<number, ParamState> = {};
  for (const [key, plain] of Object.entries(meta.state)) {
    const index = Number(key);
    const shape = shapeOf.get(index);
    if (shape === undefined || !isRecord(plain))
      throw corrupt(`optimizer state for parameter ${key}, which is in no group`);
    const entry: ParamState = {};
    for (const [n, v] of Object.entries(plain)) {
      if (v !== null && typeof v !== 'number')
        throw corrupt(`optimizer state "${n}" of parameter ${key} is not a number`);
      entry[n] = v;
    }
    for (const [n, t] of tensors.get(index) ?? []) {
      const ok = n === 'step' ? t.size === 1 : sameShape(t.shape, shape);
      if (!ok) {
        throw new CheckpointError(
          LOAD,
          `optimizer state "${n}" of parameter ${key} has shape ${fmtShape(t.shape)}, the parameter has shape ${fmtShape(shape)}`,
        );
      }
      entry[n] = t;
    }
    state[index] = entry;
  }
  for (const index of tensors.keys()) {
    if (!(String(index) in meta.state))
      throw corrupt(`optimizer state tensors for parameter ${index}, which has no state`);
  }
  return { state, param_groups: meta.param_groups as OptimizerStateDict['param_groups'] };
}

function missing(what: string): CheckpointError {
  return new CheckpointError(
    LOAD,
    `the checkpoint has no ${what} (was it saved without it, e.g. with saveWeightsOnly?); pass { strict: false } to load it anyway`,
  );
}

/**
 * Restores a training run from bytes written by {@link saveCheckpoint}: the model's parameters and buffers, the
 * optimizer's state and hyperparameters, the scheduler, the generator, and each callback's state.
 *
 * Everything is checked before anything changes: on an error, every object in `into` is as it was. The checks:
 * a valid safetensors file (truncated or corrupted bytes fail here, with the reader's message); a known format
 * and version; the model's keys and shapes, reported with the model's own PyTorch-style message
 * (`Error(s) in loading state_dict for Sequential: Missing key(s) in state_dict: "2.bias". size mismatch for
 * 0.weight: ...`); the optimizer's group and parameter counts and shapes; the generator state.
 *
 * @param bytes - a checkpoint file's bytes
 * @param into - the objects to restore ({@link CheckpointTargets}); build them as for a fresh run
 * @param options - `strict` (default true): see {@link LoadCheckpointOptions}
 * @returns the saved epoch (epochs completed), global step and `extra`
 * @throws CheckpointError - naming what did not match or what is malformed
 *
 * @example
 * ```ts
 * const model = buildModel();
 * const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
 * const { epoch } = loadCheckpoint(bytes, { model, optimizer });
 * for (let e = epoch; e < 10; e++) trainOneEpoch();
 * ```
 */
export function loadCheckpoint(
  bytes: Uint8Array,
  into: CheckpointTargets,
  options: LoadCheckpointOptions = {},
): CheckpointInfo {
  const strict = options.strict ?? true;
  if (into === null || typeof into !== 'object' || !(into.model instanceof nn.Module)) {
    throw new CheckpointError(LOAD, '`into.model` must be an nn.Module');
  }
  const contents = readSafetensors(bytes);
  const meta = parseMetadata(contents);

  // Sort the tensors into their parts; anything unaccounted for means the file is not what it claims.
  const modelTensors = new Map<string, Tensor>();
  const optimizerTensors = new Map<number, Map<string, Tensor>>();
  const callbackTensors = new Map<string, Tensor>();
  for (const [name, raw] of contents.tensors) {
    const t = toTensor(name, raw);
    const opt = /^optimizer\.state\.(\d+)\.(.+)$/.exec(name);
    if (name.startsWith('model.')) modelTensors.set(name.slice('model.'.length), t);
    else if (opt !== null && meta.optimizer !== null) {
      const index = Number(opt[1]);
      let entry = optimizerTensors.get(index);
      if (entry === undefined) optimizerTensors.set(index, (entry = new Map()));
      entry.set(opt[2], t);
    } else if (name.startsWith('callback.')) callbackTensors.set(name, t);
    else throw corrupt(`unexpected tensor "${name}"`);
  }
  const listed = new Set(meta.modelKeys);
  if (listed.size !== modelTensors.size || [...modelTensors.keys()].some((k) => !listed.has(k))) {
    throw corrupt('the model tensors do not match the "modelKeys" list');
  }
  const bestWeightsByKey = new Map<string, Map<string, Tensor> | null>();
  for (const [key, names] of Object.entries(meta.bestWeights)) {
    if (names === null) {
      bestWeightsByKey.set(key, null);
      continue;
    }
    const weights = new Map<string, Tensor>();
    for (const name of names) {
      const t = callbackTensors.get(`callback.${key}.best.${name}`);
      if (t === undefined) throw corrupt(`best weight "${name}" of callback "${key}" is missing`);
      callbackTensors.delete(`callback.${key}.best.${name}`);
      weights.set(name, t);
    }
    bestWeightsByKey.set(key, weights);
  }
  if (callbackTensors.size > 0) throw corrupt(`unexpected tensor "${[...callbackTensors.keys()][0]}"`);

  // Check every part against its target before touching any.
  checkModel(into.model, modelTensors);

  let optimizerState: OptimizerStateDict | null = null;
  if (into.optimizer) {
    if (meta.optimizer !== null) optimizerState = buildOptimizerState(into.optimizer, meta.optimizer, optimizerTensors);
    else if (strict) throw missing('optimizer state');
  }
  const scheduler = into.scheduler ?? null;
  if (scheduler !== null && meta.scheduler === null && strict) throw missing('scheduler state');
  if (scheduler !== null && meta.scheduler !== null && !isRecord(meta.scheduler)) {
    throw corrupt('the scheduler state is not an object');
  }
  if (into.generator) {
    if (meta.generator !== null) {
      try {
        new Generator().setState(meta.generator);
      } catch (error) {
        throw corrupt(`the generator state is invalid: ${messageOf(error)}`);
      }
    } else if (strict) throw missing('generator state');
  }
  const callbacks: { cb: Callback; state?: JsonValue; best?: Map<string, Tensor> | null }[] = [];
  const seen = new Set<string>();
  for (const cb of into.callbacks ?? []) {
    const stateful = typeof cb.loadStateDict === 'function' || typeof cb.stateDict === 'function';
    const holder = holdsBestWeights(cb) && typeof cb.setBestWeights === 'function';
    if (!stateful && !holder) continue;
    const key = callbackKey(cb);
    if (seen.has(key)) throw new CheckpointError(LOAD, `two callbacks have the key "${key}"`);
    seen.add(key);
    const item: (typeof callbacks)[number] = { cb };
    if (typeof cb.loadStateDict === 'function') {
      if (key in meta.callbacks) item.state = meta.callbacks[key];
      else if (strict) throw missing(`state for callback "${key}"`);
    }
    if (holder) {
      if (bestWeightsByKey.has(key)) item.best = bestWeightsByKey.get(key) ?? null;
      else if (strict) throw missing(`best weights for callback "${key}"`);
    }
    callbacks.push(item);
  }

  // Apply. Callbacks and the scheduler run code we cannot check beforehand, so they go first and are rolled
  // back from snapshots if one of them throws; what follows was fully checked above and cannot fail.
  const undo: (() => void)[] = [];
  try {
    for (const item of callbacks) {
      const { cb } = item;
      if (item.state !== undefined && typeof cb.loadStateDict === 'function') {
        const before = typeof cb.stateDict === 'function' ? cb.stateDict() : undefined;
        cb.loadStateDict(item.state);
        if (before !== undefined) undo.push(() => cb.loadStateDict?.(before));
      }
      if (item.best !== undefined && holdsBestWeights(cb) && cb.setBestWeights) {
        const before = cb.bestWeights();
        const snapshot = before === null ? null : new Map(before);
        // Current best weights are replaced even by "none saved", so the run continues as it was saved.
        if (item.best !== null || before !== null) cb.setBestWeights(item.best === null ? null : new Map(item.best));
        undo.push(() => cb.setBestWeights?.(snapshot));
      }
    }
    if (scheduler !== null && meta.scheduler !== null) {
      const before = scheduler.stateDict();
      (scheduler.loadStateDict as (state: unknown) => void)(meta.scheduler);
      undo.push(() => (scheduler.loadStateDict as (state: unknown) => void)(before));
    }
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Best effort: the original error is the one to report.
      }
    }
    throw new CheckpointError(LOAD, `restoring callback or scheduler state failed: ${messageOf(error)}`, {
      cause: error,
    });
  }
  if (into.generator && meta.generator !== null) into.generator.setState(meta.generator);
  if (into.optimizer && optimizerState !== null) into.optimizer.loadStateDict(optimizerState);
  into.model.loadStateDict(modelTensors);
  return { epoch: meta.epoch, globalStep: meta.globalStep, extra: meta.extra ?? null };
}
