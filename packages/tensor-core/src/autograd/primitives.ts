import type { DType } from '../dtype';
import type { Tensor } from '../tensor';

/**
 * The differentiable primitives: every op that records itself on the autograd tape is one of these, and
 * everything else (softmax, layerNorm, conv2d, losses, ...) is composed from them. Each has exactly one
 * forward implementation (`forward.ts`) and one gradient rule (`rules.ts`); both tables are typed
 * `{ [P in Primitive]: ... }`, so adding a name here without a rule does not compile.
 *
 * Non-differentiable ops (comparisons, argmax, logical ops) are not primitives: their outputs are bool or
 * int32 and never carry gradients.
 */
export interface PrimitiveParams {
  // Element-wise unary.
  neg: null;
  exp: null;
  log: null;
  log1p: null;
  sqrt: null;
  abs: null;
  sigmoid: null;
  tanh: null;
  relu: null;
  erf: null;
  sin: null;
  cos: null;
  // Element-wise binary with broadcasting (the engine sums gradients back to each input's shape).
  add: null;
  sub: null;
  mul: null;
  div: null;
  pow: null;
  maximum: null;
  minimum: null;
  /** `where(cond, a, b)`: inputs are (cond, a, b); cond gets no gradient. */
  where: null;
  /** Dtype conversion between floating types (float→int is not differentiable and not recorded). */
  cast: { dtype: DType };
  // Reductions over sorted, unique `axes`.
  sum: { axes: number[]; keepdim: boolean };
  max: { axes: number[]; keepdim: boolean };
  min: { axes: number[]; keepdim: boolean };
  /**
   * Running sum along `axis` (torch.cumsum). A primitive rather than a composition: as a product with a
   * triangular matrix of ones it would cost O(n²) per lane where the scan costs O(n).
   */
  cumsum: { axis: number };
  /** Batched `op(A)·op(B)` with broadcast batch dims; both inputs have rank ≥ 2. */
  matmul: { transA: boolean; transB: boolean };
  // Movement.
  reshape: { shape: number[] };
  permute: { perm: number[] };
  expand: { shape: number[] };
  /** `x[start_d : start_d + size_d·step_d : step_d]` per dim (steps ≥ 1). */
  slice: { starts: number[]; steps: number[]; shape: number[] };
  /** Adjoint of slice: places x into zeros of `shape` at `starts` with `steps`. */
  unslice: { starts: number[]; steps: number[]; shape: number[] };
  flip: { axes: number[] };
  cat: { axis: number };
  // Indexing. Index tensors (int32) are inputs without gradients.
  /** (x, index): select entries of x along `axis`. */
  indexSelect: { axis: number };
  /** (x, index, src): x with src added at `index` along `axis`. */
  indexAdd: { axis: number };
  /** (x, index): torch.gather. */
  gather: { axis: number };
  /** (x, index, src): x with src scatter-added along `axis` (torch.scatter_add). */
  scatterAdd: { axis: number };
  // Images: im2col and its adjoint; convolutions and pooling are built on these.
  unfold: UnfoldParams;
  fold: UnfoldParams & { outputSize: [number, number] };
  // Fused LSTM step. Composed from chunk, sigmoid, tanh, mul and add it made ~13 tensors forward and ~30
  // backward per step; the bench's lstm-step spent a fifth of its time allocating them (see the changeset).
  /**
   * (gates (B, 4H), c (B, H)) → (2, B, H) holding h' then c'; see `fusedLstmCell`. When the call is
   * recorded, the forward pass sets `saved` to the activations `[i | f | g | o | tanh c']` `(B, 5H)`, the
   * gradient's saved tensors (PyTorch's `ctx.save_for_backward`), so the backward kernel need not
   * recompute five transcendental functions per entry.
   */
  lstmCell: { saved: Tensor | null };
  /**
   * (g (2, B, H), gates, c, saved) → (B, 5H), row b `[dz_i | dz_f | dz_g | dz_o | dc]`: lstmCell's gradient.
   * `saved` is lstmCell's (a constant that gets no gradient); gates are inputs for the second derivative.
   */
  lstmCellBackward: null;
}

/** Geometry shared by unfold and fold. */
export interface UnfoldParams {
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  padValue: number;
}

/** The name of a differentiable primitive. */
export type Primitive = keyof PrimitiveParams;
