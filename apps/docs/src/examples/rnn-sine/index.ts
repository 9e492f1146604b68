/**
 * An RNN learns to continue a wave: at every step it sees a noisy sample of a sine wave and predicts the
 * next clean value. To do that it has to remember where in the wave it is — the job of its hidden state.
 */

import { RNN } from '@tensorloom/rnn';
import { Generator, manualSeed, nn, type Tensor } from '@tensorloom/tensor-core';
import { Adam, MSELoss, makeNoisySine } from '@tensorloom/training-utils';

export interface SineParams {
  seed: number;
  /** Sequences in the training set. */
  sequences: number;
  /** Time steps per sequence. */
  length: number;
  /** Size of the hidden state h_t. */
  hidden: number;
  /** Adam's learning rate. */
  lr: number;
  /** Training steps (each one over the whole set). */
  steps: number;
}

export const defaults: SineParams = { seed: 1, sequences: 32, length: 30, hidden: 16, lr: 0.01, steps: 300 };

/** An RNN over the sequence, then a linear read-out of every hidden state: (B, T, 1) → (B, T, 1). */
class SineModel extends nn.Module {
  rnn: RNN;
  head: nn.Linear;

  constructor(hidden: number) {
    super();
    this.rnn = new RNN(1, hidden, { batchFirst: true }); // h_t = tanh(W h_{t-1} + U x_t + b)
    this.head = new nn.Linear(hidden, 1); // ŷ_t = V h_t + c
  }

  forward(x: Tensor): Tensor {
    const [h] = this.rnn.forward(x); // (B, T, hidden): h_1 … h_T for every sequence
    return this.head.forward(h); // (B, T, 1)
  }
}

export function setup({ seed, sequences, length, hidden, lr, steps }: SineParams) {
  manualSeed(seed); // the initial weights
  const { x, y } = makeNoisySine(sequences, { length, noise: 0.1, freq: [1, 2], generator: new Generator(seed) });
  const model = new SineModel(hidden);
  const lossFn = new MSELoss();
  const optimizer = new Adam(model.parameters(), { lr });
  let step = 0;

  return {
    step() {
      const loss = lossFn.forward(model.forward(x), y); // mean over sequences and time steps
      optimizer.zeroGrad();
      loss.backward(); // backpropagation through time
      optimizer.step();
      step++;
      return { metrics: { loss: loss.item() }, done: step >= steps };
    },
  };
}
