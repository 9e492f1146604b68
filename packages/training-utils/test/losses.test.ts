import { gradcheck, type Tensor } from '@tensorloom/tensor-core';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  gaussianKlDivergence,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
} from '@tensorloom/training-utils';
import { describe, expect, it } from 'vitest';
import { loadFixture } from './helpers';

/** One loss evaluation recorded by generate.py. */
interface LossCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  inputs: Record<string, string>;
  out: string;
  gradOf: string | null;
  gradOutput?: string;
  grad?: string;
}

type Inputs = Record<string, Tensor>;
type Options = Record<string, unknown>;
const LOSSES: Record<string, (x: Inputs, options: Options) => Tensor> = {
  mseLoss: (x, o) => mseLoss(x.input, x.target, o),
  l1Loss: (x, o) => l1Loss(x.input, x.target, o),
  smoothL1Loss: (x, o) => smoothL1Loss(x.input, x.target, o),
  huberLoss: (x, o) => huberLoss(x.input, x.target, o),
  binaryCrossEntropy: (x, o) => binaryCrossEntropy(x.input, x.target, { ...o, weight: x.weight }),
  binaryCrossEntropyWithLogits: (x, o) =>
    binaryCrossEntropyWithLogits(x.input, x.target, { ...o, weight: x.weight, posWeight: x.posWeight }),
  crossEntropy: (x, o) => crossEntropy(x.input, x.target, { ...o, weight: x.weight }),
  nllLoss: (x, o) => nllLoss(x.input, x.target, { ...o, weight: x.weight }),
  klDiv: (x, o) => klDiv(x.input, x.target, o),
  gaussianKlDivergence: (x, o) => gaussianKlDivergence(x.mu, x.logvar, o),
};

const { tensors, metadata } = loadFixture('losses.safetensors');
const cases = JSON.parse(metadata.cases) as LossCase[];

describe('losses match PyTorch 1.13: value, gradient, and a float64 gradient check', () => {
  it('has a fixture for every loss and every reduction', () => {
    expect(new Set(cases.map((c) => c.fn))).toEqual(new Set(Object.keys(LOSSES)));
    for (const r of ['none', 'mean', 'sum']) expect(cases.some((c) => c.options.reduction === r)).toBe(true);
  });

  for (const c of cases) {
    it(c.name, () => {
      const inputs: Inputs = {};
      for (const [key, name] of Object.entries(c.inputs)) inputs[key] = tensors[name].clone();
      const float64 = inputs[c.gradOf ?? 'input']?.dtype !== 'float32';
      const tol = float64 ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
      const x = c.gradOf ? inputs[c.gradOf].requiresGrad_() : null;
      const out = LOSSES[c.fn](inputs, c.options);
      expect(out, 'value').toBeAllclose(tensors[c.out], tol);
      if (x === null || !c.gradOutput || !c.grad) return;

      const gradOutput = tensors[c.gradOutput];
      out.mul(gradOutput).sum().backward();
      expect(x.grad as Tensor, 'gradient').toBeAllclose(tensors[c.grad], tol);

      if (float64 && c.gradOf) {
        const wrt = c.gradOf;
        expect(gradcheck((v) => LOSSES[c.fn]({ ...inputs, [wrt]: v }, c.options), [x])).toBe(true);
      }
    });
  }
});
