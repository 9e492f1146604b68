import * as tl from '@tensorloom/tensor-core';
import { expect, it } from 'vitest';

it('resolves @tensorloom/tensor-core (src by default, dist with TENSORLOOM_DIST=1)', () => {
  expect(tl.tensor([1, 2]).sum().item()).toBe(3);
});
