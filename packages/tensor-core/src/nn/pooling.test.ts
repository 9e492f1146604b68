import { describe, expect, it } from 'vitest';
import { arange, randn } from '../index';
import { AvgPool2d, MaxPool2d } from './pooling';

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
