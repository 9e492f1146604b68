/**
 * Weight initialisation, after `torch.nn.init`. Every function fills its tensor **in place** (under
 * `noGrad`, so it works on parameters that require grad), returns it, and takes an optional
 * `{ generator }` to draw from instead of the default generator that `manualSeed` seeds.
 *
 * @example
 * ```ts
 * import { init } from '@tensorloom/tensor-core/nn';
 * init.kaimingNormal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * init.zeros_(conv.bias!);
 * ```
 *
 * @module
 */
import { noGrad } from '../autograd/mode';
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { rand, randn } from '../ops/creation';
import type { Generator } from '../random';
import { defaultGenerator } from '../random';
import { Tensor } from '../tensor';

/** Options shared by the init functions. */
export interface InitOptions {
  /** Where the randomness comes from (default: the global generator). */
  generator?: Generator;
}

/**
 * A nonlinearity name as PyTorch's `calculate_gain` spells it. The linear and convolution names (and
 * `sigmoid`) all have gain 1.
 */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/** Which fan Kaiming init preserves: `fan_in` keeps the forward activations' variance, `fan_out` the gradients'. */
export type FanMode = 'fan_in' | 'fan_out';

/** Options of {@link kaimingUniform_} and {@link kaimingNormal_}. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the rectifier after this layer (used with `leaky_relu`; default 0). */
  a?: number;
  /** `fan_in` (default) or `fan_out`. */
  mode?: FanMode;
  /** The nonlinearity after this layer (default `leaky_relu`, which with `a = 0` is ReLU's gain √2). */
  nonlinearity?: Nonlinearity;
}

function checkTarget(op: string, t: Tensor): void {
  if (!(t instanceof Tensor)) throw new TensorError(op, 'expected a Tensor to fill');
  if (!isFloating(t.dtype)) throw new TensorError(op, `expected a float32 or float64 tensor, got ${t.dtype}`);
}

/** Copies `values` into `t` without recording it, and returns `t`. */
function fill<T extends Tensor>(t: T, values: Tensor | number): T {
  return noGrad(() => t.copy_(values));
}

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for linear, convolutions and
 * sigmoid; 5/3 for tanh; √2 for ReLU; `√(2 / (1 + slope²))` for leaky ReLU (`param` is the slope, default
 * 0.01); 3/4 for SELU.
 *
 * @example
 * ```ts
 * calculateGain('relu')              // 1.4142…
 * calculateGain('leaky_relu', 0.2)   // 1.3868…
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        throw new TensorError('calculateGain', `negative_slope ${String(slope)} is not a valid number`);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new TensorError('calculateGain', `unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/**
 * `[fanIn, fanOut]` of a weight: for shape `(out, in, *kernel)` these are `in · ∏kernel` and
 * `out · ∏kernel` (a Linear weight `(out, in)` has fans `in` and `out`).
 *
 * @example
 * ```ts
 * calculateFanInAndFanOut(zeros([16, 3, 5, 5])) // [75, 400]
 * ```
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new TensorError(
      'calculateFanInAndFanOut',
      `fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got shape ${fmtShape(t.shape)}`,
    );
  }
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fanOf(op: string, t: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') {
    throw new TensorError(op, `mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  }
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/**
 * Fills `t` with values drawn uniformly from `[a, b)`.
 *
 * @example
 * ```ts
 * uniform_(w, -0.1, 0.1, { generator: new Generator(0) });
 * ```
 */
export function uniform_<T extends Tensor>(t: T, a = 0, b = 1, options: InitOptions = {}): T {
  checkTarget('uniform_', t);
  if (!(a <= b)) throw new TensorError('uniform_', `expected a <= b, got a=${a}, b=${b}`);
  return fill(
    t,
    rand(t.shape, { dtype: t.dtype, generator: options.generator })
      .mul(b - a)
      .add(a),
  );
}

/** Fills `t` with values from the normal distribution `N(mean, std²)`. @example `normal_(w, 0, 0.02)` */
export function normal_<T extends Tensor>(t: T, mean = 0, std = 1, options: InitOptions = {}): T {
  checkTarget('normal_', t);
  if (!(std >= 0)) throw new TensorError('normal_', `std must be non-negative, got ${std}`);
  return fill(t, randn(t.shape, { dtype: t.dtype, generator: options.generator }).mul(std).add(mean));
}

/**
 * Fills `t` with values from `N(mean, std²)` conditioned on lying in `[a, b]` (out-of-range draws are
 * redrawn), like `torch.nn.init.trunc_normal_`; the defaults cut at two standard deviations of N(0, 1).
 *
 * @example
 * ```ts
 * truncNormal_(posEmbedding, 0, 0.02, -0.04, 0.04);
 * ```
 */
export function truncNormal_<T extends Tensor>(t: T, mean = 0, std = 1, a = -2, b = 2, options: InitOptions = {}): T {
  checkTarget('truncNormal_', t);
  if (!(std > 0) || !(a < b)) {
    throw new TensorError('truncNormal_', `expected std > 0 and a < b, got std=${std}, a=${a}, b=${b}`);
  }
  // Rejection sampling is exact; it needs many tries only if [a, b] holds little of the mass.
  const lo = (a - mean) / std;
  const hi = (b - mean) / std;
  if (hi < -6 || lo > 6) {
    throw new TensorError('truncNormal_', `[${a}, ${b}] lies more than 6 std from the mean ${mean}`);
  }
  const g = options.generator ?? defaultGenerator;
  const out = new Float64Array(t.size);
  const pair = new Float64Array(2);
  for (let i = 0; i < out.length; i++) {
    let z: number;
    do {
      g.fillNormal(pair);
      z = pair[0];
    } while (z < lo || z > hi);
    out[i] = mean + std * z;
  }
  return fill(t, new Tensor(out, t.shape, 'float64'));
}

/** Fills `t` with `value`. */
export function constant_<T extends Tensor>(t: T, value: number): T {
  if (!(t instanceof Tensor)) throw new TensorError('constant_', 'expected a Tensor to fill');
  return fill(t, value);
}

/** Fills `t` with zeros. */
export function zeros_<T extends Tensor>(t: T): T {
  return constant_(t, 0);
}

/** Fills `t` with ones. */
export function ones_<T extends Tensor>(t: T): T {
  return constant_(t, 1);
}

/**
 * Glorot/Xavier uniform init: `U(-a, a)` with `a = gain · √(6 / (fanIn + fanOut))`, which keeps the
 * variance of activations and gradients about equal across layers (Glorot & Bengio, 2010).
 *
 * @example
 * ```ts
 * xavierUniform_(linear.weight, calculateGain('tanh'));
 * ```
 */
export function xavierUniform_<T extends Tensor>(t: T, gain = 1, options: InitOptions = {}): T {
  checkTarget('xavierUniform_', t);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, options);
}

/** Glorot/Xavier normal init: `N(0, std²)` with `std = gain · √(2 / (fanIn + fanOut))`. */
export function xavierNormal_<T extends Tensor>(t: T, gain = 1, options: InitOptions = {}): T {
  checkTarget('xavierNormal_', t);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/**
 * He/Kaiming uniform init: `U(-bound, bound)` with `bound = gain · √(3 / fan)`, `gain =
 * calculateGain(nonlinearity, a)` and `fan` the fan-in (default) or fan-out (He et al., 2015). Linear and
 * Conv layers use it with `a = √5`, which gives `bound = 1/√fanIn`.
 *
 * @example
 * ```ts
 * kaimingUniform_(w, { a: Math.sqrt(5) });                       // PyTorch's Linear default
 * kaimingUniform_(w, { mode: 'fan_out', nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform_<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  checkTarget('kaimingUniform_', t);
  if (t.size === 0) return t;
  const fan = fanOf('kaimingUniform_', t, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fan));
  return uniform_(t, -bound, bound, options);
}

/** He/Kaiming normal init: `N(0, std²)` with `std = gain / √fan`; options as in {@link kaimingUniform_}. */
export function kaimingNormal_<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  checkTarget('kaimingNormal_', t);
  if (t.size === 0) return t;
  const fan = fanOf('kaimingNormal_', t, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(fan), options);
}

/**
 * Thin QR of a row-major `m × n` matrix (m ≥ n) by Householder reflections, in float64. Returns `Q`
 * (`m × n`, orthonormal columns) already multiplied by the signs of `diag(R)`, which makes it the unique
 * factor with a positive `R` diagonal — what PyTorch's `orthogonal_` computes from LAPACK's QR.
 */
function signCorrectedQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = a.slice();
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // The reflection H = I - 2vvᵀ maps R[k:, k] onto alpha·e₁ with alpha = -sign(x₀)·‖x‖ (no cancellation).
    const v = new Float64Array(m - k);
    let norm = 0;
    for (let i = k; i < m; i++) {
      v[i - k] = r[i * n + k];
      norm += v[i - k] * v[i - k];
    }
    norm = Math.sqrt(norm);
    const alpha = v[0] >= 0 ? -norm : norm;
    v[0] -= alpha;
    let vnorm = 0;
    for (let i = 0; i < v.length; i++) vnorm += v[i] * v[i];
    vnorm = Math.sqrt(vnorm);
    if (vnorm > 0) for (let i = 0; i < v.length; i++) v[i] /= vnorm;
    vs.push(v);
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k] * r[i * n + j];
      for (let i = k; i < m; i++) r[i * n + j] -= 2 * s * v[i - k];
    }
    diag[k] = r[k * n + k];
  }
  // Q = H₀ H₁ … H_{n-1} applied to the first n columns of the identity, last reflection first.
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k] * q[i * n + j];
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * s * v[i - k];
    }
  }
  for (let j = 0; j < n; j++) {
    if (diag[j] < 0) for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j];
  }
  return q;
}

/**
 * Fills `t` (at least 2-d, viewed as `rows × (numel / rows)`) with a (semi-)orthogonal matrix times `gain`
 * (Saxe et al., 2013): the Q factor of the QR decomposition of a standard normal matrix, sign-corrected
 * so that the result is uniformly distributed over orthogonal matrices. With `rows ≤ cols` the rows are
 * orthonormal (`W Wᵀ = gain² I`), otherwise the columns are (`Wᵀ W = gain² I`).
 *
 * @example
 * ```ts
 * orthogonal_(rnn.weight_hh_l0, 1, { generator: new Generator(0) });
 * ```
 */
export function orthogonal_<T extends Tensor>(t: T, gain = 1, options: InitOptions = {}): T {
  checkTarget('orthogonal_', t);
  if (t.ndim < 2) {
    throw new TensorError(
      'orthogonal_',
      `only tensors with 2 or more dimensions are supported, got ${fmtShape(t.shape)}`,
    );
  }
  if (t.size === 0) return t;
  const rows = t.shape[0];
  const cols = t.size / rows;
  const g = randn([rows, cols], { dtype: 'float64', generator: options.generator }).data as Float64Array;
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  // A wide matrix is factored as its transpose, whose columns then become the rows.
  let a = g;
  if (!tall) {
    a = new Float64Array(m * n); // (cols, rows) = gᵀ
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[j * n + i] = g[i * cols + j];
  }
  const q = signCorrectedQ(a, m, n); // (m, n)
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (tall ? q[i * n + j] : q[j * n + i]);
  }
  return fill(t, new Tensor(out, t.shape, 'float64'));
}
