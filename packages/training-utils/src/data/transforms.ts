import { defaultGenerator, type Generator, randn, type Tensor, TensorError, tensor } from '@tensorloom/tensor-core';

/** The dtype a transform computes in: the input's if floating, else float32. */
function floatDtype(x: Tensor): 'float32' | 'float64' {
  return x.dtype === 'float64' ? 'float64' : 'float32';
}

/** A function from one value to another: what {@link TransformDataset} applies and {@link compose} chains. */
export type Transform<I, O = I> = (input: I) => O;

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /**
   * The channel dimension that per-channel `mean` and `std` run along (default -3, torchvision's: the `C` of
   * a `(C, H, W)` image or an `(N, C, H, W)` batch). Use -1 for the features of `(F)` or `(N, F)` vectors.
   */
  dim?: number;
}

function checkStats(name: string, v: number | readonly number[]): number[] {
  const list = typeof v === 'number' ? [v] : Array.from(v);
  if (list.length === 0) throw new TensorError('normalize', `${name} must be a number or a non-empty array`);
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new TensorError('normalize', `${name} must hold finite numbers, got ${x}`);
    }
  }
  return list;
}

/**
 * A transform that standardizes a tensor: `(x - mean) / std`, like torchvision's `Normalize`. `mean` and
 * `std` are numbers (for every element) or arrays with one entry per channel along `options.dim`.
 *
 * Shapes: input of any shape with at least `-dim` dimensions when per-channel; output of the same shape,
 * float (an int32 input becomes float32).
 *
 * @example
 * ```ts
 * const norm = normalize(0.2860, 0.3530); // Fashion-MNIST's pixel mean and std
 * norm(images); // (N, 1, 28, 28) standardized
 * normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])(rgb); // rgb (3, H, W)
 * normalize([0, 10], [1, 5], { dim: -1 })(features); // features (N, 2)
 * ```
 */
export function normalize(
  mean: number | readonly number[],
  std: number | readonly number[],
  options: NormalizeOptions = {},
): Transform<Tensor> {
  const m = checkStats('mean', mean);
  const s = checkStats('std', std);
  if (s.some((x) => x === 0)) throw new TensorError('normalize', 'std must not contain zeros (division by zero)');
  const perChannel = typeof mean !== 'number' || typeof std !== 'number';
  if (perChannel && m.length !== s.length && m.length !== 1 && s.length !== 1) {
    throw new TensorError('normalize', `mean has ${m.length} entries but std has ${s.length}`);
  }
  const dim = options.dim ?? -3;
  if (!Number.isInteger(dim)) throw new TensorError('normalize', `dim must be an integer, got ${dim}`);
  return (x: Tensor) => {
    const dtype = floatDtype(x);
    if (!perChannel) return x.to(dtype).sub(m[0]).div(s[0]);
    const d = dim < 0 ? dim + x.ndim : dim;
    if (d < 0 || d >= x.ndim) {
      throw new TensorError('normalize', `dim ${dim} is out of range for an input of ${x.ndim} dimensions`);
    }
    const c = x.shape[d];
    const perChannelValues = (v: number[], name: string): number[] => {
      if (v.length === 1) return new Array(c).fill(v[0]);
      if (v.length !== c) {
        throw new TensorError(
          'normalize',
          `${name} has ${v.length} entries but the input has ${c} channels along dim ${dim}`,
        );
      }
      return v;
    };
    // (C, 1, ..., 1): one value per channel, broadcast over the dims after the channel dim.
    const shape = [c, ...new Array(x.ndim - d - 1).fill(1)];
    const meanT = tensor(perChannelValues(m, 'mean'), { dtype }).reshape(shape);
    const stdT = tensor(perChannelValues(s, 'std'), { dtype }).reshape(shape);
    return x.to(dtype).sub(meanT).div(stdT);
  };
}

/** Options of {@link addGaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Mean of the noise (default 0). */
  mean?: number;
  /** Where the noise comes from (default: tensor-core's default generator). */
  generator?: Generator;
}

/**
 * A transform that adds independent Gaussian noise to every element: `x + mean + std · ε`, `ε ~ N(0, 1)` —
 * the corruption of a denoising autoencoder. Each call draws fresh noise from the generator.
 *
 * Shapes: input of any shape; output of the same shape, float (an int32 input becomes float32).
 *
 * @example
 * ```ts
 * const g = new Generator(0);
 * const noisy = new TransformDataset(images, addGaussianNoise(0.1, { generator: g })); // images: Dataset<Tensor>
 * ```
 */
export function addGaussianNoise(std: number, options: GaussianNoiseOptions = {}): Transform<Tensor> {
  if (!(std >= 0) || !Number.isFinite(std)) {
    throw new TensorError('addGaussianNoise', `std must be a finite non-negative number, got ${std}`);
  }
  const mean = options.mean ?? 0;
  if (!Number.isFinite(mean)) throw new TensorError('addGaussianNoise', `mean must be finite, got ${mean}`);
  const generator = options.generator ?? defaultGenerator;
  return (x: Tensor) => {
    const dtype = floatDtype(x);
    const noise = randn(x.shape, { dtype, generator });
    return x.to(dtype).add(noise.mul(std).add(mean));
  };
}

/**
 * A transform that flattens a tensor into one dimension: `(d1, d2, ...)` → `(d1 · d2 · ...)`, e.g. a
 * `(1, 28, 28)` image into the `(784)` input of an MLP.
 *
 * @example
 * ```ts
 * flattenTransform(zeros([1, 28, 28])).shape; // [784]
 * ```
 */
export const flattenTransform: Transform<Tensor> = (x: Tensor) => x.reshape(-1);

/**
 * Chains transforms left to right: `compose(f, g, h)(x)` is `h(g(f(x)))`, like torchvision's `Compose`.
 * With no transforms it is the identity.
 *
 * @example
 * ```ts
 * const t = compose(normalize(0.286, 0.353), addGaussianNoise(0.1), flattenTransform); // (1,28,28) → (784)
 * ```
 */
export function compose<A>(): Transform<A>;
export function compose<A, B>(f1: Transform<A, B>): Transform<A, B>;
export function compose<A, B, C>(f1: Transform<A, B>, f2: Transform<B, C>): Transform<A, C>;
export function compose<A, B, C, D>(f1: Transform<A, B>, f2: Transform<B, C>, f3: Transform<C, D>): Transform<A, D>;
export function compose<A, B, C, D, E>(
  f1: Transform<A, B>,
  f2: Transform<B, C>,
  f3: Transform<C, D>,
  f4: Transform<D, E>,
): Transform<A, E>;
export function compose<A, B, C, D, E, F>(
  f1: Transform<A, B>,
  f2: Transform<B, C>,
  f3: Transform<C, D>,
  f4: Transform<D, E>,
  f5: Transform<E, F>,
): Transform<A, F>;
export function compose(...fns: Transform<unknown, unknown>[]): Transform<unknown, unknown>;
export function compose(...fns: Transform<unknown, unknown>[]): Transform<unknown, unknown> {
  fns.forEach((f, i) => {
    if (typeof f !== 'function') throw new TensorError('compose', `argument ${i} is not a function`);
  });
  return (x: unknown) => {
    let v = x;
    for (const f of fns) v = f(v);
    return v;
  };
}
