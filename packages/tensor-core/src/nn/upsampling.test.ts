import { describe, expect, it } from 'vitest';
import { interpolate, randn, tensor } from '../index';
import { Upsample, UpsamplingBilinear2d, UpsamplingNearest2d } from './upsampling';

describe('Upsample', () => {
  it('computes F.interpolate with its settings', () => {
    const x = randn([2, 3, 5, 4], { dtype: 'float64' });
    const cases = [
      { scaleFactor: 2, mode: 'bilinear' },
      { scaleFactor: [1.7, 0.6], mode: 'bilinear', alignCorners: true },
      { size: [7, 3], mode: 'nearest' },
      { size: 3, mode: 'nearest-exact' },
    ] as const;
    for (const opts of cases) {
      expect(new Upsample(opts).forward(x)).toBeAllclose(interpolate(x, opts), { rtol: 0, atol: 0 });
    }
    const s = randn([1, 2, 6], { dtype: 'float64' });
    expect(new Upsample({ scaleFactor: 1.5, mode: 'linear' }).forward(s)).toBeAllclose(
      interpolate(s, { scaleFactor: 1.5, mode: 'linear' }),
      { rtol: 0, atol: 0 },
    );
  });

  it('doubles a signal by repeating each entry in the default nearest mode', () => {
    expect(new Upsample({ scaleFactor: 2 }).forward(tensor([[[1, 2, 3]]]))).toBeAllclose([[[1, 1, 2, 2, 3, 3]]]);
  });

  it('prints like PyTorch (scale factors as floats)', () => {
    expect(new Upsample({ scaleFactor: 2, mode: 'bilinear' }).toString()).toBe(
      'Upsample(scale_factor=2.0, mode=bilinear)',
    );
    expect(new Upsample({ size: [3, 4] }).toString()).toBe('Upsample(size=[3, 4], mode=nearest)');
    expect(new Upsample({ scaleFactor: [1.5, 2] }).toString()).toBe('Upsample(scale_factor=[1.5, 2.0], mode=nearest)');
  });

  it('needs exactly one of size and scaleFactor', () => {
    expect(() => new Upsample({ size: 3, scaleFactor: 2 })).toThrow(
      'Upsample: give exactly one of size and scaleFactor, got both',
    );
    expect(() => new UpsamplingNearest2d({})).toThrow(
      'UpsamplingNearest2d: give exactly one of size and scaleFactor, got neither',
    );
  });
});

describe('UpsamplingNearest2d and UpsamplingBilinear2d', () => {
  it('are nearest, and bilinear with aligned corners as in PyTorch', () => {
    const x = randn([1, 2, 3, 4], { dtype: 'float64' });
    expect(new UpsamplingNearest2d({ scaleFactor: 2 }).forward(x)).toBeAllclose(interpolate(x, { scaleFactor: 2 }), {
      rtol: 0,
      atol: 0,
    });
    const bilinear = new UpsamplingBilinear2d({ size: [5, 7] });
    expect(bilinear.forward(x)).toBeAllclose(interpolate(x, { size: [5, 7], mode: 'bilinear', alignCorners: true }), {
      rtol: 0,
      atol: 0,
    });
    // With aligned corners the four corners are copied exactly.
    const y = bilinear.forward(x);
    expect(y.select(3, 6).select(2, 4)).toBeAllclose(x.select(3, 3).select(2, 2), { rtol: 0, atol: 0 });
  });

  it('print like PyTorch', () => {
    expect(new UpsamplingNearest2d({ scaleFactor: 2 }).toString()).toBe(
      'UpsamplingNearest2d(scale_factor=2.0, mode=nearest)',
    );
    expect(new UpsamplingBilinear2d({ size: 3 }).toString()).toBe('UpsamplingBilinear2d(size=3, mode=bilinear)');
  });
});
