import { nn, noGrad, randn } from '@tensorloom/tensor-core';

const model = new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 1));
const x = randn([64, 2]);
const y = x.sum(1, true).sin();
for (let step = 0; step < 200; step++) {
  const loss = model.forward(x).sub(y).pow(2).mean();
  model.zeroGrad();
  loss.backward();
  noGrad(() => {
    for (const p of model.parameters()) p.sub_(p.grad!, 0.1);
  });
  if (step % 50 === 0) console.log(`step ${step}: loss ${loss.item().toFixed(4)}`);
}
