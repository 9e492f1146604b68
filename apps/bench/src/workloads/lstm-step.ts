/**
 * `lstm-step`: one training step of an LSTM sequence model — the workload that stresses an engine's cost per
 * op, since a recurrence is a long chain of small products and element-wise ops. Tensorloom runs
 * `@tensorloom/rnn`'s `LSTM` with training-utils' `Adam`; tfjs runs `tf.layers.lstm` with `tf.train.adam`.
 * The PyTorch number for the same step comes from `apps/bench/pytorch/lstm_step.py`.
 */
import { LSTM } from '@tensorloom/rnn';
import * as tl from '@tensorloom/tensor-core';
import { Adam, mseLoss } from '@tensorloom/training-utils';
import { tf } from '../tfjs';
import type { Workload } from '../workloads';

// Batch 32 of sequences of 32 steps, 64 input features, 128 hidden units, a linear head back to 64 features.
const [B, T, I, H, O] = [32, 32, 64, 128, 64];
const LR = 1e-3;

/** Values of a (rows, cols) row-major matrix, transposed. */
function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  return tl.tensor(data).reshape([rows, cols]).t().data as Float32Array;
}

/** Inputs, targets and initial weights in PyTorch's layout, the same for every system; made on first use. */
function makeInputs() {
  const g = new tl.Generator(40);
  const uniform = (shape: number[], bound: number) =>
    tl
      .rand(shape, { generator: g })
      .mul(2 * bound)
      .sub(bound).data as Float32Array;
  const k = 1 / Math.sqrt(H);
  return {
    x: tl.randn([B, T, I], { generator: g }).data as Float32Array,
    y: tl.randn([B, T, O], { generator: g }).data as Float32Array,
    wIh: uniform([4 * H, I], k), // gates i, f, g, o stacked, as PyTorch and Keras both order them
    wHh: uniform([4 * H, H], k),
    bIh: uniform([4 * H], k),
    bHh: uniform([4 * H], k),
    wOut: uniform([O, H], k),
    bOut: uniform([O], k),
  };
}

let cached: ReturnType<typeof makeInputs> | undefined;
const inputs = () => {
  cached ??= makeInputs();
  return cached;
};

/** LSTM(64 → 128) over (32, 32, 64), a linear head on every step, MSE, backward and one Adam update. */
export function lstmStep(): Workload {
  // Products per step, forward: x·W_ihᵀ and h·W_hhᵀ for every time step, then the head; backward ≈ 2 × forward.
  const forwardFlops = 2 * B * T * (I + H) * 4 * H + 2 * B * T * H * O;
  return {
    name: 'lstm-step',
    description: `LSTM ${I}→${H}, batch ${B}, ${T} steps, linear head →${O} on every step, MSE, forward+backward+Adam`,
    flops: 3 * forwardFlops,
    tensorloom() {
      const d = inputs();
      const x = tl.tensor(d.x).reshape([B, T, I]);
      const y = tl.tensor(d.y).reshape([B, T, O]);
      const lstm = new LSTM(I, H, { batchFirst: true });
      lstm.loadStateDict({
        weight_ih_l0: tl.tensor(d.wIh).reshape([4 * H, I]),
        weight_hh_l0: tl.tensor(d.wHh).reshape([4 * H, H]),
        bias_ih_l0: tl.tensor(d.bIh),
        bias_hh_l0: tl.tensor(d.bHh),
      });
      const head = new tl.nn.Linear(H, O);
      head.loadStateDict({ weight: tl.tensor(d.wOut).reshape([O, H]), bias: tl.tensor(d.bOut) });
      const opt = new Adam([...lstm.parameters(), ...head.parameters()], { lr: LR });
      return {
        run() {
          const [out] = lstm.forward(x); // (B, T, H)
          const loss = mseLoss(head.forward(out), y); // (B, T, O) vs (B, T, O)
          opt.zeroGrad();
          loss.backward();
          opt.step();
          return loss.item();
        },
      };
    },
    tfjs() {
      const d = inputs();
      const x = tf.tensor3d(d.x, [B, T, I]);
      const y = tf.tensor3d(d.y, [B, T, O]);
      // Keras's LSTM: kernel (I, 4H), recurrent kernel (H, 4H), one bias (4H); gates i, f, c, o. Its default
      // recurrent activation in tfjs is hard sigmoid: ask for the logistic sigmoid that PyTorch uses.
      // The initial values are overwritten below: zeros skip tfjs's slow orthogonal initialiser.
      const lstm = tf.layers.lstm({
        units: H,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        kernelInitializer: 'zeros',
        recurrentInitializer: 'zeros',
      });
      const dense = tf.layers.dense({ units: O, kernelInitializer: 'zeros' });
      tf.tidy(() => {
        dense.apply(lstm.apply(x) as tf.Tensor); // builds both layers
      });
      tf.tidy(() => {
        lstm.setWeights([
          tf.tensor2d(transposed(d.wIh, 4 * H, I), [I, 4 * H]),
          tf.tensor2d(transposed(d.wHh, 4 * H, H), [H, 4 * H]),
          tf.add(tf.tensor1d(d.bIh), tf.tensor1d(d.bHh)),
        ]);
        dense.setWeights([tf.tensor2d(transposed(d.wOut, O, H), [H, O]), tf.tensor1d(d.bOut)]);
      });
      const vars = [...lstm.trainableWeights, ...dense.trainableWeights].map((w) => w.read() as tf.Variable);
      const opt = tf.train.adam(LR);
      const lossFn = () => {
        const out = lstm.apply(x) as tf.Tensor; // (B, T, H)
        return tf.losses.meanSquaredError(y, dense.apply(out) as tf.Tensor) as tf.Scalar; // (B, T, O)
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
          lstm.dispose();
          dense.dispose();
          tf.dispose([x, y]);
        },
      };
    },
  };
}
