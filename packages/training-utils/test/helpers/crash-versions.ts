/**
 * The model versions the crash test writes: version `v` of the weights is a fixed function of `v`, so the parent
 * can tell from a loaded file exactly which complete version it holds and that no byte of it is from another one.
 */
import { nn, noGrad } from '@tensorloom/tensor-core';

/** 512 × 512 float32 weights (1 MiB): big enough that a kill can land mid-write, small enough to start fast. */
export function makeCrashModel(): nn.Linear {
  return new nn.Linear(512, 512);
}

/** Sets every weight and bias of `model` to version `v`'s values. */
export function setVersion(model: nn.Linear, v: number): void {
  noGrad(() => {
    for (const p of model.parameters()) {
      const d = p.data as Float32Array;
      for (let i = 0; i < d.length; i++) d[i] = expectedValue(i, v, d.length);
      p.markModified();
    }
  });
}

/** Element `i` of a parameter of `n` elements in version `v`: a hash, so versions differ in every element. */
export function expectedValue(i: number, v: number, n: number): number {
  const h = Math.imul(i ^ Math.imul(v + 1, 0x9e3779b1), 0x85ebca6b) ^ n;
  return Math.fround((h >>> 0) / 2 ** 32 - 0.5);
}

/** A checksum of the weights (a sum that depends on every element's position), stored in `extra`. */
export function weightsChecksum(model: nn.Linear): number {
  let sum = 0;
  for (const p of model.parameters()) {
    const d = p.data as Float32Array;
    for (let i = 0; i < d.length; i += 1) sum = (sum + d[i] * ((i % 97) + 1)) % 1e9;
  }
  return sum;
}
