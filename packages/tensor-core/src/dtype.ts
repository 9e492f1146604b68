/**
 * Element types. `float32` is the default; `float64` exists for gradient checks; `int32` holds indices and
 * labels; `bool` is what comparisons return (stored one byte per element, like PyTorch's `torch.bool`).
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array behind each dtype. */
export interface DTypeArray {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** Any tensor storage. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const ctors = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/** A fresh zero-filled array of `size` elements of `dtype`. */
export function allocArray<D extends DType>(dtype: D, size: number): DTypeArray[D] {
  return new ctors[dtype](size) as DTypeArray[D];
}

/** The dtype whose storage is `data`. */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
}

/** True for the floating dtypes, the only ones that can require gradients. */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch's type promotion among our dtypes: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}
