import type { TypedArray } from '../../dtype';
import type { UnfoldDesc } from '../backend';

/**
 * im2col: row `(c·kh + i)·kw + j` of the output holds, for every output position `(oh, ow)`, the input
 * pixel under kernel tap `(i, j)` of channel `c`, or `padValue` where the tap falls in the padding.
 */
export function unfold(x: TypedArray, d: UnfoldDesc, out: TypedArray): void {
  const { n, c, h, w, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW, padValue } = d;
  const L = outH * outW;
  const rows = c * kh * kw;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const xBase = (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const row = (ch * kh + i) * kw + j;
          let o = (b * rows + row) * L;
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * strideH - padH + i * dilationH;
            if (ih < 0 || ih >= h) {
              for (let ow = 0; ow < outW; ow++) out[o++] = padValue;
              continue;
            }
            const xRow = xBase + ih * w;
            let iw = -padW + j * dilationW;
            for (let ow = 0; ow < outW; ow++, iw += strideW) out[o++] = iw >= 0 && iw < w ? x[xRow + iw] : padValue;
          }
        }
      }
    }
  }
}

/** col2im, the adjoint of {@link unfold}: sums every column entry back onto the pixel it was read from. */
export function fold(cols: TypedArray, d: UnfoldDesc, out: TypedArray): void {
  const { n, c, h, w, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = d;
  const L = outH * outW;
  const rows = c * kh * kw;
  out.fill(0);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const xBase = (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const row = (ch * kh + i) * kw + j;
          let o = (b * rows + row) * L;
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * strideH - padH + i * dilationH;
            if (ih < 0 || ih >= h) {
              o += outW;
              continue;
            }
            const xRow = xBase + ih * w;
            let iw = -padW + j * dilationW;
            for (let ow = 0; ow < outW; ow++, iw += strideW, o++) if (iw >= 0 && iw < w) out[xRow + iw] += cols[o];
          }
        }
      }
    }
  }
}

/**
 * For every `(plane, oh, ow)`: the flat index `h·w + w` in its plane of the window's maximum, scanning the
 * taps inside the image in row-major order and keeping the first maximum (a NaN always wins), exactly
 * like PyTorch's CPU `max_pool2d`. `d.n` counts planes (batch × channels); `d.c` is 1.
 */
export function maxPoolIndices(x: TypedArray, d: UnfoldDesc, out: Int32Array): void {
  const { n, h, w, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = d;
  let o = 0;
  for (let plane = 0; plane < n; plane++) {
    const base = plane * h * w;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * strideH - padH;
      const h1 = Math.min(h0 + (kh - 1) * dilationH + 1, h);
      while (h0 < 0) h0 += dilationH;
      for (let ow = 0; ow < outW; ow++, o++) {
        let w0 = ow * strideW - padW;
        const w1 = Math.min(w0 + (kw - 1) * dilationW + 1, w);
        while (w0 < 0) w0 += dilationW;
        // A window with no tap inside the image cannot occur for valid geometry; clamp to stay in bounds.
        let best = Math.min(h0, h - 1) * w + Math.min(w0, w - 1);
        let max = Number.NEGATIVE_INFINITY;
        for (let ih = h0; ih < h1; ih += dilationH) {
          const row = base + ih * w;
          for (let iw = w0; iw < w1; iw += dilationW) {
            const v = x[row + iw];
            if (v > max || v !== v) {
              max = v;
              best = ih * w + iw;
            }
          }
        }
        out[o] = best;
      }
    }
  }
}

/**
 * For every `(plane, i, j)`: the flat index in its plane of the maximum of the adaptive window rows
 * `⌊i·h/outH⌋ .. ⌈(i+1)·h/outH⌉`, columns likewise (end exclusive), keeping the first maximum in row-major
 * order and letting a NaN win, exactly like PyTorch's CPU `adaptive_max_pool2d`.
 */
export function adaptiveMaxPoolIndices(
  x: TypedArray,
  planes: number,
  h: number,
  w: number,
  outH: number,
  outW: number,
  out: Int32Array,
): void {
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let i = 0; i < outH; i++) {
      const h0 = Math.floor((i * h) / outH);
      const h1 = Math.ceil(((i + 1) * h) / outH);
      for (let j = 0; j < outW; j++, o++) {
        const w0 = Math.floor((j * w) / outW);
        const w1 = Math.ceil(((j + 1) * w) / outW);
        let best = h0 * w + w0;
        let max = Number.NEGATIVE_INFINITY;
        for (let r = h0; r < h1; r++) {
          const row = base + r * w;
          for (let c = w0; c < w1; c++) {
            const v = x[row + c];
            if (v > max || v !== v) {
              max = v;
              best = r * w + c;
            }
          }
        }
        out[o] = best;
      }
    }
  }
}
