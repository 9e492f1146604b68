/**
 * Helpers shared by the modules, not part of the public API.
 *
 * @internal
 * @module
 */
import { fmtShape, nn, type Tensor, TensorError, tensor } from '@tensorloom/tensor-core';

/**
 * `t` with a size-1 dim inserted at `dim`. An untracked leaf stays a leaf after the reshape; it keeps its
 * label, so a traced graph (`traceGraph`) still shows `x_1` rather than an anonymous constant.
 */
export function unsqueezeKeepLabel(t: Tensor, dim: number): Tensor {
  const u = t.unsqueeze(dim);
  if (u !== t && u.gradFn === null && u.label === undefined) u.label = t.label;
  return u;
}

/** Checks that `n` is a positive integer (or non-negative with `allowZero`). */
export function checkSize(op: string, name: string, n: number, allowZero = false): void {
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new TensorError(op, `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${n}`);
  }
}

/** PyTorch's RNN initialisation: every parameter from `U(-1/√H, 1/√H)`, in parameter order. */
export function resetUniform(params: Iterable<nn.Parameter>, hiddenSize: number, options: nn.init.InitOptions): void {
  const bound = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
  for (const p of params) nn.init.uniform_(p, -bound, bound, options);
}

/** Lengths given as numbers or as a 1-d integer tensor, as a plain array. */
export function lengthsArray(op: string, lengths: readonly number[] | Tensor): number[] {
  if (Array.isArray(lengths)) return lengths.slice();
  const t = lengths as Tensor;
  if (t.ndim !== 1 || (t.dtype !== 'int32' && t.dtype !== 'float32' && t.dtype !== 'float64')) {
    throw new TensorError(op, `lengths must be a number[] or a 1-d int32 tensor, got ${t.dtype} ${fmtShape(t.shape)}`);
  }
  return Array.from(t.data, Number);
}

/**
 * Per-step validity masks for a batch: entry t is a bool `(B, 1)` tensor, or null when every row is real at
 * step t (so the recurrence can skip the select). From `lengths` (row b is real for t < lengths[b]) or from
 * a `mask` laid out like the input without its feature dim (`(B, T)` batch-first, else `(T, B)`; nonzero is
 * real).
 */
export function stepMasks(
  op: string,
  steps: number,
  batch: number,
  source: { lengths?: readonly number[] | Tensor; mask?: Tensor },
  batchFirst: boolean,
): (Tensor | null)[] | null {
  if (source.lengths === undefined && source.mask === undefined) return null;
  if (source.lengths !== undefined && source.mask !== undefined) {
    throw new TensorError(op, 'pass either lengths or mask, not both');
  }
  const valid = new Uint8Array(steps * batch); // [t * batch + b]
  if (source.lengths !== undefined) {
    const lengths = lengthsArray(op, source.lengths);
    if (lengths.length !== batch) {
      throw new TensorError(op, `expected ${batch} lengths (one per sequence in the batch), got ${lengths.length}`);
    }
    lengths.forEach((len, b) => {
      if (!Number.isInteger(len) || len < 0 || len > steps) {
        throw new TensorError(op, `length ${len} of sequence ${b} is not an integer in [0, ${steps}]`);
      }
      for (let t = 0; t < len; t++) valid[t * batch + b] = 1;
    });
  } else {
    const m = source.mask as Tensor;
    const want = batchFirst ? [batch, steps] : [steps, batch];
    if (m.ndim !== 2 || m.shape[0] !== want[0] || m.shape[1] !== want[1]) {
      throw new TensorError(
        op,
        `mask must have shape ${fmtShape(want)} (${batchFirst ? 'B, T' : 'T, B'}) for this input, got ${fmtShape(m.shape)}`,
      );
    }
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const v = batchFirst ? m.data[b * steps + t] : m.data[t * batch + b];
        valid[t * batch + b] = v ? 1 : 0;
      }
    }
  }
  const out: (Tensor | null)[] = [];
  for (let t = 0; t < steps; t++) {
    const row = valid.subarray(t * batch, (t + 1) * batch);
    out.push(
      row.every((v) => v === 1)
        ? null
        : tensor(
            Array.from(row, (v) => v === 1),
            { dtype: 'bool' },
          ).reshape([batch, 1]),
    );
  }
  return out;
}
