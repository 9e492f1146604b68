/**
 * The recurrent modules against PyTorch 1.13: the same state dict (loaded from test/fixtures/rnn.safetensors,
 * written by generate.py), the same inputs, the same outputs, final states and gradients — for RNN (tanh,
 * relu), LSTM, GRU and their cells, one and two layers, both directions, batch-first, with and without bias,
 * with and without initial states, unbatched inputs, and variable lengths (PyTorch's packed path).
 */
import { readFileSync } from 'node:fs';
import { loadSafetensors, type Tensor } from '@tensorloom/tensor-core';
import { describe, expect, it } from 'vitest';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  type LSTMState,
  RNN,
  RNNCell,
  type RNNCellOptions,
  type RNNOptions,
} from '../src/index';

const { tensors, metadata } = loadSafetensors(
  new Uint8Array(readFileSync(new URL('./fixtures/rnn.safetensors', import.meta.url))),
);

interface CaseConfig {
  type: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  args: [number, number];
  options: RNNOptions & RNNCellOptions;
  dtype: 'float32' | 'float64';
  lengths: number[] | null;
  keys: string[];
}

function get(name: string): Tensor {
  const t = tensors[name];
  if (t === undefined) throw new Error(`fixture tensor ${name} is missing`);
  return t;
}

function maybe(name: string): Tensor | undefined {
  return tensors[name];
}

/** The fixture tensors under `prefix/`, keyed by the rest of the name. */
function under(prefix: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = t;
  return out;
}

/** A leaf copy that requires grad. */
function leaf(t: Tensor): Tensor {
  return t.clone().detach().requiresGrad_(true);
}

type AnyRecurrent = RNN | LSTM | GRU | RNNCell | LSTMCell | GRUCell;

function build(c: CaseConfig): AnyRecurrent {
  const [i, h] = c.args;
  const o = { ...c.options, dtype: c.dtype };
  switch (c.type) {
    case 'RNN':
      return new RNN(i, h, o);
    case 'LSTM':
      return new LSTM(i, h, o);
    case 'GRU':
      return new GRU(i, h, o);
    case 'RNNCell':
      return new RNNCell(i, h, o);
    case 'LSTMCell':
      return new LSTMCell(i, h, o);
    case 'GRUCell':
      return new GRUCell(i, h, o);
  }
}

const cases = Object.entries(metadata).map(([name, json]) => ({ name, config: JSON.parse(json) as CaseConfig }));

describe('parity with PyTorch 1.13 (outputs, final states, gradients)', () => {
  it('covers every kind of module and cell', () => {
    expect(new Set(cases.map((c) => c.config.type))).toEqual(
      new Set(['RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell']),
    );
    expect(cases.some((c) => c.config.lengths !== null)).toBe(true);
  });

  for (const { name, config } of cases) {
    it(`${name}: ${config.type}(${config.args.join(', ')}, ${JSON.stringify(config.options)})${config.lengths ? ` lengths ${config.lengths}` : ''}`, () => {
      const tol = config.dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 2e-6 };
      const m = build(config);
      // The state dict loads strictly (same keys) and the module lists its parameters in PyTorch's order.
      m.loadStateDict(under(`${name}/state/`));
      expect([...m.stateDict().keys()]).toEqual(config.keys);

      const x = leaf(get(`${name}/input`));
      const h0src = maybe(`${name}/h0`);
      const c0src = maybe(`${name}/c0`);
      const h0 = h0src ? leaf(h0src) : null;
      const c0 = c0src ? leaf(c0src) : null;
      const outs: Record<string, Tensor> = {};
      if (m instanceof LSTM) {
        const [output, [hN, cN]] = m.forward(x, h0 && c0 ? [h0, c0] : null, { lengths: config.lengths ?? undefined });
        Object.assign(outs, { output, h_n: hN, c_n: cN });
      } else if (m instanceof RNN || m instanceof GRU) {
        const [output, hN] = m.forward(x, h0, { lengths: config.lengths ?? undefined });
        Object.assign(outs, { output, h_n: hN });
      } else if (m instanceof LSTMCell) {
        const [h, c] = m.forward(x, h0 && c0 ? ([h0, c0] as LSTMState) : null);
        Object.assign(outs, { h, c });
      } else {
        Object.assign(outs, { h: m.forward(x, h0) });
      }

      let total: Tensor | null = null;
      for (const [key, out] of Object.entries(outs)) {
        expect(out, key).toBeAllclose(get(`${name}/${key}`), tol);
        const term = out.mul(get(`${name}/w/${key}`)).sum();
        total = total === null ? term : total.add(term);
      }
      total?.backward();
      expect(x.grad, 'grad input').toBeAllclose(get(`${name}/grad/input`), tol);
      if (h0) expect(h0.grad, 'grad h0').toBeAllclose(get(`${name}/grad/h0`), tol);
      if (c0) expect(c0.grad, 'grad c0').toBeAllclose(get(`${name}/grad/c0`), tol);
      for (const [key, p] of m.namedParameters()) {
        expect(p.grad, `grad ${key}`).toBeAllclose(get(`${name}/grad/${key}`), tol);
      }
    });
  }
});
