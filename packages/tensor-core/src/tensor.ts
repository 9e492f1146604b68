import type { Node } from './autograd/engine';
import { backward as runBackward } from './autograd/engine';
import { isGradEnabled } from './autograd/mode';
import type { DType, TypedArray } from './dtype';
import { isFloating } from './dtype';
import { fmtShape, TensorError } from './errors';
import { formatTensor } from './format';
import { RemovableHandle } from './hooks';
import * as E from './ops/elementwise';
import * as I from './ops/indexing';
import * as L from './ops/linalg';
import * as R from './ops/reduce';
import * as S from './ops/shape';
import * as O from './ops/sort';
import type { Shape } from './shape';

/** A tensor, or a plain number that broadcasts like a 0-d tensor of the other operand's dtype. */
export type TensorLike = Tensor | number;

/**
 * A hook of {@link Tensor.registerHook}: given the gradient with respect to the tensor, returns a
 * replacement (same shape and dtype) or nothing to keep it.
 *
 * @example
 * ```ts
 * const double: TensorHook = (g) => g.mul(2);
 * ```
 */
export type TensorHook = (grad: Tensor) => Tensor | undefined;

/** Nested arrays of numbers (or booleans), as accepted by {@link tensor} and returned by `toArray()`. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Storage version shared by a tensor and its views; in-place ops bump it so autograd can detect misuse. */
export interface VersionCounter {
  v: number;
}

/**
 * An n-dimensional array of float32, float64, int32 or bool values, stored contiguously in row-major order
 * in a typed array, that can record the operations applied to it for reverse-mode autograd.
 *
 * Tensors are ordinary garbage-collected objects: there is nothing to dispose. Create them with
 * {@link tensor}, {@link zeros}, {@link randn} and friends; every op is both a function and a method.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad?.toArray(); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** The elements, row-major and contiguous. Writing to it directly bypasses autograd's checks. */
  readonly data: TypedArray;
  /** Size of each dimension; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Whether operations on this tensor are recorded so gradients can flow back to it. */
  requiresGrad: boolean;
  /** The accumulated gradient after `backward()`, for leaves (and tensors that called `retainGrad()`). */
  grad: Tensor | null = null;
  /** The autograd node that produced this tensor, or null for leaves. */
  gradFn: Node | null = null;
  /** An optional name shown in graph exports (`traceGraph`) and `toString()`. */
  label: string | undefined = undefined;
  /** @internal */
  _version: VersionCounter;
  /** @internal */
  _retainGrad = false;
  /** @internal The hooks of {@link Tensor.registerHook}, in registration order; null when there are none. */
  _hooks: Map<number, TensorHook> | null = null;

  /**
   * Wraps existing storage (no copy). Prefer {@link tensor} and the creation functions; this constructor
   * trusts that `data.length` equals the product of `shape`.
   */
  constructor(data: TypedArray, shape: Shape, dtype: DType, requiresGrad = false, version?: VersionCounter) {
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.requiresGrad = requiresGrad;
    this._version = version ?? { v: 0 };
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of dimensions (PyTorch's `dim()`). */
  dim(): number {
    return this.shape.length;
  }

  /** Number of elements (PyTorch's `numel()`). */
  numel(): number {
    return this.data.length;
  }

  /** True if this tensor was not produced by a recorded op (a user-created tensor or parameter). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.data.length !== 1) {
      throw new TensorError(
        'item',
        `only one-element tensors can be converted to a number, got shape (${this.shape.join(',')})`,
      );
    }
    return Number(this.data[0]);
  }

  /** The values as nested arrays (numbers; booleans for bool tensors). */
  toArray(): NestedArray {
    const d = this.data;
    const isBool = this.dtype === 'bool';
    const build = (dim: number, off: number): NestedArray => {
      if (dim === this.shape.length) return isBool ? d[off] !== 0 : d[off];
      const n = this.shape[dim];
      let stride = 1;
      for (let i = dim + 1; i < this.shape.length; i++) stride *= this.shape[i];
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, off + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** PyTorch-style printout, e.g. `tensor([[1.0000, 2.0000]], requiresGrad=true)`. */
  toString(): string {
    return formatTensor(this);
  }

  /** Sets `requiresGrad` and returns this tensor (PyTorch's `requires_grad_`). Only floating tensors can require gradients. */
  requiresGrad_(on = true): this {
    if (on && !isFloating(this.dtype)) {
      throw new TensorError('requiresGrad_', `only floating-point tensors can require gradients, got ${this.dtype}`);
    }
    if (!on && this.gradFn !== null) {
      throw new TensorError('requiresGrad_', 'cannot turn off requiresGrad on a non-leaf tensor; use detach()');
    }
    this.requiresGrad = on;
    return this;
  }

  /**
   * Records that this tensor's storage was changed by writing to `data` directly (as fused optimizer loops
   * do), so autograd rejects a later backward pass through a graph that saved the old values — exactly as
   * after the in-place methods (`add_`, `copy_`, …), which call this themselves.
   */
  markModified(): this {
    this._version.v++;
    return this;
  }

  /** Makes a non-leaf tensor keep its `.grad` after `backward()`. */
  retainGrad(): this {
    this._retainGrad = true;
    return this;
  }

  /**
   * Registers `hook` to be called with the gradient with respect to this tensor each time autograd computes
   * it (`backward()` or `grad()`), like `torch.Tensor.register_hook`. The hook may return a tensor of the
   * same shape and dtype to use instead of the gradient (or nothing to keep it). Hooks run in registration
   * order, each given the previous one's result.
   *
   * - On a leaf, the hook sees the leaf's whole gradient for the pass (summed over every use) before it is
   *   accumulated into `.grad` (or returned by `grad()`), once per pass.
   * - On a non-leaf, it sees the gradient flowing into the op that made the tensor, so a replacement changes
   *   the gradients of everything upstream (and what `retainGrad()` keeps).
   * - Under `{ createGraph: true }` the hook's ops are recorded, so a replaced gradient stays
   *   differentiable.
   *
   * Throws a {@link TensorError} on a tensor that does not require grad.
   *
   * @param hook - `(grad) => replacement | undefined`
   * @returns a handle whose `remove()` unregisters the hook
   *
   * @example
   * ```ts
   * const w = randn([3], { requiresGrad: true });
   * const clip = w.registerHook((g) => g.clamp(-0.5, 0.5)); // gradient clipping
   * w.mul(10).sum().backward(); // w.grad = [0.5, 0.5, 0.5]
   * clip.remove();
   * ```
   */
  registerHook(hook: TensorHook): RemovableHandle {
    if (!this.requiresGrad) {
      throw new TensorError(
        'registerHook',
        `cannot register a hook on a tensor of shape ${fmtShape(this.shape)} that does not require grad`,
      );
    }
    if (typeof hook !== 'function') throw new TensorError('registerHook', 'hook must be a function');
    if (this._hooks === null) this._hooks = new Map();
    const hooks = this._hooks;
    return RemovableHandle.add(hooks, hook, () => {
      if (this._hooks === hooks) this._hooks = null;
    });
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad and accumulates it
   * into their `.grad`. A non-scalar tensor needs `gradient` (the vector in the vector-Jacobian product).
   */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    runBackward(this, gradient, options);
  }

  /** A tensor sharing this one's storage but cut from the graph (`requiresGrad` false). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.dtype, false, this._version);
  }

  /** A copy with its own storage; gradients flow through it. */
  clone(): Tensor {
    return E.clone(this);
  }

  /** Converts to another dtype (a copy; the same tensor if the dtype already matches). */
  to(dtype: DType): Tensor {
    return E.cast(this, dtype);
  }

  /** `to('float32')`. */
  float(): Tensor {
    return E.cast(this, 'float32');
  }

  /** `to('float64')`. */
  double(): Tensor {
    return E.cast(this, 'float64');
  }

  /** `to('int32')` (truncates toward zero). */
  int(): Tensor {
    return E.cast(this, 'int32');
  }

  /** `to('bool')`. */
  bool(): Tensor {
    return E.cast(this, 'bool');
  }

  // --- element-wise -----------------------------------------------------------------------------------
  /** Element-wise `this + other` with broadcasting. */
  add(other: TensorLike): Tensor {
    return E.add(this, other);
  }
  /** Element-wise `this - other` with broadcasting. */
  sub(other: TensorLike): Tensor {
    return E.sub(this, other);
  }
  /** Element-wise `this * other` with broadcasting. */
  mul(other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  /** Element-wise `this / other` with broadcasting (true division; integer inputs give float32). */
  div(other: TensorLike): Tensor {
    return E.div(this, other);
  }
  /** Element-wise `this ** exponent`. */
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  /** Element-wise maximum. */
  maximum(other: TensorLike): Tensor {
    return E.maximum(this, other);
  }
  /** Element-wise minimum. */
  minimum(other: TensorLike): Tensor {
    return E.minimum(this, other);
  }
  /** `-this`. */
  neg(): Tensor {
    return E.neg(this);
  }
  /** `e^this`. */
  exp(): Tensor {
    return E.exp(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return E.log(this);
  }
  /** `log(1 + this)`, accurate near 0. */
  log1p(): Tensor {
    return E.log1p(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return E.sqrt(this);
  }
  /** `1 / sqrt(this)`. */
  rsqrt(): Tensor {
    return E.rsqrt(this);
  }
  /** `this²`. */
  square(): Tensor {
    return E.square(this);
  }
  /** `1 / this`. */
  reciprocal(): Tensor {
    return E.reciprocal(this);
  }
  /** Absolute value. */
  abs(): Tensor {
    return E.abs(this);
  }
  /** -1, 0 or 1 (no gradient). */
  sign(): Tensor {
    return E.sign(this);
  }
  /** Logistic sigmoid `1 / (1 + e^-x)`. */
  sigmoid(): Tensor {
    return E.sigmoid(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return E.tanh(this);
  }
  /** `max(x, 0)`. */
  relu(): Tensor {
    return E.relu(this);
  }
  /** Sine. */
  sin(): Tensor {
    return E.sin(this);
  }
  /** Cosine. */
  cos(): Tensor {
    return E.cos(this);
  }
  /** Clamps into `[min, max]` (either bound may be omitted). */
  clamp(min?: number | null, max?: number | null): Tensor {
    return E.clamp(this, min, max);
  }
  /** `this == other` (bool). */
  eq(other: TensorLike): Tensor {
    return E.eq(this, other);
  }
  /** `this != other` (bool). */
  ne(other: TensorLike): Tensor {
    return E.ne(this, other);
  }
  /** `this < other` (bool). */
  lt(other: TensorLike): Tensor {
    return E.lt(this, other);
  }
  /** `this <= other` (bool). */
  le(other: TensorLike): Tensor {
    return E.le(this, other);
  }
  /** `this > other` (bool). */
  gt(other: TensorLike): Tensor {
    return E.gt(this, other);
  }
  /** `this >= other` (bool). */
  ge(other: TensorLike): Tensor {
    return E.ge(this, other);
  }

  // --- reductions -------------------------------------------------------------------------------------
  /** Sum over `dim` (all dims if omitted). */
  sum(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return R.sum(this, dim, keepdim);
  }
  /** Mean over `dim` (all dims if omitted). */
  mean(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return R.mean(this, dim, keepdim);
  }
  /** Maximum over `dim` (all dims if omitted); ties share the gradient equally. */
  max(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return R.max(this, dim, keepdim);
  }
  /** Minimum over `dim` (all dims if omitted). */
  min(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return R.min(this, dim, keepdim);
  }
  /** Index of the maximum over `dim` (of the flattened tensor if omitted), int32. */
  argmax(dim?: number | null, keepdim = false): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  /** Index of the minimum over `dim` (of the flattened tensor if omitted), int32. */
  argmin(dim?: number | null, keepdim = false): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  /** Variance over `dim` with Bessel's correction by default (`correction: 1`). */
  var(dim?: number | readonly number[] | null, options: R.VarOptions = {}): Tensor {
    return R.variance(this, dim, options);
  }
  /** Standard deviation over `dim`. */
  std(dim?: number | readonly number[] | null, options: R.VarOptions = {}): Tensor {
    return R.std(this, dim, options);
  }
  /** `log(sum(exp(x)))` over `dim`, computed stably. */
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return R.logsumexp(this, dim, keepdim);
  }
  /** Softmax over `dim`. */
  softmax(dim: number): Tensor {
    return R.softmax(this, dim);
  }
  /** Log-softmax over `dim`. */
  logSoftmax(dim: number): Tensor {
    return R.logSoftmax(this, dim);
  }
  /** Running sum along `dim`, like the `cumsum` function. */
  cumsum(dim: number): Tensor {
    return R.cumsum(this, dim);
  }
  /** Vector p-norm over `dim`, all dims if omitted, like the `norm` function. */
  norm(p = 2, dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return R.norm(this, p, dim, keepdim);
  }
  /** Stable sort along `dim`: `[values, indices]`, like the `sort` function. */
  sort(dim = -1, descending = false): [Tensor, Tensor] {
    return O.sort(this, dim, descending);
  }
  /** The `k` largest (or smallest) entries along `dim`: `[values, indices]`, like the `topk` function. */
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    return O.topk(this, k, dim, largest, sorted);
  }

  // --- linear algebra ---------------------------------------------------------------------------------
  /** Matrix product with NumPy semantics (1-d, 2-d, batched with broadcast batch dims). */
  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  /** Outer product with another vector: `(n)` and `(m)` → `(n, m)`. */
  outer(other: Tensor): Tensor {
    return L.outer(this, other);
  }

  // --- shape ------------------------------------------------------------------------------------------
  /** Same data, new shape (one size may be -1). Shares storage. */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return S.reshape(this, S.shapeArg(shape));
  }
  /** Alias of `reshape` (our tensors are always contiguous, so every view is valid). */
  view(...shape: number[] | [readonly number[]]): Tensor {
    return S.reshape(this, S.shapeArg(shape));
  }
  /** Flattens dims `startDim..endDim` into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return S.flatten(this, startDim, endDim);
  }
  /** Removes size-1 dims (all of them, or only `dim`). */
  squeeze(dim?: number | readonly number[]): Tensor {
    return S.squeeze(this, dim);
  }
  /** Inserts a size-1 dim at `dim`. */
  unsqueeze(dim: number): Tensor {
    return S.unsqueeze(this, dim);
  }
  /** Swaps two dims. */
  transpose(dim0: number, dim1: number): Tensor {
    return S.transpose(this, dim0, dim1);
  }
  /** Reorders dims. */
  permute(...dims: number[] | [readonly number[]]): Tensor {
    return S.permute(this, S.shapeArg(dims));
  }
  /** Transpose of a ≤ 2-d tensor. */
  t(): Tensor {
    return S.t(this);
  }
  /** Broadcasts to `shape` (-1 keeps a size). */
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return S.expand(this, S.shapeArg(shape));
  }
  /** Broadcasts to `other`'s shape. */
  expandAs(other: Tensor): Tensor {
    return S.expand(this, other.shape);
  }
  /** `length` entries of `dim` starting at `start`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return S.narrow(this, dim, start, length);
  }
  /** Python-style slice `x[..., start:end:step, ...]` along `dim` (negative indices count from the end). */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return S.slice(this, dim, start, end, step);
  }
  /** Entry `index` of `dim`, removing that dim. */
  select(dim: number, index: number): Tensor {
    return S.select(this, dim, index);
  }
  /** Splits into pieces of `splitSize` (or the given sizes) along `dim`. */
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return S.split(this, splitSize, dim);
  }
  /** Splits into `chunks` nearly equal pieces along `dim`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return S.chunk(this, chunks, dim);
  }
  /** Reverses the order along `dims`. */
  flip(dims: number | readonly number[]): Tensor {
    return S.flip(this, dims);
  }
  /** Tiles the tensor `repeats` times along each dim. */
  repeat(...repeats: number[] | [readonly number[]]): Tensor {
    return S.repeat(this, S.shapeArg(repeats));
  }

  // --- indexing ---------------------------------------------------------------------------------------
  /** Entries of `dim` at `index` (1-d int32). */
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  /** torch.gather along `dim`. */
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  /** A copy with `src` scatter-added at `index` along `dim`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  /** `value` where `mask` (bool, broadcastable) is true, this tensor elsewhere, like the `maskedFill` function. */
  maskedFill(mask: Tensor, value: number | Tensor): Tensor {
    return I.maskedFill(this, mask, value);
  }
  /** Lower triangle of the last two dims, zeros above `diagonal`. */
  tril(diagonal = 0): Tensor {
    return I.tril(this, diagonal);
  }
  /** Upper triangle of the last two dims, zeros below `diagonal`. */
  triu(diagonal = 0): Tensor {
    return I.triu(this, diagonal);
  }

  // --- in place (not recorded by autograd; bump the version counter) -----------------------------------
  /** In place `this += other` (optionally `alpha * other`). Use inside `noGrad` for tensors that require grad. */
  add_(other: TensorLike, alpha = 1): this {
    return E.inPlaceBinary(this, 'add', other, alpha);
  }
  /** In place `this -= other` (optionally `alpha * other`). */
  sub_(other: TensorLike, alpha = 1): this {
    return E.inPlaceBinary(this, 'sub', other, alpha);
  }
  /** In place `this *= other`. */
  mul_(other: TensorLike): this {
    return E.inPlaceBinary(this, 'mul', other, 1);
  }
  /** In place `this /= other`. */
  div_(other: TensorLike): this {
    return E.inPlaceBinary(this, 'div', other, 1);
  }
  /** Copies `src` (broadcast to this shape, converted to this dtype) into this tensor. */
  copy_(src: TensorLike): this {
    return E.inPlaceCopy(this, src);
  }
  /** Fills with `value`. */
  fill_(value: number): this {
    return E.inPlaceCopy(this, value);
  }
  /** Fills with zeros. */
  zero_(): this {
    return E.inPlaceCopy(this, 0);
  }
  /** Clamps in place. */
  clamp_(min?: number | null, max?: number | null): this {
    return E.inPlaceClamp(this, min, max);
  }
}

/** @internal Whether an op on these inputs must be recorded. */
export function needsGrad(inputs: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i].requiresGrad) return true;
  return false;
}
