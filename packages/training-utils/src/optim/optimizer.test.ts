import { manualSeed, nn, noGrad, randn, type Tensor, TensorError, tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad';
import { Adam, AdamW } from './adam';
import type { Optimizer } from './optimizer';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';

function param(values: number[]): Tensor {
  return tensor(values, { dtype: 'float64', requiresGrad: true });
}

/** Sets each parameter's gradient to a fresh random tensor. */
function randomGrads(params: Tensor[]): void {
  for (const p of params) p.grad = randn(p.shape, { dtype: p.dtype });
}

describe('Optimizer: parameter groups', () => {
  it('puts plain parameters in one group with the defaults', () => {
    const a = param([1, 2]);
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups).toHaveLength(1);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false });
    expect(opt.paramGroups[0].params).toEqual([a]);
  });

  it('accepts any iterable of parameters, such as a generator', () => {
    const a = param([1]);
    const b = param([2]);
    function* parameters() {
      yield a;
      yield b;
    }
    expect(new Adam(parameters()).paramGroups[0].params).toEqual([a, b]);
  });

  it('lets each group override the defaults', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new SGD([{ params: [a], lr: 0.5 }, { params: b }], { lr: 0.1, weightDecay: 0.01 });
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay])).toEqual([
      [0.5, 0.01],
      [0.1, 0.01],
    ]);
    a.grad = tensor([1], { dtype: 'float64' });
    b.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    expect(a.item()).toBeCloseTo(1 - 0.5 * (1 + 0.01), 12);
    expect(b.item()).toBeCloseTo(2 - 0.1 * (1 + 0.02), 12);
  });

  it('adds groups later and rejects a parameter already in a group', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new Adam([a], { lr: 1e-3 });
    opt.addParamGroup({ params: [b], lr: 1e-4 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 1e-4, betas: [0.9, 0.999], eps: 1e-8 });
    expect(opt.paramGroups[1].betas).not.toBe(opt.paramGroups[0].betas); // no shared arrays between groups
    opt.addParamGroup({ params: [param([3])], lr: undefined });
    expect(opt.paramGroups[2].lr).toBe(1e-3); // an undefined option falls back to the default
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/more than one parameter group/);
  });

  it('rejects what PyTorch rejects, with the optimizer in the message', () => {
    const a = param([1]);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/SGD: got an empty parameter list/);
    expect(() => new SGD(a as unknown as Tensor[], { lr: 0.1 })).toThrow(/single Tensor/);
    expect(() => new SGD([a])).toThrow(/did not specify a learning rate/);
    expect(() => new SGD([a], { lr: -1 })).toThrow(/invalid learning rate: -1/);
    expect(() => new SGD([a], { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum/);
    expect(() => new SGD([a, a], { lr: 0.1 })).toThrow(/same parameter twice/);
    expect(() => new SGD([a.mul(2)], { lr: 0.1 })).toThrow(/non-leaf/);
    expect(() => new SGD([tensor([1], { dtype: 'int32' })], { lr: 0.1 })).toThrow(/floating-point/);
    expect(() => new Adam([a], { betas: [0.9, 1] })).toThrow(/Adam: invalid beta parameter at index 1: 1/);
    expect(() => new AdamW([a], { eps: -1 })).toThrow(/AdamW: invalid epsilon value/);
    expect(() => new RMSprop([a], { alpha: -0.5 })).toThrow(/RMSprop: invalid alpha value/);
    expect(() => new Adagrad([a], { lrDecay: -1 })).toThrow(/Adagrad: invalid lr_decay value/);
    expect(() => new SGD([a], { lr: 0.1, momentum: -1 })).toThrow(TensorError);
  });
});

describe('Optimizer: zeroGrad and step', () => {
  it('zeroGrad sets gradients to null by default, or fills them with zeros', () => {
    const a = param([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = tensor([3, 4], { dtype: 'float64' });
    const g = a.grad;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).toBe(g);
    expect(a.grad?.toArray()).toEqual([0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('zeroGrad detaches a gradient that is part of a graph before zeroing it', () => {
    const a = param([1, 2]);
    a.grad = a.mul(2); // as after backward({ createGraph: true })
    new SGD([a], { lr: 0.1 }).zeroGrad({ setToNone: false });
    expect(a.grad?.requiresGrad).toBe(false);
    expect(a.grad?.toArray()).toEqual([0, 0]);
  });

  it('skips parameters without a gradient, creating no state for them', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    expect(a.item()).not.toBe(1);
    expect(b.item()).toBe(2);
    expect(opt.state.has(a)).toBe(true);
    expect(opt.state.has(b)).toBe(false);
  });

  it('runs a closure with gradients enabled and returns its loss', () => {
    const a = param([3]);
    const opt = new SGD([a], { lr: 0.25 });
    const loss = noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = a.mul(a).sum();
        l.backward();
        return l;
      }),
    );
    expect(loss?.item()).toBe(9);
    expect(a.item()).toBe(3 - 0.25 * 6);
  });

  it('rejects a gradient whose shape differs from its parameter', () => {
    const a = param([1, 2]);
    a.grad = tensor([1, 2, 3], { dtype: 'float64' });
    expect(() => new SGD([a], { lr: 0.1 }).step()).toThrow(/SGD: a parameter of shape \(2\).*gradient of shape \(3\)/);
  });

  it('marks parameters as modified, so a stale graph cannot be backpropagated', () => {
    const a = param([1, 2]);
    const y = a.mul(a).sum(); // saves a for its gradient
    a.grad = tensor([1, 1], { dtype: 'float64' });
    new SGD([a], { lr: 0.1 }).step();
    expect(() => y.backward()).toThrow(/modified by an in-place operation/);
  });

  it('updates float32 parameters in float32 storage', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    a.grad = tensor([0.5, -0.5]);
    new Adam([a], { lr: 0.1 }).step();
    expect(a.dtype).toBe('float32');
    expect(a).toBeAllclose([0.9, 2.1], { rtol: 1e-6 });
  });
});

describe('Optimizer with nn modules', () => {
  it('fits a linear model from model.parameters(), for every optimizer', () => {
    manualSeed(0);
    const x = randn([32, 3], { dtype: 'float64' });
    const trueW = tensor([[1.5, -2, 0.5]], { dtype: 'float64' });
    const y = x.matmul(trueW.t()).add(0.3); // (32, 1)
    for (const make of [
      (p: Iterable<Tensor>) => new SGD(p, { lr: 0.1, momentum: 0.9 }),
      (p: Iterable<Tensor>) => new Adam(p, { lr: 0.05 }),
      (p: Iterable<Tensor>) => new AdamW(p, { lr: 0.05, weightDecay: 0 }),
      (p: Iterable<Tensor>) => new RMSprop(p, { lr: 0.01 }),
      (p: Iterable<Tensor>) => new Adagrad(p, { lr: 0.5 }),
    ]) {
      const model = new nn.Linear(3, 1, { dtype: 'float64' });
      const opt = make(model.parameters());
      const mse = () => model.forward(x).sub(y).square().mean();
      const initial = mse().item();
      for (let i = 0; i < 300; i++) {
        opt.zeroGrad();
        mse().backward();
        opt.step();
      }
      expect(mse().item(), opt.constructor.name).toBeLessThan(initial * 1e-3);
    }
  });
});

/** Every optimizer with options that make its state non-trivial. */
const MAKERS: [string, (params: Tensor[]) => Optimizer<object>][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam', (p) => new Adam(p, { lr: 0.01, amsgrad: true })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.01 })],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
];

describe('Optimizer: stateDict and loadStateDict', () => {
  it("has PyTorch's layout: numbered state, snake_case hyperparameters, params as indices", () => {
    const a = param([1, 2]);
    const b = param([3]);
    const c = param([4]);
    const opt = new Adam([{ params: [a, b], weightDecay: 0.1 }, { params: [c] }], { lr: 0.01 });
    randomGrads([a, c]);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.param_groups).toEqual([
      { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, amsgrad: false, maximize: false, params: [0, 1] },
      { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, params: [2] },
    ]);
    expect(Object.keys(sd.state)).toEqual(['0', '2']);
    expect(Object.keys(sd.state[0]).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'step']);
    expect(sd.state[0].step).toBe(1);
    // A snapshot: later steps do not change it, and it shares no storage with the live state.
    const before = (sd.state[0].exp_avg as Tensor).toArray();
    randomGrads([a, c]);
    opt.step();
    expect((sd.state[0].exp_avg as Tensor).toArray()).toEqual(before);
    expect(JSON.parse(JSON.stringify(sd.param_groups))).toEqual(sd.param_groups);
  });

  for (const [name, make] of MAKERS) {
    it(`${name}: a restored optimizer takes exactly the steps the original would`, () => {
      const params = [randn([3, 2], { dtype: 'float64' }), randn([4], { dtype: 'float64' })].map((p) =>
        p.requiresGrad_(),
      );
      const opt = make(params);
      for (let i = 0; i < 3; i++) {
        randomGrads(params);
        opt.step();
      }
      const saved = opt.stateDict();
      const copies = params.map((p) => p.detach().clone().requiresGrad_());
      const restored = make(copies);
      restored.loadStateDict(saved);
      for (let i = 0; i < 3; i++) {
        randomGrads(params);
        copies.forEach((c, j) => {
          c.grad = params[j].grad;
        });
        opt.step();
        restored.step();
        copies.forEach((c, j) => {
          expect(Array.from(c.data)).toEqual(Array.from(params[j].data));
        });
      }
    });
  }

  it('restores hyperparameters, including keys set by a scheduler', () => {
    const a = param([1]);
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.paramGroups[0].initialLr = 0.1;
    opt.paramGroups[0].lr = 0.05;
    const other = new SGD([param([1])], { lr: 1 });
    const group = other.paramGroups[0];
    other.loadStateDict(opt.stateDict());
    expect(other.paramGroups[0]).toBe(group); // updated in place
    expect(group).toMatchObject({ lr: 0.05, initialLr: 0.1, momentum: 0.9 });
  });

  it("loads PyTorch's Adam state, whose step is a one-element tensor", () => {
    const a = param([1, 2]);
    const opt = new Adam([a]);
    opt.loadStateDict({
      state: {
        0: {
          step: tensor(3),
          exp_avg: tensor([0.1, 0.2]),
          exp_avg_sq: tensor([0.01, 0.04]),
        },
      },
      param_groups: [
        { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, params: [0] },
      ],
    });
    const s = opt.state.get(a) ?? {};
    expect(s.step).toBe(3);
    expect((s.exp_avg as Tensor).dtype).toBe('float64'); // converted to the parameter's dtype
  });

  it('rejects a state dict that does not fit', () => {
    const a = param([1, 2]);
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    const two = new SGD([{ params: [param([1])] }, { params: [param([1])] }], { lr: 0.1 });
    expect(() => opt.loadStateDict(two.stateDict())).toThrow(/2 parameter groups, the optimizer has 1/);
    const bigger = new SGD([param([1]), param([2])], { lr: 0.1 });
    expect(() => opt.loadStateDict(bigger.stateDict())).toThrow(/group 0 has 2 parameters in the state dict, 1/);
    const wrongShape = new SGD([param([1, 2, 3])], { lr: 0.1, momentum: 0.9 });
    randomGrads(wrongShape.paramGroups[0].params);
    wrongShape.step();
    expect(() => opt.loadStateDict(wrongShape.stateDict())).toThrow(
      /state "momentum_buffer" has shape \(3\) but its parameter has shape \(2\)/,
    );
  });
});
