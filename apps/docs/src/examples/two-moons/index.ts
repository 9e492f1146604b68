/**
 * From gradients to learning: a small MLP learns to separate two interleaving half moons. Every step runs
 * the model forward, backpropagates the loss, and lets SGD move each weight against its gradient.
 */
import { Generator, manualSeed, nn, noGrad, type Tensor, tensor } from '@tensorloom/tensor-core';
import { accuracy, BCEWithLogitsLoss, SGD } from '@tensorloom/training-utils';

export interface TwoMoonsParams {
  seed: number;
  /** Points in the data set (half in each moon). */
  points: number;
  /** Hidden units in each of the two hidden layers. */
  hidden: number;
  /** SGD's learning rate. */
  lr: number;
  /** Steps of full-batch gradient descent. */
  steps: number;
}

export const defaults: TwoMoonsParams = { seed: 1, points: 200, hidden: 16, lr: 0.5, steps: 500 };

/** Two interleaving half circles with Gaussian noise (labels 0 and 1), like scikit-learn's make_moons. */
export function twoMoons(n: number, noise: number, g: Generator): { x: Tensor; y: Tensor } {
  const xs: number[][] = [];
  const ys: number[] = [];
  const gauss = () => Math.sqrt(-2 * Math.log(g.nextDouble() || 1e-12)) * Math.cos(2 * Math.PI * g.nextDouble());
  for (let i = 0; i < n; i++) {
    const upper = i % 2 === 0;
    const t = Math.PI * g.nextDouble();
    const [px, py] = upper ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    xs.push([px + noise * gauss(), py + noise * gauss()]);
    ys.push(upper ? 0 : 1);
  }
  return { x: tensor(xs), y: tensor(ys).reshape([n, 1]) }; // x: (n, 2), y: (n, 1)
}

export function setup({ seed, points, hidden, lr, steps }: TwoMoonsParams) {
  manualSeed(seed); // the weights' initialisation
  const { x, y } = twoMoons(points, 0.1, new Generator(seed));
  const model = new nn.Sequential(
    new nn.Linear(2, hidden),
    new nn.Tanh(),
    new nn.Linear(hidden, hidden),
    new nn.Tanh(),
    new nn.Linear(hidden, 1),
  );
  const lossFn = new BCEWithLogitsLoss();
  const optimizer = new SGD(model.parameters(), { lr });
  let step = 0;

  return {
    step() {
      const logits = model.forward(x); // (n, 1)
      const loss = lossFn.forward(logits, y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      step++;
      const acc = noGrad(() => accuracy(logits.gt(0), y));
      return {
        metrics: { loss: loss.item() },
        summary: `training accuracy ${(100 * acc).toFixed(1)}%`,
        done: step >= steps,
      };
    },
  };
}
