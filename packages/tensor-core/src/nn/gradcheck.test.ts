/**
 * Float64 finite-difference checks of every module's gradients with respect to its inputs and its
 * parameters, with the shared `gradcheck`. `gradcheck` differentiates copies of the tensors it is given, so
 * `moduleFn` runs `forward` with those copies standing in for the module's parameters.
 */
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck';
import { Generator, randn, type Tensor, tensor } from '../index';
import { ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh } from './activation';
import { Sequential } from './container';
import { Conv1d, Conv2d, ConvTranspose2d } from './conv';
import { Dropout, Dropout1d, Dropout2d } from './dropout';
import { Flatten, Unflatten } from './flatten';
import * as F from './functional';
import * as init from './init';
import { Bilinear, Linear } from './linear';
import type { Module } from './module';
import { BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm1d, InstanceNorm2d, LayerNorm } from './normalization';
import { AvgPool2d, MaxPool2d } from './pooling';
import { Embedding } from './sparse';

const tight = { atol: 1e-7, rtol: 1e-5 };

/**
 * `(...inputs, ...params) ↦ forward(...inputs)` with `params` put in place of the module's parameters
 * (in `namedParameters` order) for the duration of the call.
 */
function moduleFn(m: Module, forward: (...inputs: Tensor[]) => Tensor, numInputs: number) {
  const slots = [...m.namedParameters()].map(([name]) => {
    const dot = name.lastIndexOf('.');
    return { owner: m.getSubmodule(dot < 0 ? '' : name.slice(0, dot)), field: name.slice(dot + 1) };
  });
  return (...xs: Tensor[]): Tensor => {
    const saved = slots.map(({ owner, field }) => Reflect.get(owner, field) as Tensor);
    slots.forEach(({ owner, field }, i) => {
      Reflect.set(owner, field, xs[numInputs + i]);
    });
    try {
      return forward(...xs.slice(0, numInputs));
    } finally {
      slots.forEach(({ owner, field }, i) => {
        Reflect.set(owner, field, saved[i]);
      });
    }
  };
}

/** Checks a one-input module with respect to its input and all its parameters. */
function checkModule(m: Module<[Tensor], Tensor>, x: Tensor): void {
  expect(
    gradcheck(
      moduleFn(m, (input) => m.forward(input), 1),
      [x, ...m.parameters()],
      tight,
    ),
  ).toBe(true);
}

const f64 = (shape: number[], seed: number, scale = 1) =>
  randn(shape, { dtype: 'float64', generator: new Generator(seed) }).mul(scale);

/** Norm layers start at ones/zeros; random affine parameters exercise their gradients fully. */
function randomizeAffine(m: Module, seed: number): void {
  for (const p of m.parameters()) init.normal_(p, 1, 0.5, { generator: new Generator(seed++) });
}

describe('float64 gradchecks of the modules', () => {
  const opts = (seed: number) => ({ dtype: 'float64' as const, generator: new Generator(seed) });

  it('the check notices a wrong gradient', () => {
    // A module whose parameter is used through a detached copy has a zero analytic gradient.
    class Broken extends Linear {
      override forward(x: Tensor): Tensor {
        return x.matmul(this.weight.detach().t());
      }
    }
    expect(() => checkModule(new Broken(2, 2, opts(0)), f64([2, 2], 1))).toThrow(/gradient mismatch/);
  });

  it('Linear', () => {
    checkModule(new Linear(4, 3, opts(1)), f64([5, 4], 2));
    checkModule(new Linear(3, 2, { ...opts(3), bias: false }), f64([2, 2, 3], 4));
  });

  it('Bilinear', () => {
    const m = new Bilinear(3, 2, 4, opts(5));
    const fn = moduleFn(m, (x1, x2) => m.forward(x1, x2), 2);
    expect(gradcheck(fn, [f64([3, 3], 6), f64([3, 2], 7), ...m.parameters()], tight)).toBe(true);
  });

  // Without a padding row: by definition that row gets no gradient though the output depends on it
  // (the parity test checks that against PyTorch).
  it('Embedding', () => {
    const m = new Embedding(6, 3, opts(8));
    const idx = tensor([0, 2, 5, 2, 1], { dtype: 'int32' });
    expect(
      gradcheck(
        moduleFn(m, () => m.forward(idx), 0),
        [m.weight],
        tight,
      ),
    ).toBe(true);
  });

  it('LayerNorm', () => {
    const m = new LayerNorm([2, 3], { dtype: 'float64' });
    randomizeAffine(m, 9);
    checkModule(m, f64([4, 2, 3], 10, 2));
  });

  it('BatchNorm1d in training and in evaluation', () => {
    const m = new BatchNorm1d(3, { dtype: 'float64' });
    randomizeAffine(m, 11);
    checkModule(m, f64([5, 3], 12, 2));
    checkModule(m, f64([4, 3, 2], 13));
    m.eval();
    checkModule(m, f64([4, 3], 14));
  });

  it('BatchNorm2d', () => {
    const m = new BatchNorm2d(2, { dtype: 'float64', momentum: null });
    randomizeAffine(m, 15);
    checkModule(m, f64([2, 2, 3, 3], 16));
  });

  it('GroupNorm and functional groupNorm', () => {
    const m = new GroupNorm(2, 4, { dtype: 'float64' });
    randomizeAffine(m, 60);
    checkModule(m, f64([2, 4, 3], 61, 2));
    checkModule(m, f64([3, 4], 62)); // (N, C): groups of 2 values
    const gn = (x: Tensor, w: Tensor, b: Tensor) => F.groupNorm(x, 3, w, b, 1e-3);
    expect(gradcheck(gn, [f64([2, 6, 2, 2], 63), f64([6], 64), f64([6], 65)], tight)).toBe(true);
    expect(gradcheck((x: Tensor) => F.groupNorm(x, 1), [f64([2, 3, 4], 66)], tight)).toBe(true);
  });

  it('InstanceNorm1d and InstanceNorm2d in training and in evaluation, and functional instanceNorm', () => {
    const m1 = new InstanceNorm1d(3, { dtype: 'float64', affine: true });
    randomizeAffine(m1, 67);
    checkModule(m1, f64([2, 3, 5], 68, 2));
    checkModule(m1, f64([3, 4], 69)); // unbatched
    const m2 = new InstanceNorm2d(2, { dtype: 'float64', affine: true, trackRunningStats: true });
    randomizeAffine(m2, 70);
    checkModule(m2, f64([2, 2, 3, 3], 71));
    m2.eval(); // running statistics: an affine map of x
    checkModule(m2, f64([2, 2, 3, 3], 72));
    const inorm = (x: Tensor, w: Tensor, b: Tensor) => F.instanceNorm(x, null, null, w, b, true, 0.1, 1e-3);
    expect(gradcheck(inorm, [f64([2, 3, 4, 2], 73), f64([3], 74), f64([3], 75)], tight)).toBe(true);
    expect(gradcheck((x: Tensor) => F.instanceNorm(x), [f64([3, 2, 6], 76)], tight)).toBe(true);
  });

  it('Dropout1d and Dropout2d with a fixed mask', () => {
    const g = new Generator(0);
    for (const [m, shape] of [
      [new Dropout1d(0.4, { generator: g }), [3, 4, 5]],
      [new Dropout2d(0.4, { generator: g }), [2, 3, 2, 2]],
    ] as const) {
      const fn = (x: Tensor) => {
        g.manualSeed(42); // the same mask on every evaluation
        return m.forward(x);
      };
      expect(gradcheck(fn, [f64([...shape], 77)], tight)).toBe(true);
    }
  });

  it('Dropout with a fixed mask', () => {
    const g = new Generator(0);
    const m = new Dropout(0.4, { generator: g });
    const fn = (x: Tensor) => {
      g.manualSeed(42); // the same mask on every evaluation
      return m.forward(x);
    };
    expect(gradcheck(fn, [f64([4, 5], 17)], tight)).toBe(true);
  });

  it('activations', () => {
    const modules: Module<[Tensor], Tensor>[] = [
      new ReLU(),
      new LeakyReLU(0.1),
      new ELU(0.5),
      new GELU(),
      new GELU('tanh'),
      new Sigmoid(),
      new Tanh(),
      new Softplus(2, 3),
      new SiLU(),
      new Softmax(1),
      new LogSoftmax(0),
    ];
    modules.forEach((m, i) => {
      checkModule(m, f64([3, 4], 20 + i, 2));
    });
  });

  it('Conv1d and Conv2d', () => {
    checkModule(new Conv1d(4, 2, 3, { ...opts(40), stride: 2, padding: 1, groups: 2 }), f64([2, 4, 7], 41));
    checkModule(new Conv2d(2, 4, [2, 3], { ...opts(42), padding: 'same', dilation: [2, 1] }), f64([1, 2, 4, 5], 43));
    checkModule(new Conv2d(4, 2, 3, { ...opts(44), stride: 2, groups: 2, bias: false }), f64([2, 4, 5, 5], 45));
  });

  it('ConvTranspose2d', () => {
    checkModule(
      new ConvTranspose2d(4, 2, 3, { ...opts(46), stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
      f64([1, 4, 3, 3], 47),
    );
  });

  it('MaxPool2d and AvgPool2d', () => {
    checkModule(new MaxPool2d(3, { stride: 2, padding: 1 }), f64([1, 2, 5, 6], 48));
    checkModule(
      new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
      f64([1, 2, 5, 6], 49),
    );
  });

  it('Flatten, Unflatten and Sequential models', () => {
    const mlp = new Sequential(
      new Unflatten(1, [2, 3]),
      new Flatten(),
      new Linear(6, 5, opts(30)),
      new Tanh(),
      new Linear(5, 2, opts(31)),
    );
    checkModule(mlp, f64([3, 6], 32));
    const cnn = new Sequential(
      new Conv2d(1, 2, 3, { ...opts(33), padding: 1 }),
      new BatchNorm2d(2, { dtype: 'float64' }),
      new ReLU(),
      new AvgPool2d(2),
      new Flatten(),
      new Linear(8, 3, opts(34)),
    );
    checkModule(cnn, f64([2, 1, 4, 4], 35));
  });
});
