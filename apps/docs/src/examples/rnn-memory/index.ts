/**
 * Memory (exercise 6-1b): two models read the same bit streams and must say, at every step, whether the
 * bits so far hold an odd number of ones — the running parity. The MLP sees only the current bit x_t, which
 * says nothing about the ones before it, so it stays at chance. The course's sigmoid RNN,
 * h_t = σ(W h_{t-1} + U x_t) with h_0 = 0, sees x_1 … x_t through its hidden state and learns the rule.
 * Each step trains both models on the same fresh mini-batch.
 */

import { RNN } from '@tensorloom/rnn';
import { Generator, manualSeed, nn, noGrad, type Tensor, tensor } from '@tensorloom/tensor-core';
import { Adam, accuracy, crossEntropy, makeParitySequences } from '@tensorloom/training-utils';

export interface MemoryParams {
  seed: number;
  /** Sequences per mini-batch. */
  batch: number;
  /** Bits per sequence. */
  length: number;
  /** Hidden units of both models. */
  hidden: number;
  /** Adam's learning rate. */
  lr: number;
  /** Training steps (one fresh mini-batch each). */
  steps: number;
}

export const defaults: MemoryParams = { seed: 1, batch: 32, length: 10, hidden: 16, lr: 0.02, steps: 600 };

/** Bit streams (n, T, 1) and their running parity (n, T): y_t = x_1 ⊕ … ⊕ x_t. */
function runningParity(n: number, length: number, generator: Generator): { x: Tensor; y: Tensor } {
  const { x } = makeParitySequences(n, length, { generator });
  const y = new Int32Array(n * length);
  for (let i = 0; i < n; i++) {
    let parity = 0;
    for (let t = 0; t < length; t++) {
      parity ^= x.data[i * length + t];
      y[i * length + t] = parity;
    }
  }
  return { x, y: tensor(y, { dtype: 'int32' }).reshape([n, length]) };
}

/** The feed-forward baseline, applied to each step on its own: its answer at step t depends on x_t only. */
class StepwiseMLP extends nn.Module<[Tensor], Tensor> {
  hidden: nn.Linear;
  out: nn.Linear;

  constructor(hiddenSize: number) {
    super();
    this.hidden = new nn.Linear(1, hiddenSize);
    this.out = new nn.Linear(hiddenSize, 2);
  }

  forward(x: Tensor): Tensor {
    return this.out.forward(this.hidden.forward(x).sigmoid()); // (B, T, 1) → (B, T, H) → (B, T, 2)
  }
}

/** The course's RNN h_t = σ(W h_{t-1} + U x_t), h_0 = 0, with a linear read-out of every h_t. */
class ParityRNN extends nn.Module<[Tensor], Tensor> {
  rnn: RNN;
  out: nn.Linear;

  constructor(hiddenSize: number) {
    super();
    this.rnn = new RNN(1, hiddenSize, { nonlinearity: 'sigmoid', bias: false, batchFirst: true });
    this.out = new nn.Linear(hiddenSize, 2);
  }

  forward(x: Tensor): Tensor {
    const [h] = this.rnn.forward(x); // (B, T, 1) → (B, T, H): h_1 … h_T
    return this.out.forward(h); // (B, T, 2)
  }
}

export function setup({ seed, batch, length, hidden, lr, steps }: MemoryParams) {
  const generator = new Generator(seed); // the bit streams
  manualSeed(seed);
  const mlp = new StepwiseMLP(hidden);
  manualSeed(seed);
  const rnn = new ParityRNN(hidden);
  const trainers = [
    { model: mlp, optimizer: new Adam(mlp.parameters(), { lr }) },
    { model: rnn, optimizer: new Adam(rnn.parameters(), { lr }) },
  ];
  let step = 0;

  return {
    /** Both models' accuracy over every step of n held-out streams of `length` bits. */
    evaluate(n: number, length: number) {
      const { x, y } = runningParity(n, length, new Generator(seed + 1000));
      const labels = y.reshape([-1]);
      return noGrad(() => ({
        rnn: accuracy(rnn.forward(x).reshape([-1, 2]), labels),
        mlp: accuracy(mlp.forward(x).reshape([-1, 2]), labels),
      }));
    },
    step() {
      const { x, y } = runningParity(batch, length, generator); // the same fresh batch for both models
      const labels = y.reshape([-1]); // (B·T)
      const [mlpResult, rnnResult] = trainers.map(({ model, optimizer }) => {
        const logits = model.forward(x).reshape([-1, 2]); // (B·T, 2)
        const loss = crossEntropy(logits, labels); // mean over sequences and time steps
        optimizer.zeroGrad();
        loss.backward(); // for the RNN: backpropagation through time
        optimizer.step();
        return { loss: loss.item(), acc: noGrad(() => accuracy(logits, labels)) };
      });
      step++;
      const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
      return {
        metrics: { rnn_loss: rnnResult.loss, mlp_loss: mlpResult.loss },
        summary: `accuracy on this batch: RNN ${pct(rnnResult.acc)}, MLP ${pct(mlpResult.acc)}`,
        done: step >= steps,
      };
    },
  };
}
