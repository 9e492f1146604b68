import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '../index';
import { Conv1d, Conv2d, ConvTranspose2d } from './conv';

describe('Conv1d', () => {
  it('has PyTorch weight shapes and output lengths', () => {
    const conv = new Conv1d(16, 33, 3, { stride: 2 });
    expect(conv.weight.shape).toEqual([33, 16, 3]);
    expect(conv.bias!.shape).toEqual([33]);
    expect(conv.forward(randn([20, 16, 50])).shape).toEqual([20, 33, 24]);
    expect(new Conv1d(4, 6, 3, { groups: 2 }).weight.shape).toEqual([6, 2, 3]);
    expect(new Conv1d(2, 3, 4, { padding: 'same' }).forward(randn([1, 2, 9])).shape).toEqual([1, 3, 9]);
  });

  it('computes a cross-correlation', () => {
    const conv = new Conv1d(1, 1, 2, { bias: false });
    conv.loadStateDict({ weight: tensor([[[1, -1]]]) });
    expect(conv.forward(tensor([[[1, 4, 9, 16]]]))).toBeAllclose([[[-3, -5, -7]]]);
  });
});

describe('Conv2d', () => {
  it('has PyTorch weight shapes and output sizes', () => {
    const conv = new Conv2d(3, 16, [3, 5], { stride: [2, 1], padding: [4, 2], dilation: [3, 1] });
    expect(conv.weight.shape).toEqual([16, 3, 3, 5]);
    expect(conv.forward(randn([2, 3, 20, 10])).shape).toEqual([2, 16, 11, 10]); // ⌊(20 + 8 - 6 - 1)/2⌋ + 1 = 11
    expect(conv.forward(randn([3, 20, 10])).shape).toEqual([16, 11, 10]); // unbatched
  });

  it('draws weight and bias from U(-1/√fanIn, 1/√fanIn) with fanIn = in/groups · kh · kw', () => {
    const conv = new Conv2d(8, 64, 3, { groups: 2, generator: new Generator(0) });
    const bound = 1 / Math.sqrt(4 * 9);
    for (const p of [conv.weight, conv.bias!]) {
      const d = Array.from(p.data);
      expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(bound);
    }
    expect(Math.max(...Array.from(conv.weight.data))).toBeGreaterThan(0.98 * bound);
  });

  it('prints only the settings that differ from the defaults, like PyTorch', () => {
    expect(new Conv2d(3, 16, 3).toString()).toBe('Conv2d(3, 16, kernel_size=[3, 3], stride=[1, 1])');
    expect(new Conv2d(4, 8, [3, 5], { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false }).toString()).toBe(
      'Conv2d(4, 8, kernel_size=[3, 5], stride=[2, 2], padding=[1, 1], dilation=[2, 2], groups=2, bias=false)',
    );
    expect(new Conv2d(1, 1, 3, { padding: 'same' }).toString()).toBe(
      'Conv2d(1, 1, kernel_size=[3, 3], stride=[1, 1], padding=same)',
    );
  });

  it('rejects bad geometry in the constructor', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow('Conv2d: inChannels 3 must be divisible by groups 2');
    expect(() => new Conv2d(4, 3, 3, { groups: 2 })).toThrow('Conv2d: outChannels 3 must be divisible by groups 2');
    expect(() => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(/not supported for strided/);
    expect(() => new Conv2d(1, 1, 0)).toThrow(/kernelSize must be an integer or 2 integers >= 1, got 0/);
    expect(() => new Conv2d(1, 1, [3, 3, 3] as unknown as [number, number])).toThrow(/kernelSize/);
  });
});

describe('ConvTranspose2d', () => {
  it('has the (in, out/groups, kh, kw) weight and upsamples', () => {
    const up = new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1 });
    expect(up.weight.shape).toEqual([8, 4, 4, 4]);
    expect(up.forward(randn([1, 8, 16, 16])).shape).toEqual([1, 4, 32, 32]);
    expect(new ConvTranspose2d(4, 6, 3, { groups: 2 }).weight.shape).toEqual([4, 3, 3, 3]);
    const withOutputPadding = new ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
    expect(withOutputPadding.forward(randn([1, 2, 5, 5])).shape).toEqual([1, 2, 10, 10]);
    expect(withOutputPadding.toString()).toBe(
      'ConvTranspose2d(2, 2, kernel_size=[3, 3], stride=[2, 2], padding=[1, 1], output_padding=[1, 1])',
    );
  });

  it("rejects 'same' padding", () => {
    expect(() => new ConvTranspose2d(1, 1, 3, { padding: 'same' as unknown as number })).toThrow(
      /padding must be a number or a pair/,
    );
  });
});
