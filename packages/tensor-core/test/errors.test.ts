/**
 * Bad input must fail loudly and helpfully: a TensorError whose message names the op, the shapes and the
 * broken rule — never a wrong result, a RangeError from deep inside a kernel, or a silently wrong gradient.
 */
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  add,
  arange,
  argmax,
  cat,
  cumsum,
  embedding,
  eq,
  expand,
  eye,
  flatten,
  full,
  gather,
  grad,
  indexAdd,
  indexSelect,
  interpolate,
  maskedFill,
  matmul,
  matmulT,
  maximum,
  mul,
  narrow,
  nn,
  noGrad,
  norm,
  oneHot,
  ones,
  outer,
  pad,
  permute,
  randn,
  repeat,
  reshape,
  scatterAdd,
  select,
  softmax,
  sort,
  squeeze,
  stack,
  sum,
  type Tensor,
  TensorError,
  tensor,
  topk,
  transpose,
  tril,
  triu,
  unsqueeze,
  where,
  zeros,
} from '../src/index';

/** Runs `f`, expects a TensorError from op `op`, and returns its message. */
function rejects(op: string, f: () => unknown): string {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a TensorError').toBeInstanceOf(TensorError);
  const err = caught as TensorError;
  expect(err.op).toBe(op);
  expect(err.message.startsWith(`${op}: `)).toBe(true);
  return err.message;
}

const i32 = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });

describe('matrix products', () => {
  it('name both shapes and the mismatched inner dimensions', () => {
    expect(rejects('matmul', () => matmul(zeros([2, 3]), zeros([4, 5])))).toContain(
      'matmul: (2,3) @ (4,5): inner dimensions 3 and 4 differ',
    );
    expect(rejects('matmul', () => matmul(zeros([3]), zeros([4])))).toContain('(3) @ (4): inner dimensions 3 and 4');
    expect(rejects('matmul', () => matmul(zeros([2, 3]), zeros([2])))).toContain('inner dimensions 3 and 2 differ');
    expect(rejects('matmul', () => matmulT(zeros([2, 3]), zeros([2, 4]), false, true))).toBe(
      'matmul: (2,3) @ (2,4): inner dimensions 3 and 4 differ',
    );
  });

  it('reject scalars and batch dims that do not broadcast', () => {
    expect(rejects('matmul', () => matmul(zeros([]), zeros([3])))).toContain('both arguments need at least one');
    expect(rejects('matmul', () => matmul(zeros([2, 3, 4]), zeros([3, 4, 5])))).toContain(
      'shapes (2) and (3) cannot be broadcast',
    );
  });
});

describe('broadcasting', () => {
  it('names the op, both shapes and the offending dim', () => {
    expect(rejects('add', () => add(zeros([2, 3]), zeros([4])))).toBe(
      'add: shapes (2,3) and (4) cannot be broadcast: size 3 and 4 differ at dim -1 (each pair must be equal or one of them 1)',
    );
    expect(rejects('mul', () => mul(zeros([2, 3, 4]), zeros([3, 1, 5])))).toContain('(2,3,4) and (3,1,5)');
    expect(rejects('maximum', () => maximum(zeros([2]), zeros([3])))).toContain('cannot be broadcast');
    expect(rejects('eq', () => eq(zeros([2]), zeros([3])))).toContain('cannot be broadcast');
    expect(rejects('where', () => where(zeros([2], { dtype: 'bool' }), zeros([3]), 0))).toContain(
      'cannot be broadcast',
    );
    expect(rejects('expand', () => expand(zeros([2, 3]), [2, 4]))).toContain('size 3 at dim 1 is not 1');
    expect(rejects('add_', () => zeros([3]).add_(zeros([2, 3])))).toContain(
      'other of shape (2,3) cannot be broadcast to (3) in place',
    );
  });
});

describe('dims and sizes', () => {
  const x = zeros([2, 3]);

  it('out-of-range dims name the dim, the rank and the valid range', () => {
    expect(rejects('sum', () => sum(x, 2))).toBe('sum: dim 2 is out of range for a tensor of rank 2 (expected -2..1)');
    expect(rejects('softmax', () => softmax(x, -3))).toContain('dim -3 is out of range');
    expect(rejects('transpose', () => transpose(x, 0, 5))).toContain('dim 5 is out of range');
    expect(rejects('cat', () => cat([x, x], 2))).toContain('dim 2 is out of range');
    expect(rejects('stack', () => stack([x, x], 4))).toContain('dim 4 is out of range for a tensor of rank 3');
    expect(rejects('unsqueeze', () => unsqueeze(x, 3))).toContain('dim 3 is out of range');
    expect(rejects('squeeze', () => squeeze(x, [0, 0]))).toContain('appears more than once');
    expect(rejects('flatten', () => flatten(zeros([2, 3, 4]), 2, 1))).toContain('startDim 2 comes after endDim 1');
    expect(rejects('argmax', () => argmax(x, 1.5))).toContain('dim 1.5 is out of range');
    expect(rejects('permute', () => permute(x, [0]))).toContain('got 1 dims [0] for a tensor of shape (2,3)');
    expect(rejects('permute', () => permute(x, [1, 1]))).toContain('repeat a dim');
  });

  it('out-of-range positions name the position and the size', () => {
    expect(rejects('select', () => select(x, 1, 3))).toBe('select: index 3 is out of range for dim 1 of size 3');
    expect(rejects('narrow', () => narrow(x, 0, 1, 2))).toContain('start 1 + length 2 exceeds dim 0 of size 2');
    expect(rejects('cat', () => cat([zeros([2, 3]), zeros([3, 2])], 0))).toContain(
      'tensor 0 has shape (2,3), tensor 1 has (3,2)',
    );
    expect(rejects('repeat', () => repeat(x, [2]))).toContain('number of repeats (1) can not be smaller');
  });

  it('reshape names the requested shape, the size and the input shape', () => {
    expect(rejects('reshape', () => reshape(x, [4, 2]))).toBe(
      'reshape: shape [4, 2] is invalid for input of size 6 (shape (2,3))',
    );
    expect(rejects('reshape', () => reshape(x, [4, -1]))).toContain('shape [4, -1] is invalid for input of size 6');
    expect(rejects('reshape', () => reshape(x, [-1, -1]))).toContain('only one dimension can be -1');
    expect(rejects('reshape', () => reshape(x, [2.5, 2]))).toContain('invalid size 2.5');
  });
});

describe('index values', () => {
  const x = zeros([3, 4]);

  it('out-of-bounds indices name the value, the dim and its size', () => {
    expect(rejects('gather', () => gather(x, 1, i32([[0, 4]])))).toBe(
      'gather: index 4 is out of bounds for dim 1 of size 4',
    );
    expect(rejects('indexSelect', () => indexSelect(x, 0, i32([0, -4])))).toContain(
      'index -4 is out of bounds for dim 0 of size 3',
    );
    expect(rejects('scatterAdd', () => scatterAdd(x, 0, i32([[3]]), zeros([1, 1])))).toContain(
      'index 3 is out of bounds',
    );
    expect(rejects('indexAdd', () => indexAdd(x, 1, i32([7]), zeros([3, 1])))).toContain('index 7 is out of bounds');
    expect(rejects('embedding', () => embedding(i32([0, 5]), zeros([5, 2])))).toContain(
      'index 5 is out of bounds for the embedding table of size 5',
    );
    expect(rejects('oneHot', () => oneHot(i32([0, 3]), 3))).toContain('class index 3 is out of range for 3 classes');
    expect(rejects('embedding', () => embedding(i32([0]), zeros([5, 2]), 5))).toBe(
      'embedding: paddingIdx 5 is out of range for 5 embeddings',
    );
  });

  it('index tensors must be int32 and shaped right', () => {
    expect(rejects('gather', () => gather(x, 0, zeros([1, 1])))).toContain(
      'index must be an int32 tensor, got float32',
    );
    expect(rejects('indexSelect', () => indexSelect(x, 0, i32([[0]])))).toContain('index must be 0-d or 1-d');
    expect(rejects('gather', () => gather(x, 1, i32([0, 1])))).toContain('must have as many dims as the input');
    expect(rejects('scatterAdd', () => scatterAdd(x, 0, i32([[0, 1]]), zeros([2, 2])))).toContain(
      "src (2,2) must have the index's shape (1,2)",
    );
  });
});

describe('masks, scans, sorting and norms', () => {
  const x = zeros([2, 3]);
  const F = nn.functional;

  it('topk names k, the dim, its size and the shape', () => {
    expect(rejects('topk', () => topk(x, 5))).toBe('topk: k = 5 is larger than dim 1 of size 3 in (2,3)');
    expect(rejects('topk', () => topk(x, 3, 0))).toBe('topk: k = 3 is larger than dim 0 of size 2 in (2,3)');
    expect(rejects('topk', () => topk(x, -1))).toBe('topk: k must be a non-negative integer, got -1');
    expect(rejects('topk', () => topk(x, 1.5))).toContain('k must be a non-negative integer, got 1.5');
    expect(rejects('topk', () => topk(x, 1, 2))).toBe(
      'topk: dim 2 is out of range for a tensor of rank 2 (expected -2..1)',
    );
    expect(rejects('topk', () => topk(tensor(1), 2))).toContain('k = 2 is larger than dim 0 of size 1 in ()');
  });

  it('sort and cumsum reject dims out of range, a 0-d tensor counting as one dim', () => {
    expect(rejects('sort', () => sort(x, -3))).toBe(
      'sort: dim -3 is out of range for a tensor of rank 2 (expected -2..1)',
    );
    expect(rejects('sort', () => sort(tensor(1), 1))).toContain('dim 1 is out of range for a tensor of rank 1');
    expect(rejects('cumsum', () => cumsum(x, 2))).toContain('dim 2 is out of range for a tensor of rank 2');
    expect(rejects('cumsum', () => cumsum(tensor(1), -2))).toContain('dim -2 is out of range');
  });

  it('maskedFill needs a bool mask that broadcasts, and a value the dtype can hold', () => {
    expect(rejects('maskedFill', () => maskedFill(x, ones([3]), 0))).toBe(
      'maskedFill: mask must be a bool tensor, got a float32 tensor of shape (3)',
    );
    expect(rejects('maskedFill', () => maskedFill(x, ones([2], { dtype: 'bool' }), 0))).toContain(
      'shapes (2) and (2,3) cannot be broadcast',
    );
    expect(rejects('maskedFill', () => maskedFill(x, ones([3], { dtype: 'bool' }), ones([1])))).toBe(
      'maskedFill: value must be a number or a 0-d tensor, got a tensor of shape (1)',
    );
    const ints = zeros([3], { dtype: 'int32' });
    expect(rejects('maskedFill', () => maskedFill(ints, ones([3], { dtype: 'bool' }), -Infinity))).toBe(
      "maskedFill: the input's dtype int32 cannot hold the value -Infinity",
    );
  });

  it('tril and triu need matrices and an integer diagonal', () => {
    expect(rejects('tril', () => tril(zeros([3])))).toBe(
      'tril: input must have at least 2 dims (..., rows, cols), got shape (3)',
    );
    expect(rejects('triu', () => triu(tensor(1)))).toContain('at least 2 dims (..., rows, cols), got shape ()');
    expect(rejects('triu', () => triu(x, 0.5))).toBe('triu: diagonal must be an integer, got 0.5');
  });

  it('norm and normalize name the unsupported order; the Infinity norm has no empty reduction', () => {
    for (const p of [0, -1, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(rejects('norm', () => norm(x, p))).toBe(
        `norm: p = ${p} is not supported: expected a number > 0, or Infinity`,
      );
      expect(rejects('normalize', () => F.normalize(x, p))).toContain(`p = ${p} is not supported`);
    }
    expect(rejects('norm', () => norm(zeros([0, 3]), Infinity, 0))).toBe(
      'norm: cannot take the Infinity norm over dim 0 of size 0 in (0,3): max has no identity',
    );
    expect(rejects('norm', () => norm(x, 2, [1, -1]))).toContain('appears more than once');
    expect(rejects('normalize', () => F.normalize(zeros([3])))).toContain(
      'dim 1 is out of range for a tensor of rank 1',
    );
  });

  it('outer takes vectors; cosineSimilarity names both shapes and checks dim in the broadcast shape', () => {
    expect(rejects('outer', () => outer(x, zeros([3])))).toBe('outer: expected two 1-d vectors, got (2,3) and (3)');
    expect(rejects('cosineSimilarity', () => F.cosineSimilarity(x, zeros([4])))).toContain(
      'shapes (2,3) and (4) cannot be broadcast',
    );
    expect(rejects('cosineSimilarity', () => F.cosineSimilarity(zeros([3]), zeros([3])))).toContain(
      'dim 1 is out of range for a tensor of rank 1',
    );
  });
});

describe('autograd misuse', () => {
  it('in-place ops on a leaf that requires grad need noGrad', () => {
    const w = ones([3], { requiresGrad: true });
    expect(rejects('add_', () => w.add_(1))).toContain('wrap the update in noGrad');
    expect(rejects('copy_', () => w.copy_(zeros([3])))).toContain('leaf tensor that requires grad');
    noGrad(() => w.sub_(ones([3]), 0.5));
    expect(Array.from(w.data)).toEqual([0.5, 0.5, 0.5]);
  });

  it('in-place ops on a tensor in the graph are refused', () => {
    const y = ones([3], { requiresGrad: true }).mul(2);
    expect(rejects('mul_', () => y.mul_(3))).toContain('part of an autograd graph');
  });

  /** A gradient that autograd would compute from stale values must fail at backward instead. */
  function staleInput(modify: (saved: Tensor) => void): () => void {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const a = tensor([4, 5, 6]);
    const y = mul(x, a).sum();
    modify(a);
    return () => y.backward();
  }

  it('modifying an input that a gradient needs makes backward throw, not return a wrong gradient', () => {
    for (const modify of [
      (a: Tensor) => a.mul_(2),
      (a: Tensor) => a.zero_(),
      (a: Tensor) => a.copy_(tensor([0, 0, 0])),
      (a: Tensor) => a.clamp_(0, 1),
      (a: Tensor) => reshape(a, [3, 1]).add_(1), // through a view sharing the storage
    ]) {
      expect(rejects('backward', staleInput(modify))).toContain(
        'needed to compute the gradient of mul was modified by an in-place operation',
      );
    }
  });

  it('modifying a saved output through detach() makes backward throw', () => {
    const x = tensor([0.5, 1], { requiresGrad: true });
    const y = x.exp(); // its gradient reads y
    const loss = y.sum();
    y.detach().mul_(0);
    expect(rejects('backward', () => loss.backward())).toContain('gradient of exp was modified');
  });

  it('modifying an index tensor that a gradient needs makes backward throw', () => {
    const x = randn([3, 4], { requiresGrad: true });
    const index = i32([
      [0, 1],
      [2, 3],
    ]);
    const loss = gather(x, 1, index).sum();
    noGrad(() => index.add_(1));
    expect(rejects('backward', () => loss.backward())).toContain('gradient of gather was modified');
  });

  it('an unmodified graph still gives the right gradient (control for the tests above)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    mul(x, tensor([4, 5, 6]))
      .sum()
      .backward();
    expect(Array.from(x.grad?.data ?? [])).toEqual([4, 5, 6]);
  });

  it('a second backward needs retainGraph on the first', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(rejects('backward', () => y.backward())).toContain('backward through the graph a second time');
    const w = tensor([1, 2], { requiresGrad: true });
    const z = w.mul(3).sum();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(Array.from(w.grad?.data ?? [])).toEqual([6, 6]);
  });

  it('backward and grad explain what is missing', () => {
    expect(rejects('backward', () => zeros([2]).sum().backward())).toContain('does not require grad');
    const x = ones([2], { requiresGrad: true });
    expect(rejects('backward', () => x.mul(2).backward())).toContain(
      'grad can be implicitly created only for scalar outputs; got shape (2)',
    );
    expect(rejects('backward', () => x.mul(2).backward(ones([3])))).toContain(
      'gradient shape (3) does not match the output shape (2)',
    );
    const unused = ones([1], { requiresGrad: true });
    expect(rejects('grad', () => grad(x.sum(), [x, unused]))).toContain('input 1 was not used');
    expect(rejects('requiresGrad_', () => zeros([2], { dtype: 'int32' }).requiresGrad_())).toContain(
      'only floating-point tensors can require gradients',
    );
  });

  it('hooks refuse tensors without gradients and replacements of the wrong shape', () => {
    expect(rejects('registerHook', () => zeros([2, 3]).registerHook((g) => g))).toContain(
      'cannot register a hook on a tensor of shape (2,3) that does not require grad',
    );
    const w = ones([3], { requiresGrad: true });
    w.registerHook(() => ones([2]));
    expect(rejects('registerHook', () => w.mul(2).sum().backward())).toContain(
      'a hook returned a float32 tensor of shape (2) for a gradient that is a float32 tensor of shape (3)',
    );
  });
});

describe('normalization and channel dropout', () => {
  it('name the channels, groups and shapes', () => {
    expect(rejects('GroupNorm', () => new nn.GroupNorm(4, 6))).toContain('6 channels cannot be split into 4 groups');
    expect(rejects('groupNorm', () => nn.functional.groupNorm(ones([2, 6]), 4))).toContain(
      '6 channels of input (2,6) cannot be split into 4 groups',
    );
    expect(rejects('instanceNorm', () => nn.functional.instanceNorm(ones([2, 3, 4]), ones([2]), ones([3])))).toContain(
      'running_mean must have shape (3) for input (2,3,4), got (2)',
    );
    expect(rejects('InstanceNorm1d', () => new nn.InstanceNorm1d(3).forward(ones([2, 3, 4, 5])))).toContain(
      'got 4D input of shape (2,3,4,5)',
    );
    expect(rejects('dropout1d', () => nn.functional.dropout1d(ones([4])))).toContain('got 1D input of shape (4)');
  });
});

describe('huge shapes', () => {
  it('are rejected before anything is allocated', () => {
    const before = process.memoryUsage().arrayBuffers;
    expect(rejects('zeros', () => zeros([1e6, 1e6]))).toBe(
      'zeros: shape (1000000,1000000) has 1000000000000 elements, more than the limit of 2147483647',
    );
    expect(rejects('full', () => full([1e5, 1e5], 1))).toContain('more than the limit');
    expect(rejects('randn', () => randn([1e6, 1e6]))).toContain('more than the limit');
    expect(rejects('eye', () => eye(1e6))).toContain('more than the limit');
    expect(rejects('arange', () => arange(0, 1e12))).toContain('more than the limit');
    expect(rejects('zeros', () => zeros([-1, 2]))).toContain('sizes must be non-negative integers');
    const col = zeros([1e5, 1]);
    const row = zeros([1, 1e5]);
    expect(rejects('expand', () => expand(col, [1e5, 1e5]))).toContain('more than the limit');
    expect(rejects('matmul', () => matmul(col, row))).toContain('more than the limit');
    expect(rejects('add', () => add(col, row))).toContain('more than the limit');
    expect(rejects('eq', () => eq(col, row))).toContain('more than the limit');
    expect(rejects('where', () => where(col.bool(), row, 1))).toContain('more than the limit');
    expect(rejects('maskedFill', () => maskedFill(col, row.bool(), 1))).toContain('more than the limit');
    expect(rejects('cosineSimilarity', () => nn.functional.cosineSimilarity(col, row))).toContain(
      'more than the limit',
    );
    expect(rejects('repeat', () => repeat(row, [1e5, 1]))).toContain('shape (100000,100000) has 10000000000 elements');
    expect(rejects('indexSelect', () => indexSelect(row, 0, zeros([1e5], { dtype: 'int32' })))).toContain(
      'more than the limit',
    );
    expect(rejects('oneHot', () => oneHot(zeros([1e5], { dtype: 'int32' }), 1e5))).toContain('more than the limit');
    // Nothing close to the rejected sizes was allocated (the inputs above are 400 KB each).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
  });
});

describe('padding modes, interpolation and adaptive pooling', () => {
  const x3 = zeros([1, 2, 4]);
  const x4 = zeros([1, 2, 3, 4]);

  it('pad names the mode, the pads, the dim and its size', () => {
    expect(rejects('pad', () => pad(x3, [4, 1], { mode: 'reflect' }))).toBe(
      'pad: reflect padding must be smaller than the padded dim: pads (4, 1) for dim 2 of size 4 of input (1,2,4)',
    );
    expect(rejects('pad', () => pad(x3, [1, 5], { mode: 'circular' }))).toContain(
      'circular padding must be at most the padded dim (it wraps around once): pads (1, 5) for dim 2 of size 4',
    );
    expect(rejects('pad', () => pad(x3, [-2, 3], { mode: 'circular' }))).toContain(
      'circular padding must be at most the 2 entries left after cropping (it wraps around once): pads (-2, 3)',
    );
    expect(rejects('pad', () => pad(zeros([4]), [1, 1], { mode: 'replicate' }))).toBe(
      'pad: replicate padding of the last 1 dims ([1, 1]) needs a 2-d or 3-d input, got (4); only the last 1, 2 or 3 dims can be padded this way',
    );
    expect(rejects('pad', () => pad(x4, [1, 1], { mode: 'reflect' }))).toContain(
      'needs a 2-d or 3-d input, got (1,2,3,4)',
    );
    expect(
      rejects('pad', () => pad(zeros([1, 1, 1, 1, 2, 2]), [1, 1, 1, 1, 1, 1, 1, 1], { mode: 'replicate' })),
    ).toContain('only the last 1, 2 or 3 dims');
    expect(rejects('pad', () => pad(x3, [1, 1], { mode: 'reflect', value: 2 }))).toBe(
      'pad: reflect padding takes no value, got value 2',
    );
    expect(rejects('pad', () => pad(x3, [-3, -1], { mode: 'replicate' }))).toContain(
      'replicate padding would leave dim 2 empty',
    );
    expect(rejects('pad', () => pad(x3, [1, 1], { mode: 'mirror' as 'reflect' }))).toBe(
      "pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got 'mirror'",
    );
  });

  it('interpolate names the mode, the shapes and the rule', () => {
    expect(rejects('interpolate', () => interpolate(x3, { scaleFactor: 2, mode: 'bilinear' }))).toBe(
      "interpolate: mode 'bilinear' needs a 4-d (N,C,H,W) input, got (1,2,4)",
    );
    expect(rejects('interpolate', () => interpolate(x4, { size: 3, mode: 'linear' }))).toBe(
      "interpolate: mode 'linear' needs a 3-d (N,C,L) input, got (1,2,3,4)",
    );
    expect(rejects('interpolate', () => interpolate(zeros([2, 4]), { size: 3 }))).toBe(
      'interpolate: expected a 3-d (N,C,L) or 4-d (N,C,H,W) input, got (2,4)',
    );
    expect(rejects('interpolate', () => interpolate(x4, { scaleFactor: 2, alignCorners: true }))).toBe(
      "interpolate: alignCorners can only be set with the linear modes 'linear' and 'bilinear', not 'nearest'",
    );
    expect(rejects('interpolate', () => interpolate(x4, { size: 3, scaleFactor: 2 }))).toBe(
      'interpolate: give exactly one of size and scaleFactor, got both',
    );
    expect(rejects('interpolate', () => interpolate(x4, {}))).toContain('got neither');
    expect(rejects('interpolate', () => interpolate(x4, { size: [2, 3, 4] }))).toBe(
      'interpolate: size must be a number or 2 numbers, one per spatial dim of input (1,2,3,4), got [2,3,4]',
    );
    expect(rejects('interpolate', () => interpolate(x3, { scaleFactor: 0.2 }))).toBe(
      'interpolate: input and output sizes must be positive, got input (1,2,4) and output size [0]',
    );
    expect(rejects('interpolate', () => interpolate(x3, { scaleFactor: -2 }))).toContain(
      'scaleFactor must be positive and finite, got [-2]',
    );
    expect(
      rejects('interpolate', () => interpolate(zeros([1, 1, 3], { dtype: 'int32' }), { size: 5, mode: 'linear' })),
    ).toContain("mode 'linear' needs a float32 or float64 input, got int32");
  });

  it('adaptive pooling names the input and the output size', () => {
    expect(rejects('adaptiveAvgPool2d', () => adaptiveAvgPool2d(zeros([4, 4]), 2))).toBe(
      'adaptiveAvgPool2d: expected a 3-d (C,H,W) or 4-d (N,C,H,W) input, got (4,4)',
    );
    expect(rejects('adaptiveAvgPool2d', () => adaptiveAvgPool2d(x4, [0, 2]))).toBe(
      'adaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (null keeps a dim), got [0,2]',
    );
    expect(
      rejects('adaptiveMaxPool2d', () => adaptiveMaxPool2d(x4, [1, 2, 3] as unknown as [number, number])),
    ).toContain('outputSize must be a positive integer or a pair');
    expect(rejects('adaptiveMaxPool2d', () => adaptiveMaxPool2d(zeros([1, 2, 0, 3]), 1))).toBe(
      'adaptiveMaxPool2d: input (1,2,0,3) must have non-zero spatial dims',
    );
    expect(rejects('adaptiveAvgPool1d', () => adaptiveAvgPool1d(x4, 2))).toBe(
      'adaptiveAvgPool1d: expected a 2-d (C,L) or 3-d (N,C,L) input, got (1,2,3,4)',
    );
    expect(rejects('adaptiveAvgPool1d', () => adaptiveAvgPool1d(zeros([2, 3], { dtype: 'int32' }), 2))).toContain(
      'must be float32 or float64, got int32',
    );
  });
});
