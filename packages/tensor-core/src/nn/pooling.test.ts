import { describe, expect, it } from 'vitest';
import { arange, randn, tensor } from '../index';
import * as F from './functional';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d, MaxUnpool2d } from './pooling';

const grid = arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);

describe('MaxPool2d', () => {
  it('takes the maximum of each window, windows a kernel apart by default', () => {
    expect(new MaxPool2d(2).forward(grid)).toBeAllclose([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    expect(new MaxPool2d(3, { stride: 2, padding: 1 }).forward(randn([2, 3, 8, 8])).shape).toEqual([2, 3, 4, 4]);
  });

  it('prints like PyTorch', () => {
    expect(new MaxPool2d(2).toString()).toBe(
      'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=false)',
    );
    expect(new MaxPool2d([2, 3], { stride: 1 }).toString()).toBe(
      'MaxPool2d(kernel_size=[2, 3], stride=1, padding=0, dilation=1, ceil_mode=false)',
    );
  });
});

describe('MaxPool2d with returnIndices, and MaxUnpool2d', () => {
  it('returns each maximum and its flat position in the plane, and the unpool puts it back', () => {
    const pool = new MaxPool2d(2, { returnIndices: true });
    const [y, idx] = pool.forward(grid);
    expect(y).toBeAllclose([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    expect(idx.dtype).toBe('int32');
    expect(idx.toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    const back = new MaxUnpool2d(2).forward(y, idx);
    expect(back.toArray()).toEqual([
      [
        [
          [0, 0, 0, 0],
          [0, 5, 0, 7],
          [0, 0, 0, 0],
          [0, 13, 0, 15],
        ],
      ],
    ]);
    expect(pool.toString()).toBe(
      'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=false, return_indices=true)',
    );
    expect(new MaxUnpool2d(2).toString()).toBe('MaxUnpool2d(kernel_size=2, stride=2, padding=0)');
  });

  it('outputSize restores an odd size that pooling rounded down', () => {
    const x = randn([2, 3, 5, 7]);
    const [y, idx] = new MaxPool2d(2, { returnIndices: true }).forward(x);
    expect(y.shape).toEqual([2, 3, 2, 3]);
    expect(new MaxUnpool2d(2).forward(y, idx, x.shape).shape).toEqual([2, 3, 5, 7]);
    expect(() => new MaxUnpool2d(2).forward(y, idx, [9, 9])).toThrow(
      /maxUnpool2d: outputSize \[9, 9\] is out of range/,
    );
  });

  it('sends the whole gradient of a tied window to its first maximum, as PyTorch does', () => {
    const x = tensor(
      [
        [
          [
            [1, 1],
            [1, 0],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    new MaxPool2d(2).forward(x).sum().backward();
    expect(x.grad?.toArray()).toEqual([
      [
        [
          [1, 0],
          [0, 0],
        ],
      ],
    ]);
  });

  it('rejects indices that are not int32, are shaped wrong, or point outside the output', () => {
    const y = randn([1, 1, 2, 2]);
    const unpool = new MaxUnpool2d(2);
    expect(() => unpool.forward(y, y)).toThrow(/maxUnpool2d: indices must be int32/);
    expect(() => unpool.forward(y, tensor([[[0, 1]]], { dtype: 'int32' }))).toThrow(
      /maxUnpool2d: indices \(1,1,2\) must have the input's shape \(1,1,2,2\)/,
    );
    expect(() =>
      unpool.forward(
        y,
        tensor(
          [
            [
              [
                [0, 1],
                [2, 16],
              ],
            ],
          ],
          { dtype: 'int32' },
        ),
      ),
    ).toThrow(/16/);
  });
});

describe('AvgPool2d', () => {
  it('averages each window', () => {
    expect(new AvgPool2d(2).forward(grid)).toBeAllclose([
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
  });

  it('counts the padding in the divisor unless told not to, or uses divisorOverride', () => {
    const ones = randn([1, 1, 2, 2]).mul(0).add(1);
    expect(new AvgPool2d(2, { stride: 1, padding: 1 }).forward(ones).select(3, 0).select(2, 0)).toBeAllclose([[0.25]]);
    expect(
      new AvgPool2d(2, { stride: 1, padding: 1, countIncludePad: false }).forward(ones).select(3, 0).select(2, 0),
    ).toBeAllclose([[1]]);
    expect(new AvgPool2d(2, { divisorOverride: 2 }).forward(ones)).toBeAllclose([[[[2]]]]);
    expect(new AvgPool2d(2).toString()).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
  });
});

describe('adaptive pooling modules', () => {
  const x = randn([2, 3, 7, 5], { dtype: 'float64' });

  it('compute the functional results', () => {
    expect(new AdaptiveAvgPool2d([3, null]).forward(x)).toBeAllclose(F.adaptiveAvgPool2d(x, [3, null]), {
      rtol: 0,
      atol: 0,
    });
    expect(new AdaptiveMaxPool2d(4).forward(x)).toBeAllclose(F.adaptiveMaxPool2d(x, 4), { rtol: 0, atol: 0 });
    const s = randn([2, 4, 9], { dtype: 'float64' });
    expect(new AdaptiveAvgPool1d(4).forward(s)).toBeAllclose(F.adaptiveAvgPool1d(s, 4), { rtol: 0, atol: 0 });
  });

  it('global average pooling: outputSize 1 is the mean of each plane', () => {
    expect(new AdaptiveAvgPool2d(1).forward(x)).toBeAllclose(x.mean([2, 3], true), { rtol: 1e-12, atol: 1e-12 });
    expect(new AdaptiveMaxPool2d([1, 1]).forward(grid)).toBeAllclose([[[[15]]]]);
  });

  it('use the floor/ceil windows, overlapping when the sizes do not divide', () => {
    // L = 5, Lout = 3: windows [0, 2), [1, 4), [3, 5).
    expect(new AdaptiveAvgPool1d(3).forward(tensor([[[1, 2, 3, 4, 5]]]))).toBeAllclose([[[1.5, 3, 4.5]]]);
    // An output larger than the input repeats entries: L = 2, Lout = 3: windows [0, 1), [0, 2), [1, 2).
    expect(new AdaptiveAvgPool1d(3).forward(tensor([[1, 3]]))).toBeAllclose([[1, 2, 3]]);
  });

  it('AdaptiveMaxPool2d returns indices on request', () => {
    const [y, idx] = new AdaptiveMaxPool2d([2, 2], { returnIndices: true }).forward(grid);
    expect(y).toBeAllclose([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    expect(idx.toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
  });

  it('print like PyTorch', () => {
    expect(new AdaptiveAvgPool2d([null, 3]).toString()).toBe('AdaptiveAvgPool2d(output_size=[null, 3])');
    expect(new AdaptiveMaxPool2d(2).toString()).toBe('AdaptiveMaxPool2d(output_size=2)');
    expect(new AdaptiveAvgPool1d(3).toString()).toBe('AdaptiveAvgPool1d(output_size=3)');
  });
});
