import { getBackend } from '../backend/backend';
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { shapesEqual } from '../shape';
import { Tensor } from '../tensor';
import { forward } from './forward';
import { isGradEnabled, setGradEnabled } from './mode';
import type { Primitive, PrimitiveParams } from './primitives';
import { rules, sumToShape } from './rules';

/**
 * One recorded op on the tape: which primitive, its inputs and params, and the versions of the inputs and
 * output at record time (to detect in-place changes that would make the gradient wrong).
 */
export class Node<P extends Primitive = Primitive> {
  /** Set after a backward pass without `retainGraph`; a second pass through this node is an error. */
  freed = false;

  constructor(
    readonly prim: P,
    readonly inputs: readonly Tensor[],
    readonly params: PrimitiveParams[P],
    readonly output: Tensor,
    readonly versions: readonly number[],
  ) {}

  /** Input `i`, checked to be unchanged since it was recorded. Gradient rules read inputs only through this. */
  input(i: number): Tensor {
    const t = this.inputs[i];
    if (t._version.v !== this.versions[i]) this.modified(t, this.versions[i]);
    return t;
  }

  /** The op's output, checked likewise. */
  out(): Tensor {
    const t = this.output;
    const v = this.versions[this.inputs.length];
    if (t._version.v !== v) this.modified(t, v);
    return t;
  }

  private modified(t: Tensor, expected: number): never {
    throw new TensorError(
      'backward',
      `a tensor of shape ${fmtShape(t.shape)} needed to compute the gradient of ${this.prim} was modified by an in-place operation (it is at version ${t._version.v}, expected ${expected}); compute the loss again after changing it, or clone() it before`,
    );
  }
}

/**
 * Runs primitive `prim` and, when grad mode is on and an input requires grad, records it on the tape.
 * Ops call this; users call the ops.
 */
export function apply<P extends Primitive>(prim: P, inputs: Tensor[], params: PrimitiveParams[P]): Tensor {
  const out = (forward[prim] as (x: Tensor[], p: PrimitiveParams[P]) => Tensor)(inputs, params);
  if (!isGradEnabled() || !isFloating(out.dtype)) return out;
  let record = false;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i].requiresGrad) {
      record = true;
      break;
    }
  }
  if (!record) return out;
  const versions = new Array<number>(inputs.length + 1);
  for (let i = 0; i < inputs.length; i++) versions[i] = inputs[i]._version.v;
  versions[inputs.length] = out._version.v;
  out.requiresGrad = true;
  out.gradFn = new Node(prim, inputs, params, out, versions);
  return out;
}

/** Options of {@link backward} and {@link grad}. */
export interface BackwardOptions {
  /** Keep the graph so another backward pass can run through it (default: same as `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward computation itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** Nodes reachable from `roots`, ordered so every node comes before the nodes of its inputs. */
function topoOrder(roots: readonly Tensor[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  // Iterative post-order DFS: long RNN chains must not overflow the call stack.
  const stack: [Node, number][] = [];
  for (const r of roots) {
    if (r.gradFn && !seen.has(r.gradFn)) {
      seen.add(r.gradFn);
      stack.push([r.gradFn, 0]);
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1]++;
        const child = node.inputs[i].gradFn;
        if (child && !seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
  }
  return order.reverse();
}

/**
 * Adds `g` to the gradient collected for `t` in `map`. The first sum is a new tensor; it belongs to the pass
 * (it is in `owned`) until it is handed on, so further contributions are added into it in place instead of
 * allocating a sum each time (a weight used at every step of an RNN gets one buffer, not one per step).
 * With `owned` null (createGraph: the sums must be recorded) every sum is a new tensor.
 */
function accumulate(map: Map<Tensor, Tensor>, owned: Set<Tensor> | null, t: Tensor, g: Tensor): void {
  const prev = map.get(t);
  if (prev === undefined) {
    map.set(t, g);
  } else if (owned?.has(prev)) {
    prev.add_(g);
  } else {
    const sum = apply('add', [prev, g], null) as Tensor;
    owned?.add(sum);
    map.set(t, sum);
  }
}

/**
 * Runs `t`'s hooks ({@link Tensor.registerHook}) on its gradient `g` in registration order, each on the
 * previous one's result, and returns the final gradient.
 */
function runHooks(t: Tensor, g: Tensor): Tensor {
  if (t._hooks === null) return g;
  // A copy: a hook may remove itself (or others) while running.
  for (const hook of [...t._hooks.values()]) {
    const r = hook(g);
    if (r === undefined) continue;
    if (!(r instanceof Tensor) || !shapesEqual(r.shape, g.shape) || r.dtype !== g.dtype) {
      const got = r instanceof Tensor ? `a ${r.dtype} tensor of shape ${fmtShape(r.shape)}` : typeof r;
      throw new TensorError(
        'registerHook',
        `a hook returned ${got} for a gradient that is a ${g.dtype} tensor of shape ${fmtShape(g.shape)}; return a tensor of the same shape and dtype, or undefined to keep the gradient`,
      );
    }
    g = r;
  }
  return g;
}

/**
 * Propagates `seeds` (output → its gradient) back through the tape. Leaves receive their gradient through
 * `onLeaf`; the returned map holds the gradients of the tensors in `keep` (grad()'s inputs).
 *
 * A non-leaf's gradient is complete when its node comes up in topological order: its hooks run then, on
 * the gradient the node's rule is about to use. A leaf's contributions are summed over the whole pass and
 * delivered at the end, after its hooks, so a leaf hook sees the leaf's whole gradient once (as PyTorch's
 * hooks before AccumulateGrad do).
 */
function propagate(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  opts: BackwardOptions,
  onLeaf: ((t: Tensor, g: Tensor) => void) | null,
  keep: ReadonlySet<Tensor> | null,
): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retain = opts.retainGraph ?? createGraph;
  const grads = new Map<Tensor, Tensor>();
  // Sums made by this pass that nothing else has seen yet: safe to add into in place.
  const owned = createGraph ? null : new Set<Tensor>();
  // A leaf's gradient goes to .grad (backward) or to the result map only if grad() asked for it.
  const leafGrads = new Map<Tensor, Tensor>();
  const toLeaf = (x: Tensor, g: Tensor): void => {
    if (onLeaf !== null || keep?.has(x)) accumulate(leafGrads, owned, x, g);
  };
  const prev = setGradEnabled(createGraph);
  try {
    for (let i = 0; i < roots.length; i++) {
      if (roots[i].gradFn === null) {
        if (roots[i].requiresGrad) toLeaf(roots[i], seeds[i]);
      } else accumulate(grads, owned, roots[i], seeds[i]);
    }
    for (const node of topoOrder(roots)) {
      let g = grads.get(node.output);
      if (g === undefined) continue;
      owned?.delete(g); // handed to hooks and the rule from here on: never added into again
      if (node.freed) {
        throw new TensorError(
          'backward',
          'trying to backward through the graph a second time; pass { retainGraph: true } to the first backward() if you need to',
        );
      }
      if (node.output._hooks !== null) {
        g = runHooks(node.output, g);
        grads.set(node.output, g);
      }
      if (node.output._retainGrad && onLeaf) onLeaf(node.output, g);
      const rule = rules[node.prim] as (g: Tensor, node: Node) => (Tensor | null)[];
      const inGrads = rule(g, node);
      for (let i = 0; i < node.inputs.length; i++) {
        const x = node.inputs[i];
        let gi = inGrads[i];
        if (!x.requiresGrad || gi === null || gi === undefined) continue;
        // Broadcasting and dtype promotion are undone here, once, for every rule.
        if (!shapesEqual(gi.shape, x.shape)) gi = sumToShape(gi, x.shape);
        if (gi.dtype !== x.dtype) gi = apply('cast', [gi], { dtype: x.dtype });
        if (x.gradFn === null) toLeaf(x, gi);
        else accumulate(grads, owned, x, gi);
      }
      if (!retain) node.freed = true;
      // This output's gradient has been passed on; drop it so long chains do not hold every gradient at once.
      if (keep === null || !keep.has(node.output)) grads.delete(node.output);
    }
    for (const [x, sum] of leafGrads) {
      const g = runHooks(x, sum);
      if (onLeaf) onLeaf(x, g);
      if (keep?.has(x)) grads.set(x, g);
    }
  } finally {
    setGradEnabled(prev);
  }
  return grads;
}

function seedFor(op: string, t: Tensor, g: Tensor | undefined): Tensor {
  if (g === undefined) {
    if (t.size !== 1) {
      throw new TensorError(
        op,
        `grad can be implicitly created only for scalar outputs; got shape ${fmtShape(t.shape)}, pass a gradient of that shape`,
      );
    }
    const one = getBackend().alloc(t.dtype, 1);
    one[0] = 1;
    return new Tensor(one, t.shape, t.dtype);
  }
  if (!shapesEqual(g.shape, t.shape)) {
    throw new TensorError(
      op,
      `gradient shape ${fmtShape(g.shape)} does not match the output shape ${fmtShape(t.shape)}`,
    );
  }
  return g;
}

/**
 * Accumulates d`root`/d`leaf` into `leaf.grad` for every leaf that requires grad (what `tensor.backward()`
 * calls).
 */
export function backward(root: Tensor, gradient: Tensor | undefined, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new TensorError('backward', 'this tensor does not require grad and has no grad_fn: nothing to differentiate');
  }
  const seed = seedFor('backward', root, gradient);
  propagate(
    [root],
    [seed],
    opts,
    (t, g) => {
      const stored = opts.createGraph ? g : g.detach();
      t.grad = t.grad === null ? stored : t.grad.add(stored);
    },
    null,
  );
}

/** Options of {@link grad}. */
export interface GradOptions extends BackwardOptions {
  /** Gradients of the outputs (required for non-scalar outputs), one per output. */
  gradOutputs?: readonly (Tensor | undefined)[];
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * The functional form of autograd (`torch.autograd.grad`): returns d(sum of outputs·gradOutputs)/d input
 * for each input without touching any `.grad`. With `createGraph: true` the results are themselves
 * differentiable — gradient penalties and higher derivatives work for every op whose rule is
 * differentiable (all of ours are).
 *
 * @example
 * ```ts
 * const x = tensor([3], { requiresGrad: true });
 * const [dy] = grad(x.pow(3).sum(), x, { createGraph: true }); // 3x² = 27
 * const [d2y] = grad(dy.sum(), x);                               // 6x = 18
 * ```
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const ins = inputs instanceof Tensor ? [inputs] : inputs;
  outs.forEach((o, i) => {
    if (!o.requiresGrad) throw new TensorError('grad', `output ${i} does not require grad and has no grad_fn`);
  });
  ins.forEach((x, i) => {
    if (!x.requiresGrad) throw new TensorError('grad', `input ${i} does not require grad`);
  });
  const seeds = outs.map((o, i) => seedFor('grad', o, opts.gradOutputs?.[i]));
  const grads = propagate(outs, seeds, opts, null, new Set(ins));
  return ins.map((x, i) => {
    const g = grads.get(x);
    if (g === undefined) {
      if (opts.allowUnused) return null;
      throw new TensorError(
        'grad',
        `input ${i} was not used to compute the outputs; pass { allowUnused: true } to get null for it`,
      );
    }
    return opts.createGraph ? g : g.detach();
  });
}
