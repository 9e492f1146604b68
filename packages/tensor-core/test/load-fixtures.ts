import { readFileSync } from 'node:fs';
import { Tensor } from '../src/index';
import { decodeTensorData, parseSafetensors } from '../src/safetensors/format';

/** Arguments of a fixture case, in Tensorloom's names, as the generator wrote them (JSON). */
// biome-ignore lint/suspicious/noExplicitAny: the values are whatever JSON the generator wrote for each op
export type FixtureArgs = Record<string, any>;

/** One recorded PyTorch call; see `fixtures/generate_ops.py` for the layout. */
export interface FixtureCase {
  name: string;
  /** The Tensorloom op to call. */
  op: string;
  args: FixtureArgs;
  inputs: Tensor[];
  /** PyTorch's outputs: one, or one per element of a returned list. */
  outputs: Tensor[];
  /** Whether the op returned a list. */
  isList: boolean;
  /** The weights `w` of `sum(out · w)`, one per output; empty for non-differentiable outputs. */
  weights: Tensor[];
  /** PyTorch's gradient of `sum(out · w)` by input index. */
  grads: Map<number, Tensor>;
}

/**
 * Reads a fixture file written by `generate_ops.py`: every case in the `__metadata__` map with its tensors
 * `<case>/in<i>`, `<case>/out[<k>]`, `<case>/w[<k>]` and `<case>/grad<i>`.
 */
export function loadFixtures(file: string): FixtureCase[] {
  const bytes = new Uint8Array(readFileSync(new URL(`./fixtures/${file}`, import.meta.url)));
  const { tensors, metadata } = parseSafetensors(bytes);
  const get = (name: string): Tensor | undefined => {
    const raw = tensors.get(name);
    if (raw === undefined) return undefined;
    const { dtype, data } = decodeTensorData(raw, name);
    return new Tensor(data, raw.shape, dtype);
  };
  const series = (prefix: string): Tensor[] => {
    const out: Tensor[] = [];
    for (let i = 0; ; i++) {
      const t = get(`${prefix}${i}`);
      if (t === undefined) return out;
      out.push(t);
    }
  };
  return Object.entries(metadata).map(([name, json]) => {
    const { op, args, grads } = JSON.parse(json) as { op: string; args: FixtureArgs; grads: number[] };
    const single = get(`${name}/out`);
    const outputs = single ? [single] : series(`${name}/out`);
    if (outputs.length === 0) throw new Error(`fixture ${name} has no outputs`);
    const w = get(`${name}/w`);
    const weights = w ? [w] : series(`${name}/w`);
    const gradMap = new Map<number, Tensor>();
    for (const i of grads) {
      const g = get(`${name}/grad${i}`);
      if (g === undefined) throw new Error(`fixture ${name} lists grad${i} but does not hold it`);
      gradMap.set(i, g);
    }
    return { name, op, args, inputs: series(`${name}/in`), outputs, isList: !single, weights, grads: gradMap };
  });
}
