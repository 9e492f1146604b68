import { readFileSync } from 'node:fs';
import { type LoadedSafetensors, loadSafetensors, noGrad, type Tensor } from '@tensorloom/tensor-core';

/** Reads a fixture written by `fixtures/generate.py`. */
export function loadFixture(name: string): LoadedSafetensors {
  return loadSafetensors(new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))));
}

/** Reads a JSON fixture. */
export function loadJsonFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/**
 * The gradient of the scalar `f()` with respect to `x` by central differences, `(f(x+h) - f(x-h)) / 2h` per
 * element, perturbing `x.data` in place (float64 tensors; the values are restored afterwards). A stand-in
 * for tensor-core's `gradcheck` until it lands.
 */
export function numericalGrad(f: () => Tensor, x: Tensor, h = 1e-6): Float64Array {
  const out = new Float64Array(x.size);
  const d = x.data;
  noGrad(() => {
    for (let i = 0; i < d.length; i++) {
      const orig = d[i];
      d[i] = orig + h;
      const plus = f().item();
      d[i] = orig - h;
      const minus = f().item();
      d[i] = orig;
      out[i] = (plus - minus) / (2 * h);
    }
  });
  return out;
}
