import { describe, expect, it } from 'vitest';
import { Generator, ones, randn, relu, type Tensor, TensorError, tensor, zeros } from '../index';
import { ModuleDict, ModuleList, Sequential } from './container';
import { Dropout } from './dropout';
import { Linear } from './linear';
import { Buffer, Module, Parameter } from './module';
import { BatchNorm1d } from './normalization';

/** Own parameters, a child, more parameters and buffers interleaved, and a list of children. */
class Block extends Module<[Tensor], Tensor> {
  scale = new Parameter(ones([3]));
  inner = new Linear(3, 3, { generator: new Generator(1) });
  shift = new Parameter(zeros([3]));
  stat = new Buffer(zeros([3]));
  scratch = new Buffer(zeros([1]), { persistent: false });
  hidden = 3; // a plain field: ignored
  plain = zeros([2]); // a plain tensor: ignored
  layers = new ModuleList([new Linear(3, 3), new Linear(3, 3)]);

  forward(x: Tensor): Tensor {
    let h = this.inner.forward(x.mul(this.scale).add(this.shift));
    for (const layer of this.layers) h = relu(layer.forward(h));
    return h;
  }
}

function errorOf(fn: () => unknown): TensorError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TensorError) return e;
    throw e;
  }
  throw new Error('expected a TensorError');
}

describe('Parameter and Buffer', () => {
  it('a Parameter shares storage with the tensor it wraps and is a leaf that requires grad', () => {
    const t = tensor([1, 2, 3]);
    const p = new Parameter(t);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p.data).toBe(t.data);
    p.data[0] = 7;
    expect(t.data[0]).toBe(7);
  });

  it('a Parameter of an op result is a detached leaf over the same values', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const p = new Parameter(x.mul(2));
    expect(p.isLeaf).toBe(true);
    expect(p).toBeAllclose([2, 4]);
  });

  it('integer parameters cannot require grad, but can exist frozen', () => {
    expect(() => new Parameter(tensor([1], { dtype: 'int32' }))).toThrow(/floating-point/);
    expect(new Parameter(tensor([1], { dtype: 'int32' }), false).requiresGrad).toBe(false);
  });

  it('a Buffer never requires grad and keeps its options', () => {
    const b = new Buffer(tensor(0, { dtype: 'int32' }), { safetensorsDtype: 'I64' });
    expect(b.requiresGrad).toBe(false);
    expect(b.persistent).toBe(true);
    expect(b.safetensorsDtype).toBe('I64');
    expect(new Buffer(zeros([1]), { persistent: false }).persistent).toBe(false);
  });
});

describe('walking fields', () => {
  it('names parameters with dotted PyTorch names: own first, then children in field order', () => {
    const m = new Block();
    expect([...m.namedParameters()].map(([n]) => n)).toEqual([
      'scale',
      'shift',
      'inner.weight',
      'inner.bias',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
    ]);
    expect([...m.parameters()].length).toBe(8);
    expect([...m.parameters(false)]).toEqual([m.scale, m.shift]);
    expect([...m.namedParameters('model')][0][0]).toBe('model.scale');
  });

  it('finds buffers, persistent or not, and ignores plain fields', () => {
    const m = new Block();
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(['stat', 'scratch']);
    expect([...m.buffers()]).toEqual([m.stat, m.scratch]);
  });

  it('lists children and modules, parents before children', () => {
    const m = new Block();
    expect([...m.namedChildren()].map(([n]) => n)).toEqual(['inner', 'layers']);
    expect([...m.children()]).toEqual([m.inner, m.layers]);
    expect([...m.namedModules()].map(([n]) => n)).toEqual(['', 'inner', 'layers', 'layers.0', 'layers.1']);
    expect([...m.modules()][0]).toBe(m);
  });

  it('names Sequential children "0", "1", … and walks nested containers', () => {
    const net = new Sequential(new Linear(2, 4), new Sequential(new Linear(4, 4), new Dropout()), new Linear(4, 1));
    expect([...net.namedParameters()].map(([n]) => n)).toEqual([
      '0.weight',
      '0.bias',
      '1.0.weight',
      '1.0.bias',
      '2.weight',
      '2.bias',
    ]);
    expect([...net.namedModules()].map(([n]) => n)).toEqual(['', '0', '1', '1.0', '1.1', '2']);
  });

  it('counts a shared module or parameter once, but keeps both state-dict keys (as PyTorch does)', () => {
    const shared = new Linear(2, 2);
    const net = new Sequential(shared, shared);
    expect([...net.parameters()].length).toBe(2);
    expect([...net.namedModules()].map(([n]) => n)).toEqual(['', '0']);
    expect([...net.stateDict().keys()]).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect([...net].length).toBe(2); // but it runs twice
  });

  it('skips a null parameter field', () => {
    const m = new Linear(2, 3, { bias: false });
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(['weight']);
    expect([...m.stateDict().keys()]).toEqual(['weight']);
  });

  it('ModuleDict keeps insertion order even for numeric-looking names', () => {
    const d = new ModuleDict({ b: new Linear(1, 1), a: new Linear(1, 1) });
    d.set('1', new Linear(1, 1));
    expect([...d.keys()]).toEqual(['b', 'a', '1']);
    expect([...d.stateDict().keys()]).toEqual(['b.weight', 'b.bias', 'a.weight', 'a.bias', '1.weight', '1.bias']);
    expect(d.size).toBe(3);
    expect(d.get('a')).toBeInstanceOf(Linear);
    expect(d.delete('b')).toBe(true);
    expect([...d.keys()]).toEqual(['a', '1']);
  });

  it('registerParameter/registerBuffer/registerModule add members under any valid name', () => {
    const m = new Sequential();
    m.registerParameter('alpha', new Parameter(ones([1])));
    m.registerBuffer('count', zeros([1]));
    m.registerBuffer('cache', zeros([1]), false);
    m.registerModule('head', new Linear(1, 1));
    expect([...m.stateDict().keys()]).toEqual(['alpha', 'count', 'head.weight', 'head.bias']);
    expect(errorOf(() => m.registerModule('a.b', new Linear(1, 1))).message).toContain(`can't contain "."`);
    expect(errorOf(() => m.registerParameter('', null)).message).toContain('empty');
    expect(() => m.registerParameter('w', zeros([1]) as Parameter)).toThrow(/non-Parameter/);
  });

  it('getSubmodule follows a dotted path', () => {
    const net = new Sequential(new Linear(2, 4), new Sequential(new Linear(4, 4)));
    expect(net.getSubmodule('1.0')).toBe((net.at(1) as Sequential).at(0));
    expect(net.getSubmodule('')).toBe(net);
    expect(() => net.getSubmodule('1.5')).toThrow(/no submodule "5"/);
  });
});

describe('modes, grads and apply', () => {
  it('train/eval propagate to every module', () => {
    const net = new Sequential(new Dropout(), new Sequential(new Dropout(), new BatchNorm1d(2)));
    expect([...net.modules()].every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect([...net.modules()].every((m) => m.training)).toBe(true);
    net.train(false);
    expect([...net.modules()].some((m) => m.training)).toBe(false);
  });

  it('zeroGrad sets every grad to null', () => {
    const m = new Block();
    m.forward(randn([2, 3]))
      .sum()
      .backward();
    expect([...m.parameters()].every((p) => p.grad !== null)).toBe(true);
    m.zeroGrad();
    expect([...m.parameters()].every((p) => p.grad === null)).toBe(true);
  });

  it('requiresGrad_ freezes and unfreezes every parameter', () => {
    const m = new Block();
    m.requiresGrad_(false);
    expect([...m.parameters()].some((p) => p.requiresGrad)).toBe(false);
    m.requiresGrad_();
    expect([...m.parameters()].every((p) => p.requiresGrad)).toBe(true);
  });

  it('apply visits children before their parent', () => {
    const inner = new Linear(1, 1);
    const net = new Sequential(new Sequential(inner), new Linear(1, 1));
    const seen: Module[] = [];
    net.apply((m) => seen.push(m));
    expect(seen).toEqual([inner, net.at(0), net.at(1), net]);
  });

  it('to(float64) converts floating parameters and buffers, keeping integer buffers and options', () => {
    const net = new Sequential(new Linear(2, 3), new BatchNorm1d(3));
    const frozen = net.at(0) as Linear;
    frozen.bias!.requiresGrad_(false);
    net.to('float64');
    const bn = net.at(1) as BatchNorm1d;
    expect([...net.parameters()].every((p) => p.dtype === 'float64' && p instanceof Parameter)).toBe(true);
    expect(bn.running_mean!.dtype).toBe('float64');
    expect(bn.num_batches_tracked!.dtype).toBe('int32');
    expect(bn.num_batches_tracked!.safetensorsDtype).toBe('I64');
    expect(frozen.bias!.requiresGrad).toBe(false);
    expect(net.forward(randn([4, 2], { dtype: 'float64' })).dtype).toBe('float64');
    expect(net.float().at(0)).toBe(frozen);
    expect(frozen.weight.dtype).toBe('float32');
  });
});

describe('stateDict', () => {
  it("orders a module's own parameters, then its persistent buffers, then its children", () => {
    const m = new Block();
    expect([...m.stateDict().keys()]).toEqual([
      'scale',
      'shift',
      'stat',
      'inner.weight',
      'inner.bias',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
    ]);
  });

  it('has BatchNorm keys in PyTorch order', () => {
    expect([...new BatchNorm1d(3).stateDict().keys()]).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
  });

  it('returns detached aliases by default and the members themselves with keepVars', () => {
    const m = new Linear(2, 2);
    const sd = m.stateDict();
    const w = sd.get('weight')!;
    expect(w).not.toBeInstanceOf(Parameter);
    expect(w.requiresGrad).toBe(false);
    expect(w.data).toBe(m.weight.data);
    expect(m.stateDict({ keepVars: true }).get('weight')).toBe(m.weight);
    expect([...m.stateDict({ prefix: 'enc.' }).keys()]).toEqual(['enc.weight', 'enc.bias']);
  });

  it('keeps a buffer alias a Buffer with its safetensorsDtype', () => {
    const count = new BatchNorm1d(2).stateDict().get('num_batches_tracked');
    expect(count).toBeInstanceOf(Buffer);
    expect((count as Buffer).safetensorsDtype).toBe('I64');
  });
});

describe('loadStateDict', () => {
  it('copies values in place into the existing parameters and buffers', () => {
    const a = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
    a.forward(randn([5, 3])); // move the running stats and the counter
    const b = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
    const weight = (b.at(0) as Linear).weight;
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect((b.at(0) as Linear).weight).toBe(weight);
    expect(weight.requiresGrad).toBe(true);
    for (const [k, v] of a.stateDict()) expect(b.stateDict().get(k)).toBeAllclose(v, { rtol: 0, atol: 0 });
    expect((b.at(1) as BatchNorm1d).num_batches_tracked!.item()).toBe(1);
  });

  it('accepts a plain object and converts dtypes', () => {
    const m = new Linear(2, 1);
    m.loadStateDict({ weight: tensor([[1, 2]], { dtype: 'float64' }), bias: tensor([3]) });
    expect(m.weight.dtype).toBe('float32');
    expect(m.forward(tensor([[1, 1]]))).toBeAllclose([[6]]);
  });

  it('reports missing keys like PyTorch', () => {
    const e = errorOf(() => new Linear(4, 4).loadStateDict({ weight: zeros([4, 4]) }));
    expect(e.op).toBe('loadStateDict');
    expect(e.message).toBe(
      'loadStateDict: Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias".',
    );
  });

  it('reports missing and unexpected keys together, missing first', () => {
    const e = errorOf(() =>
      new Linear(4, 4).loadStateDict({ weight: zeros([4, 4]), foo: zeros([1]), bar: zeros([1]) }),
    );
    expect(e.message).toBe(
      'loadStateDict: Error(s) in loading state_dict for Linear:\n' +
        '\tMissing key(s) in state_dict: "bias".\n' +
        '\tUnexpected key(s) in state_dict: "foo", "bar".',
    );
  });

  it('reports size mismatches, and changes nothing when anything is wrong', () => {
    const m = new Linear(4, 4);
    const before = m.weight.clone();
    const e = errorOf(() => m.loadStateDict({ weight: zeros([3, 4]), bias: zeros([4]) }));
    expect(e.message).toBe(
      'loadStateDict: Error(s) in loading state_dict for Linear:\n' +
        '\tsize mismatch for weight: copying a param with shape (3,4) from checkpoint, the shape in current model is (4,4).',
    );
    expect(m.weight).toBeAllclose(before, { rtol: 0, atol: 0 });
    expect(m.bias!.data.some((v) => v !== 0)).toBe(true);
  });

  it('with strict false returns missing and unexpected keys and loads the rest', () => {
    const net = new Sequential(new Linear(2, 2), new Linear(2, 2));
    const result = net.loadStateDict({ '0.weight': ones([2, 2]), extra: zeros([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['0.bias', '1.weight', '1.bias'], unexpectedKeys: ['extra'] });
    expect((net.at(0) as Linear).weight).toBeAllclose(ones([2, 2]));
  });

  it('with strict false still rejects size mismatches', () => {
    expect(() => new Linear(2, 2).loadStateDict({ weight: zeros([2]) }, { strict: false })).toThrow(
      /size mismatch for weight: copying a param with shape \(2\) from checkpoint, the shape in current model is \(2,2\)\./,
    );
  });

  it('names the class of the module it was called on', () => {
    expect(() => new Block().loadStateDict({})).toThrow(/Error\(s\) in loading state_dict for Block:/);
  });
});

describe('toString', () => {
  it('prints a PyTorch-like tree with extraRepr on each line', () => {
    const net = new Sequential(new Linear(2, 16), new ReLULike(), new Linear(16, 1, { bias: false }));
    expect(net.toString()).toBe(
      'Sequential(\n' +
        '  (0): Linear(in_features=2, out_features=16, bias=true)\n' +
        '  (1): ReLULike()\n' +
        '  (2): Linear(in_features=16, out_features=1, bias=false)\n' +
        ')',
    );
  });

  it('indents nested children', () => {
    expect(new Block().toString()).toBe(
      'Block(\n' +
        '  (inner): Linear(in_features=3, out_features=3, bias=true)\n' +
        '  (layers): ModuleList(\n' +
        '    (0): Linear(in_features=3, out_features=3, bias=true)\n' +
        '    (1): Linear(in_features=3, out_features=3, bias=true)\n' +
        '  )\n' +
        ')',
    );
  });

  it('puts extraRepr lines before the children', () => {
    class Scaled extends Module<[Tensor], Tensor> {
      fc = new Linear(1, 1);
      forward(x: Tensor): Tensor {
        return this.fc.forward(x).mul(2);
      }
      override extraRepr(): string {
        return 'factor=2';
      }
    }
    expect(new Scaled().toString()).toBe(
      'Scaled(\n  factor=2\n  (fc): Linear(in_features=1, out_features=1, bias=true)\n)',
    );
  });
});

class ReLULike extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

describe('forward hooks', () => {
  it('capture every layer activation of a Sequential (for plotting)', () => {
    const model = new Sequential(new Linear(2, 4), new Dropout(0.5), new Linear(4, 3)).eval();
    const activations = new Map<string, Tensor>();
    const handles = [...model.namedChildren()].map(([name, layer]) =>
      layer.registerForwardHook((_m, _args, y) => {
        activations.set(name, (y as Tensor).detach());
      }),
    );
    const x = randn([5, 2]);
    const y = model.forward(x);
    expect([...activations.keys()]).toEqual(['0', '1', '2']);
    const h0 = model.at(0).forward(x);
    expect(activations.get('0')!).toBeAllclose(h0);
    expect(activations.get('1')!).toBeAllclose(h0); // Dropout in eval: identity
    expect(activations.get('2')!).toBeAllclose(y);
    // Removing every handle stops the capture and restores the class's forward.
    for (const h of handles) h.remove();
    activations.clear();
    model.forward(x);
    expect(activations.size).toBe(0);
    for (const layer of model.children()) expect(Object.hasOwn(layer, 'forward')).toBe(false);
  });

  it('run pre-hooks, then forward, then forward hooks, each in registration order', () => {
    const lin = new Linear(3, 2);
    const order: string[] = [];
    lin.registerForwardHook(() => {
      order.push('post1');
    });
    lin.registerForwardPreHook(() => {
      order.push('pre1');
    });
    lin.registerForwardPreHook(() => {
      order.push('pre2');
    });
    lin.registerForwardHook(() => {
      order.push('post2');
    });
    lin.forward(ones([1, 3]));
    expect(order).toEqual(['pre1', 'pre2', 'post1', 'post2']);
  });

  it('let a pre-hook replace the arguments and a forward hook replace the output', () => {
    const lin = new Linear(3, 2);
    const x = randn([4, 3]);
    const expected = lin.forward(x.mul(2)).add(1);
    let seenArgs: Tensor | null = null;
    lin.registerForwardPreHook((_m, [input]) => [input.mul(2)]);
    lin.registerForwardHook((m, [input], y) => {
      expect(m).toBe(lin);
      seenArgs = input;
      return y.add(0.5);
    });
    lin.registerForwardHook((_m, _args, y) => y.add(0.5)); // sees the previous hook's output
    expect(lin.forward(x)).toBeAllclose(expected);
    expect(seenArgs!).toBeAllclose(x.mul(2)); // forward hooks get the arguments after the pre-hooks
  });

  it('are removed by their handle; other hooks stay', () => {
    const lin = new Linear(2, 2);
    let a = 0;
    let b = 0;
    const ha = lin.registerForwardHook(() => {
      a++;
    });
    lin.registerForwardPreHook(() => {
      b++;
    });
    lin.forward(ones([1, 2]));
    ha.remove();
    ha.remove();
    lin.forward(ones([1, 2]));
    expect([a, b]).toEqual([1, 2]);
  });

  it('run when a parent module calls its child, and keep parameters and state-dict keys unchanged', () => {
    const block = new Block();
    const keys = [...block.stateDict().keys()];
    let calls = 0;
    block.inner.registerForwardHook(() => {
      calls++;
    });
    block.forward(ones([2, 3]));
    expect(calls).toBe(1);
    expect([...block.stateDict().keys()]).toEqual(keys);
    expect(Object.keys(block.inner)).not.toContain('forward');
  });

  it('wrap a forward defined as an own property and restore it', () => {
    class Arrow extends Module<[Tensor], Tensor> {
      forward = (x: Tensor): Tensor => x.add(1);
    }
    const m = new Arrow();
    const own = m.forward;
    const h = m.registerForwardHook((_m, _a, y) => y.mul(10));
    expect(m.forward(zeros([1]))).toBeAllclose([10]);
    h.remove();
    expect(m.forward).toBe(own);
    expect(m.forward(zeros([1]))).toBeAllclose([1]);
  });

  it('reject a pre-hook that returns something other than an argument list', () => {
    const lin = new Linear(2, 2);
    lin.registerForwardPreHook(((_m: Module, [x]: [Tensor]) => x) as unknown as () => undefined);
    expect(() => lin.forward(ones([1, 2]))).toThrow(
      'registerForwardPreHook: a forward pre-hook of Linear returned object; return the argument list of forward (an array, e.g. [x]) or undefined to keep it',
    );
  });
});
