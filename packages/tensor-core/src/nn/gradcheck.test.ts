/**
 * Float64 finite-difference checks of every module's gradients with respect to its input and its
 * parameters. `gradcheck` below is a small local central-difference check, to be replaced by the shared
 * `src/autograd/gradcheck.ts` once it lands.
 */
import { describe, expect, it } from 'vitest';
import { Generator, grad, noGrad, randn, type Tensor, tensor } from '../index';
import { ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh } from './activation';
import { Sequential } from './container';
import { Dropout } from './dropout';
import { Flatten, Unflatten } from './flatten';
import * as init from './init';
import { Bilinear, Linear } from './linear';
import type { Module } from './module';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './normalization';
import { Embedding } from './sparse';

/**
 * Compares autograd's gradient of `Σ f() · w` (w a fixed random weighting) with respect to each of
 * `inputs` against central differences `(L(x + ε) - L(x - ε)) / 2ε`, element by element.
 */
function gradcheck(f: () => Tensor, inputs: readonly Tensor[], eps = 1e-6): void {
  for (const x of inputs) {
    if (x.dtype !== 'float64' || !x.requiresGrad) throw new Error('gradcheck needs float64 inputs that require grad');
  }
  const w = randn(f().shape, { dtype: 'float64', generator: new Generator(123) });
  const loss = () => f().mul(w).sum();
  const analytic = grad(loss(), inputs, { allowUnused: true });
  inputs.forEach((x, k) => {
    const d = x.data as Float64Array;
    const numeric = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const orig = d[i];
      d[i] = orig + eps;
      const plus = noGrad(loss).item();
      d[i] = orig - eps;
      const minus = noGrad(loss).item();
      d[i] = orig;
      numeric[i] = (plus - minus) / (2 * eps);
    }
    const a = analytic[k] ?? new Float64Array(d.length);
    expect(a, `input ${k} of shape (${x.shape.join(',')})`).toBeAllclose(numeric, { rtol: 1e-5, atol: 1e-7 });
  });
}

const f64 = (shape: number[], seed: number, scale = 1) =>
  randn(shape, { dtype: 'float64', generator: new Generator(seed) })
    .mul(scale)
    .requiresGrad_();

/** Checks a one-input module with respect to its input and all its parameters. */
function checkModule(m: Module<[Tensor], Tensor>, x: Tensor): void {
  gradcheck(() => m.forward(x), [x, ...m.parameters()]);
}

/** Norm layers start at ones/zeros; random affine parameters exercise their gradients fully. */
function randomizeAffine(m: Module, seed: number): void {
  for (const p of m.parameters()) init.normal_(p, 1, 0.5, { generator: new Generator(seed++) });
}

describe('float64 gradchecks of the modules', () => {
  const opts = (seed: number) => ({ dtype: 'float64' as const, generator: new Generator(seed) });

  it('Linear', () => {
    checkModule(new Linear(4, 3, opts(1)), f64([5, 4], 2));
    checkModule(new Linear(3, 2, { ...opts(3), bias: false }), f64([2, 2, 3], 4));
  });

  it('Bilinear', () => {
    const m = new Bilinear(3, 2, 4, opts(5));
    const x1 = f64([3, 3], 6);
    const x2 = f64([3, 2], 7);
    gradcheck(() => m.forward(x1, x2), [x1, x2, ...m.parameters()]);
  });

  // Without a padding row: by definition that row gets no gradient though the output depends on it
  // (the parity test checks that against PyTorch).
  it('Embedding', () => {
    const m = new Embedding(6, 3, opts(8));
    const idx = tensor([0, 2, 5, 2, 1], { dtype: 'int32' });
    gradcheck(() => m.forward(idx), [m.weight]);
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

  it('Dropout with a fixed mask', () => {
    const g = new Generator(0);
    const m = new Dropout(0.4, { generator: g });
    const x = f64([4, 5], 17);
    gradcheck(() => {
      g.manualSeed(42); // the same mask on every evaluation
      return m.forward(x);
    }, [x]);
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

  it('Flatten, Unflatten and a Sequential MLP', () => {
    const mlp = new Sequential(
      new Unflatten(1, [2, 3]),
      new Flatten(),
      new Linear(6, 5, opts(30)),
      new Tanh(),
      new Linear(5, 2, opts(31)),
    );
    checkModule(mlp, f64([3, 6], 32));
  });
});
