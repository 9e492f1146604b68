import { apply } from '../autograd/engine';
import { empty } from '../autograd/forward';
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { Tensor } from '../tensor';

/** Entry `k` of the leading dim of the cell's `(2, B, H)` output, as `(B, H)`. */
function half(out: Tensor, k: number): Tensor {
  const [, b, h] = out.shape;
  const s = apply('slice', [out], { starts: [k, 0, 0], steps: [1, 1, 1], shape: [1, b, h] });
  return apply('reshape', [s], { shape: [b, h] });
}

/**
 * The pointwise part of `torch.nn.LSTMCell`, fused into one kernel: given the gate pre-activations
 * `z = W_ih x + b_ih + W_hh h + b_hh` in PyTorch's gate order `i, f, g, o`,
 *
 * ```
 * i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)
 * c' = f ⊙ c + i ⊙ g        h' = o ⊙ tanh(c')
 * ```
 *
 * It computes what `gates.chunk(4, 1)` followed by three sigmoids, two tanh, three products and a sum would,
 * with four tensors per step instead of about thirteen (and six instead of about thirty in the backward
 * pass). Gradients of every order flow to `gates` and `c`.
 *
 * @param gates - `(B, 4·H)` pre-activations, blocks `[z_i | z_f | z_g | z_o]` along dim 1.
 * @param c - `(B, H)` cell state, or null for zeros (the first step).
 * @returns `[h', c']`, each `(B, H)`, in `gates`' dtype.
 *
 * @example
 * ```ts
 * const z = F.linear(x, weightIh, biasIh).add(F.linear(h, weightHh, biasHh)); // (B, 4H)
 * const [h1, c1] = F.fusedLstmCell(z, c);                                   // (B, H) each
 * ```
 */
export function fusedLstmCell(gates: Tensor, c: Tensor | null = null): [h: Tensor, c: Tensor] {
  const op = 'fusedLstmCell';
  if (!(gates instanceof Tensor)) throw new TensorError(op, `expected gates to be a Tensor, got ${typeof gates}`);
  if (c !== null && !(c instanceof Tensor))
    throw new TensorError(op, `expected c to be a Tensor or null, got ${typeof c}`);
  if (gates.ndim !== 2 || gates.shape[1] % 4 !== 0) {
    throw new TensorError(
      op,
      `gates must be (B, 4·H), four blocks i, f, g, o along dim 1, got ${fmtShape(gates.shape)}`,
    );
  }
  if (!isFloating(gates.dtype)) throw new TensorError(op, `gates must be floating point, got ${gates.dtype}`);
  const [batch, hidden] = [gates.shape[0], gates.shape[1] / 4];
  if (c !== null) {
    if (c.ndim !== 2 || c.shape[0] !== batch || c.shape[1] !== hidden) {
      throw new TensorError(
        op,
        `c must be (B, H) = (${batch}, ${hidden}) for gates ${fmtShape(gates.shape)}, got ${fmtShape(c.shape)}`,
      );
    }
    if (c.dtype !== gates.dtype) {
      throw new TensorError(op, `c must have the dtype of gates (${gates.dtype}), got ${c.dtype}`);
    }
  }
  const out = apply('lstmCell', [gates, c ?? empty([batch, hidden], gates.dtype)], {
    saved: null,
  }); // (2, B, H)
  return [half(out, 0), half(out, 1)];
}
