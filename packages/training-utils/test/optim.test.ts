import type { Tensor } from '@tensorloom/tensor-core';
import { Adagrad, Adam, AdamW, type Optimizer, type ParamGroupInput, RMSprop, SGD } from '@tensorloom/training-utils';
import { describe, expect, it } from 'vitest';
import { loadFixture } from './helpers';

/** One optimizer run recorded by generate.py. */
interface OptimCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  defaults: Record<string, unknown>;
  groups: { params: number[]; options?: Record<string, unknown> }[];
  dtype: 'float32' | 'float64';
  steps: number;
  shapes: number[][];
  missing: [number, number][];
  stateScalars: Record<string, Record<string, number | null>>;
}

type AnyGroups = ParamGroupInput<object>[];
const OPTIMIZERS: Record<OptimCase['optimizer'], (groups: AnyGroups, defaults: object) => Optimizer<object>> = {
  SGD: (g, d) => new SGD(g, d),
  Adam: (g, d) => new Adam(g, d),
  AdamW: (g, d) => new AdamW(g, d),
  RMSprop: (g, d) => new RMSprop(g, d),
  Adagrad: (g, d) => new Adagrad(g, d),
};

const { tensors, metadata } = loadFixture('optim.safetensors');
const cases = JSON.parse(metadata.cases) as OptimCase[];

describe('optimizers match PyTorch 1.13 step by step', () => {
  it('has a fixture for every optimizer', () => {
    expect(new Set(cases.map((c) => c.optimizer))).toEqual(new Set(Object.keys(OPTIMIZERS)));
  });

  for (const c of cases) {
    it(c.name, () => {
      const tol = c.dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
      const params = c.shapes.map((_, j) => tensors[`${c.name}.p${j}.init`].clone().requiresGrad_());
      expect(params[0].dtype).toBe(c.dtype);
      const groups = c.groups.map((g) => ({ params: g.params.map((j) => params[j]), ...g.options }));
      const opt = OPTIMIZERS[c.optimizer](groups, c.defaults);
      for (let k = 0; k < c.steps; k++) {
        params.forEach((p, j) => {
          const missing = c.missing.some(([step, param]) => step === k && param === j);
          p.grad = missing ? null : tensors[`${c.name}.p${j}.grad${k}`];
        });
        opt.step();
        params.forEach((p, j) => {
          expect(p, `param ${j} after step ${k}`).toBeAllclose(tensors[`${c.name}.p${j}.step${k}`], tol);
        });
      }
      // The final state, read through stateDict: PyTorch's keys and parameter numbering.
      const { state } = opt.stateDict();
      params.forEach((_, j) => {
        const prefix = `${c.name}.state.${j}.`;
        const tensorKeys = Object.keys(tensors)
          .filter((k) => k.startsWith(prefix))
          .map((k) => k.slice(prefix.length));
        const scalars = c.stateScalars[j] ?? {};
        expect(Object.keys(state[j]).sort()).toEqual([...tensorKeys, ...Object.keys(scalars)].sort());
        for (const key of tensorKeys) {
          expect(state[j][key] as Tensor, `state ${j}.${key}`).toBeAllclose(tensors[prefix + key], tol);
        }
        for (const [key, value] of Object.entries(scalars)) expect(state[j][key], `state ${j}.${key}`).toBe(value);
      });
    });
  }
});
