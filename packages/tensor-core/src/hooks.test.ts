import { describe, expect, it } from 'vitest';
import { Generator, grad, nn, RemovableHandle, randn, type Tensor, TensorError, tensor } from './index';

describe('Tensor.registerHook', () => {
  it('calls a leaf hook once per backward with the whole gradient, before it reaches .grad', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(g.toArray() as number[]);
      expect(x.grad).toBeNull(); // not accumulated yet
    });
    // x is used twice: the hook sees the sum of both contributions, once.
    x.mul(2).add(x.square()).sum().backward();
    expect(seen).toEqual([[4, 6, 8]]); // 2 + 2x
    expect(x.grad).toBeAllclose([4, 6, 8]);
  });

  it('replaces a leaf gradient: the clipped gradient is what .grad accumulates', () => {
    const w = tensor([0.1, -2, 3], { requiresGrad: true });
    w.registerHook((g) => g.clamp(-1, 1)); // gradient clipping
    w.mul(tensor([0.5, -4, 10]))
      .sum()
      .backward();
    expect(w.grad).toBeAllclose([0.5, -1, 1]);
    w.mul(tensor([0.5, -4, 10]))
      .sum()
      .backward();
    expect(w.grad).toBeAllclose([1, -2, 2]); // accumulates clipped gradients
  });

  it('on a non-leaf, sees the incoming gradient and its replacement changes everything upstream', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    let calls = 0;
    let seen: Tensor | null = null;
    h.registerHook((g) => {
      calls++;
      seen = g;
      return g.mul(10);
    });
    h.square().sum().backward();
    expect(calls).toBe(1);
    expect(seen!).toBeAllclose([6, 12]); // d(h²)/dh = 2h
    expect(h.grad).toBeAllclose([60, 120]); // retainGrad keeps the replaced gradient
    expect(x.grad).toBeAllclose([180, 360]); // 3 · 10 · 2h
  });

  it('runs hooks in registration order, each on the previous result; undefined keeps the gradient', () => {
    const x = tensor([1, 1], { requiresGrad: true });
    const order: string[] = [];
    x.registerHook((g) => {
      order.push('a');
      return g.add(1);
    });
    x.registerHook(() => {
      order.push('b');
      return undefined;
    });
    x.registerHook((g) => {
      order.push('c');
      return g.mul(2);
    });
    x.sum().backward();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(x.grad).toBeAllclose([4, 4]); // (1 + 1) · 2
  });

  it('remove() unregisters the hook, and removing twice is harmless', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let calls = 0;
    const handle = x.registerHook((g) => {
      calls++;
      return g.mul(0);
    });
    expect(handle).toBeInstanceOf(RemovableHandle);
    x.sum().backward();
    expect(calls).toBe(1);
    expect(x.grad).toBeAllclose([0, 0]);
    handle.remove();
    handle.remove();
    x.grad = null;
    x.sum().backward();
    expect(calls).toBe(1);
    expect(x.grad).toBeAllclose([1, 1]);
  });

  it('applies to grad(): leaf inputs, non-leaf inputs and the gradients flowing through', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.registerHook((g) => g.mul(2));
    const [gx] = grad(x.square().sum(), x);
    expect(gx).toBeAllclose([4, 8]); // 2 · 2x
    expect(x.grad).toBeNull();

    const y = tensor([1, 2], { requiresGrad: true });
    const h = y.mul(2);
    h.registerHook((g) => g.add(1));
    const [gh, gy] = grad(h.sum(), [h, y]);
    expect(gh).toBeAllclose([2, 2]);
    expect(gy).toBeAllclose([4, 4]);
  });

  it('records the hook under createGraph, so a replaced gradient is differentiable', () => {
    const x = tensor([1, 2], { requiresGrad: true, dtype: 'float64' });
    const h = x.mul(1);
    const handle = h.registerHook((g) => g.mul(h)); // depends on x: d/dx of the replaced gradient sees it
    const [gx] = grad(h.pow(3).sum(), x, { createGraph: true }); // 3h² · h = 3x³
    expect(gx).toBeAllclose([3, 24]);
    expect(gx!.requiresGrad).toBe(true);
    handle.remove(); // otherwise it would multiply the second pass through h by h too
    const [g2] = grad(gx!.sum(), x); // 9x²
    expect(g2).toBeAllclose([9, 36]);
  });

  it('a hook that removes itself runs this pass and not the next', () => {
    const x = tensor([1], { requiresGrad: true });
    let calls = 0;
    const handle: RemovableHandle = x.registerHook(() => {
      calls++;
      handle.remove();
    });
    x.sum().backward();
    x.sum().backward();
    expect(calls).toBe(1);
  });

  it('throws a clear TensorError on a tensor that does not require grad, or on a bad replacement', () => {
    expect(() => tensor([1, 2]).registerHook((g) => g)).toThrow(TensorError);
    expect(() => tensor([1, 2]).registerHook((g) => g)).toThrow(
      'registerHook: cannot register a hook on a tensor of shape (2) that does not require grad',
    );
    const x = tensor([1, 2], { requiresGrad: true });
    x.registerHook((g) => g.sum());
    expect(() => x.sum().backward()).toThrow(
      /registerHook: a hook returned a float32 tensor of shape \(\) for a gradient that is a float32 tensor of shape \(2\)/,
    );
  });

  it("clips a layer's parameter gradients during training (a gradient-clipping hook)", () => {
    const model = new nn.Linear(4, 3, { generator: new Generator(0) });
    const x = randn([8, 4], { generator: new Generator(1) }).mul(100);
    const handles = [...model.parameters()].map((p) => p.registerHook((g) => g.clamp(-0.1, 0.1)));
    model.forward(x).square().sum().backward();
    const unclipped = new nn.Linear(4, 3, { generator: new Generator(0) });
    unclipped.forward(x).square().sum().backward();
    expect(unclipped.weight.grad!.abs().max().item()).toBeGreaterThan(0.1);
    expect(model.weight.grad).toBeAllclose(unclipped.weight.grad!.clamp(-0.1, 0.1));
    expect(model.bias!.grad).toBeAllclose(unclipped.bias!.grad!.clamp(-0.1, 0.1));
    for (const h of handles) h.remove();
  });
});
