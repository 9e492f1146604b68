import { describe, expect, it } from 'vitest';
import { randn, type Tensor, tensor } from '../index';
import { ReLU } from './activation';
import { ModuleDict, ModuleList, Sequential } from './container';
import { Linear } from './linear';
import { Module } from './module';

class AddOne extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return x.add(1);
  }
}

class Double extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return x.mul(2);
  }
}

describe('Sequential', () => {
  it('chains the modules in order', () => {
    expect(new Sequential(new AddOne(), new Double()).forward(tensor([1]))).toBeAllclose([4]);
    expect(new Sequential(new Double(), new AddOne()).forward(tensor([1]))).toBeAllclose([3]);
    expect(new Sequential().forward(tensor([5]))).toBeAllclose([5]);
  });

  it('indexes with at(), counts, appends and iterates', () => {
    const a = new AddOne();
    const b = new Double();
    const s = new Sequential(a, b);
    expect(s.length).toBe(2);
    expect(s.at(0)).toBe(a);
    expect(s.at(-1)).toBe(b);
    expect(() => s.at(2)).toThrow('Sequential.at: index 2 is out of range for a container of length 2');
    const c = new ReLU();
    expect(s.append(c)).toBe(s);
    expect([...s]).toEqual([a, b, c]);
    expect([...s.namedChildren()].map(([n]) => n)).toEqual(['0', '1', '2']);
  });

  it('runs a real MLP', () => {
    const mlp = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 1));
    expect(mlp.forward(randn([8, 2])).shape).toEqual([8, 1]);
  });

  it('rejects non-modules', () => {
    expect(() => new Sequential({} as Module<[Tensor], Tensor>)).toThrow('Sequential: element 0 is not a Module');
  });
});

describe('ModuleList', () => {
  it('holds modules under "0", "1", … and is iterable', () => {
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 3)]);
    list.append(new Linear(3, 1));
    expect(list.length).toBe(3);
    expect(list.at(-1).outFeatures).toBe(1);
    expect([...list].map((l) => l.outFeatures)).toEqual([2, 3, 1]);
    expect([...list.stateDict().keys()]).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias']);
    list.extend([new Linear(1, 1)]);
    expect(list.length).toBe(4);
  });

  it('is not callable', () => {
    expect(() => new ModuleList().forward()).toThrow(/not callable/);
  });
});

describe('ModuleDict', () => {
  it('accepts an object or entries and looks modules up by name', () => {
    const d = new ModuleDict([
      ['enc', new Linear(2, 2)],
      ['dec', new Linear(2, 2)],
    ]);
    expect(d.has('enc')).toBe(true);
    expect(d.get('missing')).toBeUndefined();
    expect([...d].map(([k]) => k)).toEqual(['enc', 'dec']);
    expect([...d.values()].length).toBe(2);
    expect(d.toString()).toContain('(dec): Linear(in_features=2, out_features=2, bias=true)');
    const replaced = new Linear(2, 2);
    d.set('enc', replaced);
    expect([...d.keys()]).toEqual(['enc', 'dec']);
    expect(d.get('enc')).toBe(replaced);
  });

  it('converts its members with to()', () => {
    const d = new ModuleDict({ a: new Linear(1, 1) }).to('float64');
    expect(d.get('a')!.weight.dtype).toBe('float64');
  });
});
