import type { TypedArray } from '../../dtype';

/**
 * The pointwise part of an LSTM step. Row `b` of `gates` holds the pre-activations `[z_i | z_f | z_g | z_o]`,
 * `H` each; `out` is `(2, B, H)`: `h'` in the first `B·H` entries, `c'` in the next. Unless `saved` is null,
 * its row `b` gets `[i | f | g | o | tanh c']` for the backward kernel.
 */
export function lstmCell(
  gates: TypedArray,
  c: TypedArray,
  out: TypedArray,
  saved: TypedArray | null,
  batch: number,
  hidden: number,
): void {
  const bh = batch * hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * 4 * hidden;
    const savedRow = b * 5 * hidden;
    const at = b * hidden;
    for (let j = 0; j < hidden; j++) {
      // σ(v) = 1/(1 + e^-v) in one branch: where e^-v overflows to ∞ it gives 0, the right limit. (The unary
      // kernel's second branch for v < 0 made this loop ~30% slower in a micro-benchmark.)
      const i = 1 / (1 + Math.exp(-gates[row + j]));
      const f = 1 / (1 + Math.exp(-gates[row + hidden + j]));
      const o = 1 / (1 + Math.exp(-gates[row + 3 * hidden + j]));
      const g = Math.tanh(gates[row + 2 * hidden + j]);
      const c2 = f * c[at + j] + i * g;
      const t = Math.tanh(c2);
      out[at + j] = o * t;
      out[bh + at + j] = c2;
      if (saved !== null) {
        saved[savedRow + j] = i;
        saved[savedRow + hidden + j] = f;
        saved[savedRow + 2 * hidden + j] = g;
        saved[savedRow + 3 * hidden + j] = o;
        saved[savedRow + 4 * hidden + j] = t;
      }
    }
  }
}

/**
 * The vector-Jacobian product of {@link lstmCell}: `grad` is `(2, B, H)` (`dh'` then `dc'`), `saved` what the
 * forward kernel saved, and row `b` of `out` `(B, 5H)` gets `[dz_i | dz_f | dz_g | dz_o | dc]`.
 */
export function lstmCellBackward(
  grad: TypedArray,
  c: TypedArray,
  saved: TypedArray,
  out: TypedArray,
  batch: number,
  hidden: number,
): void {
  const bh = batch * hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * 5 * hidden;
    const at = b * hidden;
    for (let j = 0; j < hidden; j++) {
      const i = saved[row + j];
      const f = saved[row + hidden + j];
      const g = saved[row + 2 * hidden + j];
      const o = saved[row + 3 * hidden + j];
      const t = saved[row + 4 * hidden + j];
      const cj = c[at + j];
      const dh = grad[at + j];
      // In the forward pass h' = o·tanh(c'), so c' gets dh'·o·(1 - tanh²c') on top of its own gradient.
      const dc2 = grad[bh + at + j] + dh * o * (1 - t * t);
      out[row + j] = dc2 * g * i * (1 - i);
      out[row + hidden + j] = dc2 * cj * f * (1 - f);
      out[row + 2 * hidden + j] = dc2 * i * (1 - g * g);
      out[row + 3 * hidden + j] = dh * t * o * (1 - o);
      out[row + 4 * hidden + j] = dc2 * f;
    }
  }
}
