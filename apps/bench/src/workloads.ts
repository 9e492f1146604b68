/**
 * The workloads, each written once for Tensorloom and once for tfjs (the same tfjs code runs on the cpu and
 * the wasm backend). Every system gets the same input values, made once per workload from a seeded
 * Tensorloom generator, so the `check` values of the systems agree up to float32 rounding.
 */
import * as tl from '@tensorloom/tensor-core';
import type { BenchResult, Measurement, SystemName } from './harness';
import { summarize } from './harness';
import { tf } from './tfjs';
import { autoencoderStep } from './workloads/autoencoder-step';
import { cnnEpoch } from './workloads/cnn-epoch';
import { lstmStep } from './workloads/lstm-step';

/** A prepared workload for one system: `run` does one repetition and returns a number read from its result. */
export interface Runner {
  run(): number;
  dispose?(): void;
}

/**
 * A runner whose repetition returns a promise (`fit`, tfjs's `model.fit` and `trainOnBatch`): it is timed until
 * the promise settles, and the next one starts only then.
 */
export interface AsyncRunner {
  runAsync(): Promise<number>;
  dispose?(): void;
}

export interface Workload {
  name: string;
  description: string;
  /** Floating-point operations in one run (for GFLOP/s). */
  flops?: number;
  /** Primitive ops in one run (for µs per op). */
  opsPerRun?: number;
  /** Images one run trains on (for images per second). */
  imagesPerRun?: number;
  /** Images in a full epoch, where one run is a part of one (for the time per epoch). */
  imagesPerEpoch?: number;
  /** Loads what the runners need (a data set), once, before the first of them is built. */
  setup?(): Promise<void>;
  /** The Tensorloom runner, or the reason Tensorloom cannot run this workload yet. */
  tensorloom(): Runner | AsyncRunner | string;
  /** The tfjs runner, built on whichever tfjs backend is active, or why that backend cannot run it. */
  tfjs(): Runner | AsyncRunner | string;
}

/** Options of {@link allWorkloads}. */
export interface WorkloadOptions {
  /** `--quick`: `cnn-epoch` trains on one batch (tfjs-cpu takes ~15 s for it). */
  quick?: boolean;
}

// --- inputs ------------------------------------------------------------------------------------------------

/** Standard normal values times `scale`, from a generator seeded with `seed`. */
function normal(shape: readonly number[], seed: number, scale = 1): Float32Array {
  const g = new tl.Generator(seed);
  const t = tl.randn(shape, { generator: g });
  return (scale === 1 ? t : t.mul(scale)).data as Float32Array;
}

/** Uniform values in [0, 1), like pixel intensities. */
function uniform(shape: readonly number[], seed: number): Float32Array {
  return tl.rand(shape, { generator: new tl.Generator(seed) }).data as Float32Array;
}

/** The row-major data of the transpose of a (rows, cols) matrix. */
function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  return tl.tensor(data).reshape([rows, cols]).t().data as Float32Array;
}

/** Permutes the axes of row-major `data` of `shape` (e.g. NCHW → NHWC with `[0, 2, 3, 1]`). */
function permuted(data: Float32Array, shape: readonly number[], dims: readonly number[]): Float32Array {
  return tl.tensor(data).reshape(shape).permute(dims).data as Float32Array;
}

/** A Tensorloom float32 tensor holding a copy of `data`. */
function tlTensor(data: Float32Array, shape: readonly number[], requiresGrad = false): tl.Tensor {
  // Reshape first, then mark: a reshape of a tensor that requires grad would not be a leaf.
  const t = tl.tensor(data).reshape(shape);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

/** Computes `make()` on first use, so workloads that the filter skips cost nothing. */
function lazy<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => {
    if (v === undefined) v = make();
    return v;
  };
}

// --- matmul-N ----------------------------------------------------------------------------------------------

function matmulWorkload(n: number): Workload {
  const inputs = lazy(() => ({ a: normal([n, n], 1), b: normal([n, n], 2) }));
  return {
    name: `matmul-${n}`,
    description: `float32 (${n}×${n})·(${n}×${n})`,
    flops: 2 * n ** 3,
    tensorloom() {
      const a = tlTensor(inputs().a, [n, n]);
      const b = tlTensor(inputs().b, [n, n]);
      return {
        run() {
          const c = tl.matmul(a, b); // (n, n)
          return c.data[n * n - 1];
        },
      };
    },
    tfjs() {
      const a = tf.tensor2d(inputs().a, [n, n]);
      const b = tf.tensor2d(inputs().b, [n, n]);
      return {
        run() {
          const c = tf.matMul(a, b); // (n, n)
          const d = c.dataSync();
          c.dispose();
          return d[n * n - 1];
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

// --- bmm-attention -----------------------------------------------------------------------------------------

/** Attention scores `Q·Kᵀ` for 32 heads of 128 positions × 32 features: 32 × (128×32)·(32×128). */
function bmmAttention(): Workload {
  const B = 32;
  const T = 128;
  const D = 32;
  const inputs = lazy(() => ({ q: normal([B, T, D], 3), k: normal([B, T, D], 4) }));
  return {
    name: 'bmm-attention',
    description: `${B} × (${T}×${D})·(${D}×${T}), as Q·Kᵀ (transposed operand read in place)`,
    flops: 2 * B * T * T * D,
    tensorloom() {
      const q = tlTensor(inputs().q, [B, T, D]);
      const k = tlTensor(inputs().k, [B, T, D]);
      return {
        run() {
          const s = tl.matmulT(q, k, false, true); // (B, T, D) @ (B, D, T) → (B, T, T)
          return s.data[s.size - 1];
        },
      };
    },
    tfjs() {
      const q = tf.tensor3d(inputs().q, [B, T, D]);
      const k = tf.tensor3d(inputs().k, [B, T, D]);
      return {
        run() {
          const s = tf.matMul(q, k, false, true); // (B, T, T)
          const d = s.dataSync();
          s.dispose();
          return d[d.length - 1];
        },
        dispose: () => tf.dispose([q, k]),
      };
    },
  };
}

// --- mlp-step ----------------------------------------------------------------------------------------------

/**
 * One SGD training step of a 784-256-32-256-784 autoencoder MLP on a batch of 128: ReLU hidden layers, a
 * sigmoid output, MSE loss against the input.
 */
function mlpStep(): Workload {
  const batch = 128;
  const sizes = [784, 256, 32, 256, 784];
  const lr = 0.1;
  const layers = sizes.length - 1;
  const inputs = lazy(() => ({
    x: uniform([batch, sizes[0]], 5),
    // PyTorch's layout (out, in), scaled by 1/sqrt(fan_in).
    w: Array.from({ length: layers }, (_, i) => normal([sizes[i + 1], sizes[i]], 10 + i, 1 / Math.sqrt(sizes[i]))),
    b: Array.from({ length: layers }, (_, i) => normal([sizes[i + 1]], 20 + i, 0.01)),
  }));
  let forwardFlops = 0;
  for (let i = 0; i < layers; i++) forwardFlops += 2 * batch * sizes[i] * sizes[i + 1];
  return {
    name: 'mlp-step',
    description: `MLP ${sizes.join('-')}, batch ${batch}, ReLU/sigmoid, MSE, forward+backward+SGD`,
    // Backward costs two products per forward product (dX and dW): ≈ 3 × forward.
    flops: 3 * forwardFlops,
    tensorloom() {
      const { x: xd, w, b } = inputs();
      const x = tlTensor(xd, [batch, sizes[0]]);
      const W = w.map((d, i) => tlTensor(d, [sizes[i + 1], sizes[i]], true));
      const bias = b.map((d, i) => tlTensor(d, [sizes[i + 1]], true));
      const params = [...W, ...bias];
      return {
        run() {
          let h = x;
          for (let i = 0; i < layers; i++) {
            const z = tl.matmulT(h, W[i], false, true).add(bias[i]); // (batch, in) @ (in, out) → (batch, out)
            h = i < layers - 1 ? z.relu() : z.sigmoid();
          }
          const loss = h.sub(x).pow(2).mean();
          loss.backward();
          tl.noGrad(() => {
            for (const p of params) {
              p.sub_((p.grad as tl.Tensor).mul(lr));
              p.grad = null;
            }
          });
          return loss.item();
        },
      };
    },
    tfjs() {
      const { x: xd, w, b } = inputs();
      const x = tf.tensor2d(xd, [batch, sizes[0]]);
      // tfjs's own layout (in, out), as tf.layers.dense keeps its kernel. tidy frees the initial values;
      // the variables survive it.
      const W = tf.tidy(() =>
        w.map((d, i) => tf.variable(tf.tensor2d(transposed(d, sizes[i + 1], sizes[i]), [sizes[i], sizes[i + 1]]))),
      );
      const bias = tf.tidy(() => b.map((d) => tf.variable(tf.tensor1d(d))));
      const vars = [...W, ...bias];
      const opt = tf.train.sgd(lr);
      const lossFn = () => {
        let h: tf.Tensor = x;
        for (let i = 0; i < layers; i++) {
          const z = tf.add(tf.matMul(h, W[i]), bias[i]); // (batch, out)
          h = i < layers - 1 ? tf.relu(z) : tf.sigmoid(z);
        }
        return tf.mean(tf.square(tf.sub(h, x))) as tf.Scalar;
      };
      return {
        run() {
          const cost = tf.tidy(() => opt.minimize(lossFn, true, vars) as tf.Scalar);
          const v = cost.dataSync()[0];
          cost.dispose();
          return v;
        },
        dispose: () => {
          opt.dispose();
          tf.dispose([x, ...vars]);
        },
      };
    },
  };
}

// --- conv2d-step, conv2d-forward ---------------------------------------------------------------------------

/** Options of the conv2d that tensor-core is getting (`packages/tensor-core/src/ops/conv.ts`). */
interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}
type Conv2d = (x: tl.Tensor, weight: tl.Tensor, bias?: tl.Tensor | null, options?: Conv2dOptions) => tl.Tensor;

/** Tensorloom's `conv2d` once it is exported; until then the conv workloads run on tfjs only. */
function tlConv2d(): Conv2d | undefined {
  const ns = tl as unknown as Record<string, unknown>;
  return 'conv2d' in ns && typeof ns.conv2d === 'function' ? (ns.conv2d as Conv2d) : undefined;
}

const NO_TL_CONV = 'conv2d is not exported by @tensorloom/tensor-core yet';

// Batch 32 of 1-channel 28×28 images, 3×3 kernels, channels 1 → 16 → 32.
const [N, C0, H, W, C1, C2, K] = [32, 1, 28, 28, 16, 32, 3];

/** The conv workloads' inputs, shared by both (made on first use), in PyTorch's layouts. */
const convInputs = lazy(() => ({
  x: uniform([N, C0, H, W], 30),
  w1: normal([C1, C0, K, K], 31, 1 / Math.sqrt(C0 * K * K)),
  b1: normal([C1], 32, 0.01),
  w2: normal([C2, C1, K, K], 33, 1 / Math.sqrt(C1 * K * K)),
  b2: normal([C2], 34, 0.01),
}));

/**
 * Two 3×3 convolutions with padding 1 on 28×28 images: batch 32, 1 → 16 channels, ReLU, 16 → 32 channels,
 * loss = mean(y²). `backward` adds the weight and bias gradients (the input needs none).
 */
function convWorkload(backward: boolean): Workload {
  const conv1 = 2 * N * H * W * C1 * C0 * K * K;
  const conv2 = 2 * N * H * W * C2 * C1 * K * K;
  return {
    name: backward ? 'conv2d-step' : 'conv2d-forward',
    description:
      `conv ${C0}→${C1}→${C2} 3×3 pad 1 on ${N}×${H}×${W}, ReLU, ` +
      (backward ? 'forward+backward (weight and bias gradients)' : 'forward only (no autograd)'),
    // Backward: both weight gradients (each costs a forward conv) and the input gradient of conv2 only.
    flops: backward ? 2 * (conv1 + conv2) + conv2 : conv1 + conv2,
    tensorloom() {
      const conv2d = tlConv2d();
      if (!conv2d) return NO_TL_CONV;
      const d = convInputs();
      const x = tlTensor(d.x, [N, C0, H, W]);
      const w1 = tlTensor(d.w1, [C1, C0, K, K], backward);
      const b1 = tlTensor(d.b1, [C1], backward);
      const w2 = tlTensor(d.w2, [C2, C1, K, K], backward);
      const b2 = tlTensor(d.b2, [C2], backward);
      const params = [w1, b1, w2, b2];
      const lossOf = () => {
        const h = conv2d(x, w1, b1, { padding: 1 }).relu(); // (N, C1, H, W)
        const y = conv2d(h, w2, b2, { padding: 1 }); // (N, C2, H, W)
        return y.pow(2).mean();
      };
      return {
        run() {
          if (!backward) return lossOf().item();
          const loss = lossOf();
          loss.backward(); // synchronous: the gradients are in place when it returns
          for (const p of params) p.grad = null;
          return loss.item();
        },
      };
    },
    tfjs() {
      if (backward && !tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) {
        return `tfjs-${tf.getBackend()} ${tf.version_core} has no Conv2DBackpropFilter kernel (no conv training)`;
      }
      const d = convInputs();
      // tfjs convolves NHWC images with (kh, kw, in, out) filters; tidy frees the initial values.
      const x = tf.tensor4d(permuted(d.x, [N, C0, H, W], [0, 2, 3, 1]), [N, H, W, C0]);
      const [w1, b1, w2, b2] = tf.tidy(() => [
        tf.variable(tf.tensor4d(permuted(d.w1, [C1, C0, K, K], [2, 3, 1, 0]), [K, K, C0, C1])),
        tf.variable(tf.tensor1d(d.b1)),
        tf.variable(tf.tensor4d(permuted(d.w2, [C2, C1, K, K], [2, 3, 1, 0]), [K, K, C1, C2])),
        tf.variable(tf.tensor1d(d.b2)),
      ]);
      const vars = [w1, b1, w2, b2];
      const lossOf = () => {
        const h = tf.relu(tf.add(tf.conv2d(x, w1 as tf.Tensor4D, 1, 'same'), b1)) as tf.Tensor4D; // (N, H, W, C1)
        const y = tf.add(tf.conv2d(h, w2 as tf.Tensor4D, 1, 'same'), b2); // (N, H, W, C2)
        return tf.mean(tf.square(y)) as tf.Scalar;
      };
      return {
        run() {
          if (!backward) return tf.tidy(() => lossOf().dataSync()[0]);
          const { value, grads } = tf.variableGrads(lossOf, vars);
          const loss = value.dataSync()[0];
          grads[w1.name].dataSync(); // the end of the backward chain
          tf.dispose([value, ...Object.values(grads)]);
          return loss;
        },
        dispose: () => tf.dispose([x, ...vars]),
      };
    },
  };
}

// --- op-overhead -------------------------------------------------------------------------------------------

/** The fixed cost of one op: a chain of `n` additions of 1-element tensors. */
function opOverhead(): Workload {
  const n = 5000;
  return {
    name: 'op-overhead',
    description: `${n} chained adds of 1-element tensors (fixed cost per op)`,
    opsPerRun: n,
    tensorloom() {
      const one = tl.tensor([1]);
      const zero = tl.tensor([0]);
      return {
        run() {
          let acc = zero;
          for (let i = 0; i < n; i++) acc = acc.add(one);
          return acc.data[0];
        },
      };
    },
    tfjs() {
      const one = tf.tensor1d([1]);
      const zero = tf.tensor1d([0]);
      return {
        run: () =>
          tf.tidy(() => {
            let acc = zero;
            for (let i = 0; i < n; i++) acc = tf.add(acc, one);
            return acc.dataSync()[0];
          }),
        dispose: () => tf.dispose([one, zero]),
      };
    },
  };
}

/** All workloads, in report order. */
export function allWorkloads(options: WorkloadOptions = {}): Workload[] {
  return [
    ...[64, 128, 256, 512, 1024].map(matmulWorkload),
    bmmAttention(),
    mlpStep(),
    lstmStep(),
    convWorkload(false),
    convWorkload(true),
    autoencoderStep(),
    cnnEpoch({ batches: options.quick ? 1 : undefined }),
    opOverhead(),
  ];
}

/** The result a measurement of `w` on `system` reports (one `BENCH` line). */
export function resultOf(w: Workload, system: SystemName, m: Measurement): BenchResult {
  return {
    workload: w.name,
    system,
    stats: summarize(m.times),
    warmup: m.warmup,
    flops: w.flops,
    opsPerRun: w.opsPerRun,
    imagesPerRun: w.imagesPerRun,
    imagesPerEpoch: w.imagesPerEpoch,
    check: m.check,
  };
}
