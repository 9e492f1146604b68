import { Generator } from '@tensorloom/tensor-core';
import { DataLoader, makeMoons, randomSplit, TensorDataset } from '@tensorloom/training-utils';
import { expect, it } from 'vitest';

it("the README's data example runs as shown", () => {
  const generator = new Generator(0);
  const { x, y } = makeMoons(1000, { noise: 0.1, generator }); // (1000, 2) float32, (1000) int32
  const [train, val] = randomSplit(new TensorDataset(x, y), [0.8, 0.2], { generator });
  const loader = new DataLoader(train, { batchSize: 32, shuffle: true, generator });
  const shapes: number[][][] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    for (const [xb, yb] of loader) shapes.push([xb.shape.slice(), yb.shape.slice()]);
  }
  expect(train.length).toBe(800);
  expect(val.length).toBe(200);
  expect(loader.length).toBe(25);
  expect(shapes.length).toBe(50);
  expect(shapes[0]).toEqual([[32, 2], [32]]);
});
