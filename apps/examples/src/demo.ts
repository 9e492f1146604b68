/**
 * The main job until the docs site exists: a small MLP learns the two-moons data set with a hand-written
 * SGD loop, printing its loss as it falls. Run with `pnpm demo`.
 */
import { Generator, manualSeed, nn, noGrad, type Tensor, tensor } from '@tensorloom/tensor-core';

/** Two interleaving half circles with Gaussian noise (labels 0 and 1), like scikit-learn's make_moons. */
export function twoMoons(n: number, noise: number, seed: number): { x: Tensor; y: Tensor } {
  const g = new Generator(seed);
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const upper = i % 2 === 0;
    const t = Math.PI * g.nextDouble();
    const [u1, u2] = [g.nextDouble() || 1e-12, g.nextDouble()];
    const r = Math.sqrt(-2 * Math.log(u1));
    const [n1, n2] = [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)];
    xs.push(
      upper
        ? [Math.cos(t) + noise * n1, Math.sin(t) + noise * n2]
        : [1 - Math.cos(t) + noise * n1, 0.5 - Math.sin(t) + noise * n2],
    );
    ys.push(upper ? 0 : 1);
  }
  return { x: tensor(xs), y: tensor(ys).reshape([n, 1]) };
}

/** Binary cross-entropy on logits, `mean(softplus(z) - y z)`, written with tensor ops. */
function bceWithLogits(logits: Tensor, y: Tensor): Tensor {
  return nn.functional.softplus(logits).sub(y.mul(logits)).mean();
}

export interface DemoResult {
  losses: number[];
  accuracy: number;
}

/** Trains the MLP for `steps` full-batch SGD steps and returns the loss curve and final accuracy. */
export function train(steps = 600, log: (line: string) => void = () => {}): DemoResult {
  manualSeed(0);
  const { x, y } = twoMoons(256, 0.1, 1);
  const model = new nn.Sequential(
    new nn.Linear(2, 16),
    new nn.Tanh(),
    new nn.Linear(16, 16),
    new nn.Tanh(),
    new nn.Linear(16, 1),
  );
  const lr = 0.5;
  const losses: number[] = [];
  for (let step = 0; step <= steps; step++) {
    const loss = bceWithLogits(model.forward(x), y);
    model.zeroGrad();
    loss.backward();
    noGrad(() => {
      for (const p of model.parameters()) if (p.grad) p.sub_(p.grad, lr);
    });
    losses.push(loss.item());
    if (step % Math.max(1, Math.floor(steps / 12)) === 0) {
      const bar = '█'.repeat(Math.round(40 * Math.min(1, loss.item() / losses[0])));
      log(`step ${String(step).padStart(4)}  loss ${loss.item().toFixed(4)}  ${bar}`);
    }
  }
  const predicted = noGrad(() => model.forward(x).gt(0).float());
  const accuracy = predicted.eq(y).float().mean().item();
  return { losses, accuracy };
}

// Run when executed directly (`pnpm demo`), not when imported by a test.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('Tensorloom demo: a 2-16-16-1 MLP learns the two-moons data set (256 points, full-batch SGD)\n');
  const t0 = performance.now();
  const { accuracy, losses } = train(600, (line) => console.log(line));
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `\nloss ${losses[0].toFixed(4)} → ${losses[losses.length - 1].toFixed(4)}, accuracy ${(100 * accuracy).toFixed(1)}% in ${seconds.toFixed(2)} s`,
  );
}
