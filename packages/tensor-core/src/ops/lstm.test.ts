import { describe, expect, it } from 'vitest';
import { grad, noGrad, randn, type Tensor, TensorError, tensor, zeros } from '../index';
import { fusedLstmCell } from './lstm';

/** The same step composed from public ops, as `@tensorloom/rnn` wrote it before the fused kernel. */
function composed(gates: Tensor, c: Tensor | null): [Tensor, Tensor] {
  const [zi, zf, zg, zo] = gates.chunk(4, 1);
  let c2 = zi.sigmoid().mul(zg.tanh());
  if (c !== null) c2 = zf.sigmoid().mul(c).add(c2);
  return [zo.sigmoid().mul(c2.tanh()), c2];
}

describe('fusedLstmCell', () => {
  it('computes h and c like the composed ops, with and without a cell state', () => {
    const gates = randn([3, 20]).mul(2);
    const c = randn([3, 5]);
    for (const state of [c, null]) {
      const [h, c2] = fusedLstmCell(gates, state);
      const [hWant, cWant] = composed(gates, state);
      expect(h.shape).toEqual([3, 5]);
      expect(c2.shape).toEqual([3, 5]);
      expect(h.dtype).toBe('float32');
      expect(h).toBeAllclose(hWant);
      expect(c2).toBeAllclose(cWant);
    }
  });

  it('matches a hand-computed step (B = 1, H = 1)', () => {
    // i = σ(0) = 0.5, f = σ(ln 3) = 0.75, g = tanh(0) = 0, o = σ(0) = 0.5: c' = 0.75·2 = 1.5, h' = 0.5·tanh(1.5)
    const [h, c2] = fusedLstmCell(
      tensor([[0, Math.log(3), 0, 0]], { dtype: 'float64' }),
      tensor([[2]], { dtype: 'float64' }),
    );
    expect(c2).toBeAllclose([[1.5]], { rtol: 1e-12 });
    expect(h).toBeAllclose([[0.5 * Math.tanh(1.5)]], { rtol: 1e-12 });
  });

  it('gives the composed gradients for gates and c, through both outputs', () => {
    const gates = randn([2, 12], { dtype: 'float64' }).requiresGrad_();
    const c = randn([2, 3], { dtype: 'float64' }).requiresGrad_();
    const w = randn([2, 3], { dtype: 'float64' });
    const loss = (f: typeof composed) => {
      const [h, c2] = f(gates, c);
      return h.mul(w).sum().add(c2.square().sum());
    };
    const got = grad(loss(fusedLstmCell), [gates, c]);
    const want = grad(loss(composed), [gates, c]);
    expect(got[0]).toBeAllclose(want[0] as Tensor, { rtol: 1e-12, atol: 1e-12 });
    expect(got[1]).toBeAllclose(want[1] as Tensor, { rtol: 1e-12, atol: 1e-12 });
  });

  it('records nothing under noGrad', () => {
    const gates = randn([2, 8]).requiresGrad_();
    const [h, c2] = noGrad(() => fusedLstmCell(gates, zeros([2, 2])));
    expect(h.requiresGrad).toBe(false);
    expect(c2.gradFn).toBeNull();
  });

  it('names the op, the shapes and the rule when shapes do not fit', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(TensorError);
        return (e as Error).message;
      }
      throw new Error('expected a TensorError');
    };
    expect(err(() => fusedLstmCell(zeros([2, 6]), null))).toBe(
      'fusedLstmCell: gates must be (B, 4·H), four blocks i, f, g, o along dim 1, got (2,6)',
    );
    expect(err(() => fusedLstmCell(zeros([8]), null))).toMatch(/^fusedLstmCell: gates must be \(B, 4·H\).*got \(8\)$/);
    expect(err(() => fusedLstmCell(zeros([2, 8]), zeros([2, 3])))).toBe(
      'fusedLstmCell: c must be (B, H) = (2, 2) for gates (2,8), got (2,3)',
    );
    expect(err(() => fusedLstmCell(zeros([2, 8]), zeros([2, 2], { dtype: 'float64' })))).toBe(
      'fusedLstmCell: c must have the dtype of gates (float32), got float64',
    );
    expect(err(() => fusedLstmCell(zeros([2, 8], { dtype: 'int32' }), null))).toBe(
      'fusedLstmCell: gates must be floating point, got int32',
    );
  });
});
