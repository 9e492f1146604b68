import type { DType } from '../dtype';
import { Tensor } from '../tensor';
import type { SafetensorsDType } from './format';
import { decodeTensorData, encodeTensorData, parseSafetensors, SafetensorsError, serializeSafetensors } from './format';

/** A tensor that asks to be written with a particular file dtype (e.g. an int32 buffer stored as I64, as PyTorch does). */
interface WithFileDtype {
  safetensorsDtype?: SafetensorsDType;
}

/** What {@link loadSafetensors} returns: the tensors by name, and the file's string metadata. */
export interface LoadedSafetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Reads a safetensors file from bytes into tensors (F32/F64 → float32/float64, F16/BF16 → float32,
 * integers → int32 with a range check, BOOL → bool). The reader validates the whole file first and throws
 * `SafetensorsError` on anything malformed; it never allocates more than the input's size.
 *
 * @example
 * ```ts
 * const { tensors } = loadSafetensors(bytes);
 * model.loadStateDict(tensors);
 * ```
 */
export function loadSafetensors(bytes: Uint8Array): LoadedSafetensors {
  const contents = parseSafetensors(bytes);
  const tensors: Record<string, Tensor> = {};
  for (const [name, raw] of contents.tensors) {
    const { dtype, data } = decodeTensorData(raw, name);
    const t = new Tensor(data, raw.shape.slice(), dtype);
    if (raw.dtype === 'I64') (t as WithFileDtype).safetensorsDtype = 'I64';
    tensors[name] = t;
  }
  return { tensors, metadata: { ...contents.metadata } };
}

/**
 * Writes named tensors (e.g. `model.stateDict()`) and optional string metadata as safetensors bytes, usable
 * in browsers (download as a Blob) and Node (`writeSafetensorsFile`). A tensor with a `safetensorsDtype`
 * of `'I64'` (BatchNorm's `num_batches_tracked`, or anything loaded from an I64 entry) is written as I64,
 * so PyTorch state dicts round-trip byte for byte.
 */
export function saveSafetensors(
  tensors: Record<string, Tensor> | Map<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const raw = new Map<string, ReturnType<typeof encodeTensorData>>();
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new SafetensorsError(`entry "${name}" is not a Tensor`);
    raw.set(name, encodeTensorData(t.dtype as DType, t.shape, t.data, (t as WithFileDtype).safetensorsDtype));
  }
  return serializeSafetensors(raw, metadata);
}
