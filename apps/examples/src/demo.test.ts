import { describe, expect, it } from 'vitest';
import { train } from './demo';

describe('demo', () => {
  it('the MLP learns two moons: the loss falls and accuracy exceeds 95%', () => {
    const { losses, accuracy } = train(400);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 4);
    expect(accuracy).toBeGreaterThan(0.95);
  });
});
