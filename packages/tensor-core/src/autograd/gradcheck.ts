import { fmtShape, TensorError } from '../errors';
import { Generator } from '../random';
import { Tensor } from '../tensor';
import { grad } from './engine';
import { isGradEnabled, noGrad } from './mode';

/** Options of {@link gradcheck} and {@link gradgradcheck}. */
export interface GradcheckOptions {
  /** Step of the central finite differences (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, relative to the numerical value (default 1e-3). */
  rtol?: number;
  /** Compute the analytic gradient with `createGraph: true`, so the differentiable form of every rule is checked. */
  createGraph?: boolean;
  /** Seed of the generator that draws the random projection of the output (default 0). */
  seed?: number;
}

type Fn = (...xs: Tensor[]) => Tensor;

/** The random vector `w` of `sum(fn(...) · w)`: normal, float64, from a fixed-seed generator. */
function projection(shape: readonly number[], g: Generator): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const data = new Float64Array(n);
  g.fillNormal(data);
  return new Tensor(data, shape, 'float64');
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

function checkInputs(op: string, inputs: readonly Tensor[]): void {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new TensorError(op, 'expected a non-empty array of input tensors');
  }
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TensorError(op, `input ${i} is not a Tensor`);
    if (x.dtype !== 'float64') {
      throw new TensorError(
        op,
        `input ${i} of shape ${fmtShape(x.shape)} is ${x.dtype}; finite differences need float64 inputs (use .double())`,
      );
    }
  });
}

/** Fresh float64 leaves with copies of the inputs' values, so the caller's tensors are never touched. */
function leaves(inputs: readonly Tensor[]): Tensor[] {
  return inputs.map((x) => new Tensor(Float64Array.from(x.data), x.shape.slice(), 'float64', true));
}

function evaluate(op: string, fn: Fn, xs: Tensor[]): Tensor {
  const y = fn(...xs);
  if (!(y instanceof Tensor)) throw new TensorError(op, 'the function must return a Tensor');
  if (y.dtype !== 'float64') {
    throw new TensorError(
      op,
      `the function returned a ${y.dtype} tensor of shape ${fmtShape(y.shape)}; it must return float64 for finite differences to be accurate`,
    );
  }
  return y;
}

/** `Σ y·w` as a plain number. */
function project(y: Tensor, w: Tensor): number {
  let s = 0;
  for (let i = 0; i < y.data.length; i++) s += y.data[i] * w.data[i];
  return s;
}

/**
 * The shared check. `numericWithGrad` keeps grad mode on while the function is re-evaluated for finite
 * differences, which {@link gradgradcheck} needs because its function itself calls `grad`.
 */
function check(op: string, fn: Fn, inputs: readonly Tensor[], opts: GradcheckOptions, numericWithGrad: boolean): true {
  checkInputs(op, inputs);
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const xs = leaves(inputs);
  const gen = new Generator(opts.seed ?? 0);

  // Analytic: the vector-Jacobian product wᵀJ for one random w, via the tape.
  const y = evaluate(op, fn, xs);
  const w = projection(y.shape, gen);
  let analytic: (Tensor | null)[];
  if (y.requiresGrad) {
    const s = y.mul(w).sum();
    analytic = grad(s, xs, { allowUnused: true, createGraph: opts.createGraph ?? false });
  } else {
    // The output does not depend on any input through recorded ops: its gradient is zero.
    analytic = xs.map(() => null);
  }

  // Numerical: central differences of Σ fn(x ± eps·e_j)·w, one input element at a time.
  const f = (): number => project(evaluate(op, fn, xs), w);
  const run = numericWithGrad ? f : () => noGrad(f);
  let worst: { input: number; index: number; a: number; n: number; ratio: number } | null = null;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i].data;
    const ga = analytic[i];
    if (ga !== null && ga.size !== d.length) {
      throw new TensorError(
        op,
        `the gradient of input ${i} has shape ${fmtShape(ga.shape)} but the input has shape ${fmtShape(xs[i].shape)}`,
      );
    }
    for (let j = 0; j < d.length; j++) {
      const orig = d[j];
      d[j] = orig + eps;
      const plus = run();
      d[j] = orig - eps;
      const minus = run();
      d[j] = orig;
      const n = (plus - minus) / (2 * eps);
      const a = ga === null ? 0 : ga.data[j];
      const tol = atol + rtol * Math.abs(n);
      const err = Math.abs(a - n);
      const ratio = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / tol;
      if (ratio > 1 && (worst === null || ratio > worst.ratio)) worst = { input: i, index: j, a, n, ratio };
    }
  }
  if (worst !== null) {
    const x = xs[worst.input];
    const at = x.ndim === 0 ? '()' : `[${unravel(worst.index, x.shape).join(', ')}]`;
    throw new TensorError(
      op,
      `gradient mismatch for input ${worst.input} of shape ${fmtShape(x.shape)} at index ${at}: analytic ${worst.a}, numerical ${worst.n} (|difference| ${Math.abs(worst.a - worst.n)} > atol ${atol} + rtol ${rtol} · |numerical|)`,
    );
  }
  return true;
}

/**
 * Checks the gradients autograd computes for `fn` against central finite differences, like
 * `torch.autograd.gradcheck`. For a fixed-seed random `w` shaped like the output, the analytic
 * vector-Jacobian product `∂ Σ(fn(...xs)·w) / ∂ xs` from {@link grad} is compared, element by element of every
 * input, with `(f(x + eps·e_j) - f(x - eps·e_j)) / 2eps` where `f = Σ fn(...)·w`; they must agree within
 * `atol + rtol·|numerical|`. Every input is differentiated (capture tensors that must stay constant, such as
 * index tensors, in the closure); the function is evaluated `2·(total input size) + 1` times, so keep inputs
 * small. The caller's tensors are not modified: the check works on copies.
 *
 * Choose inputs away from kinks (relu at 0, max with ties, abs at 0), where finite differences and any
 * one-sided gradient convention disagree.
 *
 * @param fn - the function to check; it must return a float64 tensor.
 * @param inputs - float64 tensors (any `requiresGrad`); a TensorError names any other dtype.
 * @param opts - `eps` (1e-6), `atol` (1e-5), `rtol` (1e-3), `createGraph` (false), `seed` (0).
 * @returns true when every element agrees.
 * @throws TensorError - naming the input, the index of the worst element and both values when they disagree.
 *
 * @example
 * ```ts
 * const x = randn([3, 4], { dtype: 'float64' });
 * gradcheck((a) => a.tanh().mul(a).sum(1), [x]); // true
 * ```
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  return check('gradcheck', fn, inputs, opts, false);
}

/**
 * Checks second derivatives, like `torch.autograd.gradgradcheck`: it runs {@link gradcheck} on the function
 * `(xs, v) ↦ Σᵢ Σ(∂ Σ(fn(xs)·v) / ∂xᵢ · uᵢ)` whose gradient is computed with `createGraph: true`, for
 * fixed-seed random `uᵢ` and with the output weights `v` as an extra input. This verifies that the backward
 * pass of `fn` is itself differentiable with the right derivatives, with respect to both the inputs and the
 * incoming gradient.
 *
 * @param fn - the function to check; it must return a float64 tensor.
 * @param inputs - float64 tensors.
 * @param opts - as for {@link gradcheck}.
 * @returns true when every element agrees.
 * @throws TensorError - as {@link gradcheck}, with `op` `gradgradcheck`.
 *
 * @example
 * ```ts
 * const x = randn([2, 3], { dtype: 'float64' });
 * gradgradcheck((a) => a.exp().mul(a.sin()), [x]); // true
 * ```
 */
export function gradgradcheck(fn: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  checkInputs('gradgradcheck', inputs);
  if (!isGradEnabled()) throw new TensorError('gradgradcheck', 'needs grad mode; do not call it inside noGrad');
  const gen = new Generator((opts.seed ?? 0) + 1);
  const probe = leaves(inputs);
  const y0 = evaluate('gradgradcheck', fn, probe);
  const v0 = projection(y0.shape, gen);
  const u = inputs.map((x) => projection(x.shape, gen));
  const n = inputs.length;
  const firstOrder = (...args: Tensor[]): Tensor => {
    const xs = args.slice(0, n);
    const v = args[n];
    const y = evaluate('gradgradcheck', fn, xs);
    let total: Tensor | null = null;
    if (y.requiresGrad) {
      const gs = grad(y.mul(v).sum(), xs, { createGraph: true, allowUnused: true });
      for (let i = 0; i < n; i++) {
        const g = gs[i];
        if (g === null) continue;
        const term = g.mul(u[i]).sum();
        total = total === null ? term : total.add(term);
      }
    }
    return total ?? new Tensor(new Float64Array(1), [], 'float64');
  };
  return check('gradgradcheck', firstOrder, [...inputs, v0], opts, true);
}
