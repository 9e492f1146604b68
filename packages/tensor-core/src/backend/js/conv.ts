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
