import {
  Generator,
  nn,
  parseSafetensors,
  type RawTensor,
  randn,
  SafetensorsError,
  serializeSafetensors,
  type Tensor,
  TensorError,
} from '@tensorloom/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  makeData,
  makeSetup,
  modelBytes,
  optimizerBytes,
  type Setup,
  trainEpoch,
} from '../../test/helpers/checkpoint-setup';
import { ReduceLROnPlateau } from '../optim/lr-scheduler';
import { SGD } from '../optim/sgd';
import type { Callback, JsonValue } from '../training/callback';
import {
  CHECKPOINT_METADATA_KEY,
  CheckpointError,
  type CheckpointParts,
  loadCheckpoint,
  readCheckpointMetadata,
  saveCheckpoint,
} from './checkpoint';
import { crc32 } from './crc32';
import { parseExact, stringifyExact } from './json';

/** A trained setup (two epochs, so Adam, BatchNorm, the scheduler and the generator all have moved). */
function trained(seed = 1): Setup {
  const s = makeSetup(seed);
  const data = makeData();
  trainEpoch(s, data, 0);
  trainEpoch(s, data, 1);
  return s;
}

/**
 * Re-serialises file contents with the checksum recomputed the documented way (the metadata JSON's `checksum`
 * field, if any, replaced), to build files whose only fault is the one a test puts in.
 */
function withChecksum(contents: { tensors: Map<string, RawTensor>; metadata: Record<string, string> }): Uint8Array {
  const text = contents.metadata[CHECKPOINT_METADATA_KEY].replace(/,"checksum":"[^"]*"\}$/, '}');
  const utf8 = new TextEncoder();
  let c = 0;
  for (const name of [...contents.tensors.keys()].sort()) {
    const r = contents.tensors.get(name) as RawTensor;
    c = crc32(utf8.encode(`${name}\0${r.dtype}\0${r.shape.join(',')}\0`), c);
    c = crc32(r.data, c);
  }
  c = crc32(utf8.encode(text), c);
  const sum = `crc32:${c.toString(16).padStart(8, '0')}`;
  return serializeSafetensors(contents.tensors, {
    [CHECKPOINT_METADATA_KEY]: `${text.slice(0, -1)},"checksum":"${sum}"}`,
  });
}

function partsOf(s: Setup, extra: Partial<CheckpointParts> = {}): CheckpointParts {
  return {
    model: s.model,
    optimizer: s.optimizer,
    scheduler: s.scheduler,
    generator: s.generator,
    callbacks: [s.tracker],
    epoch: 2,
    globalStep: 10,
    ...extra,
  };
}

function intoOf(s: Setup) {
  return {
    model: s.model,
    optimizer: s.optimizer,
    scheduler: s.scheduler,
    generator: s.generator,
    callbacks: [s.tracker],
  };
}

/** Everything a checkpoint restores, in comparable form. */
function snapshot(s: Setup): unknown {
  return {
    model: modelBytes(s.model),
    optimizer: optimizerBytes(s.optimizer),
    scheduler: s.scheduler.stateDict(),
    lr: s.optimizer.paramGroups.map((g) => g.lr),
    generator: s.generator.getState(),
    tracker: s.tracker.stateDict(),
  };
}

describe('saveCheckpoint / loadCheckpoint: round trip', () => {
  it('restores parameters, buffers, optimizer state bit for bit, scheduler, generator and callback state', () => {
    const a = trained(1);
    const bytes = saveCheckpoint(partsOf(a, { extra: { note: 'hello', lrs: [1, 2] } }));
    const b = makeSetup(99); // fresh objects with other weights, another seed, no optimizer state
    expect(snapshot(b)).not.toEqual(snapshot(a));

    const info = loadCheckpoint(bytes, intoOf(b));

    expect(info).toEqual({ epoch: 2, globalStep: 10, extra: { note: 'hello', lrs: [1, 2] } });
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(b.scheduler.getLastLr()).toEqual(a.scheduler.getLastLr());
    // The generator draws the same next numbers.
    expect(Array.from({ length: 5 }, () => b.generator.nextUint32())).toEqual(
      Array.from({ length: 5 }, () => a.generator.nextUint32()),
    );
    expect(b.tracker.epochs).toBe(2);
    expect(b.tracker.history).toEqual(a.tracker.history);
  });

  it('writes the documented layout: model.*, optimizer.state.<i>.<name>, one metadata entry', () => {
    const a = trained(1);
    const { tensors, metadata } = parseSafetensors(saveCheckpoint(partsOf(a)));
    expect(Object.keys(metadata)).toEqual([CHECKPOINT_METADATA_KEY]);
    const names = [...tensors.keys()].sort();
    expect(names).toContain('model.0.weight');
    expect(names).toContain('model.1.running_mean');
    expect(names).toContain('optimizer.state.0.exp_avg');
    expect(names).toContain('optimizer.state.5.exp_avg_sq');
    // BatchNorm's counter keeps PyTorch's I64 file dtype.
    expect(tensors.get('model.1.num_batches_tracked')?.dtype).toBe('I64');
    const meta = readCheckpointMetadata(saveCheckpoint(partsOf(a)));
    expect(meta).toMatchObject({ format: 'tensorloom-checkpoint', version: 1, epoch: 2, globalStep: 10 });
    expect(meta.modelKeys).toEqual([...a.model.stateDict().keys()]);
    expect(meta.optimizer?.state['0']).toEqual({ step: 10 });
    expect(meta.optimizer?.param_shapes[0]).toEqual([16, 4]);
    expect(meta.scheduler).toEqual(a.scheduler.stateDict());
    expect(meta.generator).toEqual(a.generator.getState());
    expect(meta.callbacks).toEqual({ LossTracker: a.tracker.stateDict() });
  });

  it('keeps Infinity and NaN in JSON state (ReduceLROnPlateau starts with best = Infinity)', () => {
    const model = new nn.Linear(2, 2);
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const plateau = new ReduceLROnPlateau(opt);
    const bytes = saveCheckpoint({
      model,
      optimizer: opt,
      scheduler: plateau,
      extra: { nan: Number.NaN, negZero: -0 },
    });
    const model2 = new nn.Linear(2, 2);
    const opt2 = new SGD(model2.parameters(), { lr: 0.5 });
    const plateau2 = new ReduceLROnPlateau(opt2);
    plateau2.best = 3;
    const { extra } = loadCheckpoint(bytes, { model: model2, optimizer: opt2, scheduler: plateau2 });
    expect(plateau2.best).toBe(Infinity);
    expect(opt2.paramGroups[0].lr).toBe(0.1);
    expect(extra).toEqual({ nan: Number.NaN, negZero: -0 });
    expect(Object.is((extra as { negZero: number }).negZero, -0)).toBe(true);
  });

  it('round-trips any JSON-safe value through the exact JSON (property)', () => {
    const special = fc.constantFrom(Infinity, -Infinity, Number.NaN, -0);
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.double(),
        special,
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        expect(parseExact(stringifyExact(v, 'test'))).toEqual(v);
      }),
    );
  });

  it('saves a weights-only checkpoint, which loads into a model alone', () => {
    const a = trained(1);
    const bytes = saveCheckpoint({ model: a.model });
    const b = makeSetup(5);
    expect(loadCheckpoint(bytes, { model: b.model })).toEqual({ epoch: 0, globalStep: 0, extra: null });
    expect(modelBytes(b.model)).toEqual(modelBytes(a.model));
  });

  it('refuses to restore a training setup from a weights-only checkpoint unless strict is off', () => {
    const a = trained(1);
    const bytes = saveCheckpoint({ model: a.model });
    const b = makeSetup(5);
    const before = snapshot(b);
    expect(() => loadCheckpoint(bytes, intoOf(b))).toThrow(/has no optimizer state .*saveWeightsOnly/);
    expect(snapshot(b)).toEqual(before);
    loadCheckpoint(bytes, intoOf(b), { strict: false });
    expect(modelBytes(b.model)).toEqual(modelBytes(a.model));
    expect(optimizerBytes(b.optimizer)).toEqual(before && (before as { optimizer: unknown }).optimizer);
  });

  it('saves and restores best weights of a callback that has bestWeights()/setBestWeights()', () => {
    class EarlyStopping implements Callback {
      wait = 0;
      weights: Map<string, Tensor> | null = null;
      stateDict(): JsonValue {
        return { wait: this.wait };
      }
      loadStateDict(state: JsonValue): void {
        this.wait = (state as { wait: number }).wait;
      }
      bestWeights(): Map<string, Tensor> | null {
        return this.weights;
      }
      setBestWeights(w: Map<string, Tensor> | null): void {
        this.weights = w;
      }
    }
    const a = trained(1);
    const es = new EarlyStopping();
    es.wait = 2;
    es.weights = new Map([...a.model.stateDict()].map(([k, t]) => [k, t.clone()]));
    const bytes = saveCheckpoint(partsOf(a, { callbacks: [a.tracker, es] }));
    expect(parseSafetensors(bytes).tensors.has('callback.EarlyStopping.best.0.weight')).toBe(true);

    const b = makeSetup(3);
    const es2 = new EarlyStopping();
    loadCheckpoint(bytes, { ...intoOf(b), callbacks: [b.tracker, es2] });
    expect(es2.wait).toBe(2);
    expect(es2.weights).not.toBeNull();
    const w = es2.weights as Map<string, Tensor>;
    expect([...w.keys()]).toEqual([...a.model.stateDict().keys()]);
    for (const [k, t] of a.model.stateDict()) expect(Array.from(w.get(k)?.data ?? [])).toEqual(Array.from(t.data));

    // No best weights saved: a callback holding some is reset to none.
    const none = saveCheckpoint(partsOf(a, { callbacks: [a.tracker, new EarlyStopping()] }));
    loadCheckpoint(none, { ...intoOf(b), callbacks: [b.tracker, es2] });
    expect(es2.weights).toBeNull();
  });

  it('rejects state that is not JSON-safe, and duplicate callback keys, when saving', () => {
    const a = trained(1);
    const bad: Callback = { key: 'Bad', stateDict: () => ({ t: randn([2]) }) as unknown as JsonValue };
    expect(() => saveCheckpoint(partsOf(a, { callbacks: [bad] }))).toThrow(
      /saving checkpoint: callback "Bad" state contains a Tensor at "t"/,
    );
    expect(() => saveCheckpoint(partsOf(a, { callbacks: [a.tracker, a.tracker] }))).toThrow(
      /two callbacks .*LossTracker/,
    );
    expect(() => saveCheckpoint(partsOf(a, { epoch: -1 }))).toThrow(/epoch must be a non-negative integer/);
  });
});

describe('loadCheckpoint: validation before any change', () => {
  it('reports a model of another shape with the PyTorch-style message naming the keys, model unchanged', () => {
    const a = trained(1);
    const bytes = saveCheckpoint(partsOf(a));
    const other = new nn.Sequential(
      new nn.Linear(4, 8),
      new nn.BatchNorm1d(8),
      new nn.ReLU(),
      new nn.Dropout(0.25),
      new nn.Linear(8, 3),
      new nn.Linear(3, 3),
    );
    const before = modelBytes(other);
    let error: unknown;
    try {
      loadCheckpoint(bytes, { model: other });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckpointError);
    const message = (error as Error).message;
    expect(message).toMatch(/^loading checkpoint: the model does not match the checkpoint: /);
    expect(message).toContain('Error(s) in loading state_dict for Sequential');
    expect(message).toContain('Missing key(s) in state_dict: "5.weight", "5.bias".');
    expect(message).toContain(
      'size mismatch for 0.weight: copying a param with shape (16,4) from checkpoint, the shape in current model is (8,4).',
    );
    expect(message).toContain('size mismatch for 1.running_mean');
    expect(modelBytes(other)).toEqual(before);
  });

  it('reports an optimizer with other groups or parameter shapes, leaving everything unchanged', () => {
    const a = trained(1);
    const bytes = saveCheckpoint(partsOf(a));
    const b = makeSetup(2);
    const params = [...b.model.parameters()];
    const twoGroups = new SGD([{ params: params.slice(0, 2) }, { params: params.slice(2) }], { lr: 0.1 });
    const before = snapshot(b);
    expect(() => loadCheckpoint(bytes, { ...intoOf(b), optimizer: twoGroups })).toThrow(
      /optimizer has 1 parameter group\(s\), this SGD has 2/,
    );
    const fewer = new SGD(params.slice(0, 3), { lr: 0.1 });
    expect(() => loadCheckpoint(bytes, { ...intoOf(b), optimizer: fewer })).toThrow(
      /parameter group 0 has 6 parameter\(s\) in the checkpoint, 3 in this SGD/,
    );
    const reversed = new SGD(params.slice().reverse(), { lr: 0.1 });
    expect(() => loadCheckpoint(bytes, { ...intoOf(b), optimizer: reversed })).toThrow(
      /optimizer parameter 0 has shape \(16,4\) in the checkpoint but \(3\) in this SGD/,
    );
    expect(snapshot(b)).toEqual(before);
  });

  it('rolls back callbacks and the scheduler if a callback throws while loading its state', () => {
    const a = trained(1);
    const bytes = saveCheckpoint(partsOf(a, { callbacks: [a.tracker, { key: 'Boom', stateDict: () => 1 }] }));
    const b = makeSetup(2);
    const before = snapshot(b);
    const boom: Callback = {
      key: 'Boom',
      stateDict: () => 0,
      loadStateDict: () => {
        throw new Error('boom');
      },
    };
    expect(() => loadCheckpoint(bytes, { ...intoOf(b), callbacks: [b.tracker, boom] })).toThrow(
      /loading checkpoint: restoring callback or scheduler state failed: boom/,
    );
    expect(snapshot(b)).toEqual(before);
  });

  it('rejects a safetensors file that is not a checkpoint, and unknown formats or versions', () => {
    const model = new nn.Linear(2, 2);
    const plain = serializeSafetensors(new Map(), { format: 'pt' });
    expect(() => loadCheckpoint(plain, { model })).toThrow(/not a Tensorloom checkpoint.*"tensorloom.checkpoint"/);
    const meta = (m: unknown) => serializeSafetensors(new Map(), { [CHECKPOINT_METADATA_KEY]: JSON.stringify(m) });
    expect(() => loadCheckpoint(meta({ format: 'keras', version: 1 }), { model })).toThrow(
      /unknown checkpoint format "keras"/,
    );
    expect(() => loadCheckpoint(meta({ format: 'tensorloom-checkpoint', version: 2 }), { model })).toThrow(
      /format version 2, newer than this library reads \(1\)/,
    );
    const text = serializeSafetensors(new Map(), { [CHECKPOINT_METADATA_KEY]: '{not json' });
    expect(() => loadCheckpoint(text, { model })).toThrow(/metadata is not valid JSON/);
  });

  it('turns truncated bytes into the safetensors reader error with checkpoint context', () => {
    const a = trained(1);
    const bytes = saveCheckpoint(partsOf(a));
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const cuts = [
      0,
      4,
      8,
      9,
      8 + Math.floor(headerLength / 2),
      8 + headerLength,
      8 + headerLength + 3,
      bytes.length - 1,
    ];
    for (const cut of cuts) {
      const b = makeSetup(2);
      const before = snapshot(b);
      let error: unknown;
      try {
        loadCheckpoint(bytes.slice(0, cut), intoOf(b));
      } catch (e) {
        error = e;
      }
      expect(error, `cut at ${cut}`).toBeInstanceOf(CheckpointError);
      expect((error as Error).message, `cut at ${cut}`).toMatch(/^loading checkpoint: safetensors: /);
      expect((error as Error).cause).toBeInstanceOf(SafetensorsError);
      expect(snapshot(b)).toEqual(before);
    }
  });

  it('rejects flipped bytes in the header with a clear error and never half-loads', () => {
    const a = trained(1);
    const bytes = saveCheckpoint(partsOf(a));
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    // Structural characters of the JSON, an offset digit, a dtype and a shape: each flip must be caught.
    const positions = [
      0, // the length field
      8, // the opening brace
      8 + header.indexOf('"dtype"') + 2,
      8 + header.indexOf('"F32"') + 1,
      8 + header.indexOf('data_offsets') + 15,
      8 + header.indexOf('"shape":[') + 9,
      8 + headerLength - 1, // the closing brace (or padding before it)
    ];
    for (const pos of positions) {
      const corrupted = bytes.slice();
      corrupted[pos] ^= 0x5a;
      const b = makeSetup(2);
      const before = snapshot(b);
      expect(() => loadCheckpoint(corrupted, intoOf(b)), `flip at ${pos}`).toThrow(/^loading checkpoint: /);
      expect(snapshot(b)).toEqual(before);
    }
  });

  it('detects flipped bytes in the tensor data by the checksum', () => {
    const a = trained(1);
    const bytes = saveCheckpoint(partsOf(a));
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    for (const pos of [8 + headerLength, 8 + headerLength + 101, bytes.length - 1]) {
      for (const mask of [0x01, 0x80]) {
        const corrupted = bytes.slice();
        corrupted[pos] ^= mask;
        const b = makeSetup(2);
        const before = snapshot(b);
        expect(() => loadCheckpoint(corrupted, intoOf(b)), `flip at ${pos}`).toThrow(
          /^loading checkpoint: the checkpoint is corrupted: its checksum is crc32:[0-9a-f]{8} but its contents give/,
        );
        expect(snapshot(b)).toEqual(before);
      }
    }
  });

  it('computes the checksum as documented (CRC-32 over sorted tensors, then the metadata body)', () => {
    const a = trained(1);
    const bytes = saveCheckpoint(partsOf(a));
    expect(withChecksum(parseSafetensors(bytes))).toEqual(bytes);
  });

  it('rejects metadata that contradicts the tensors', () => {
    const a = trained(1);
    const bytes = saveCheckpoint(partsOf(a));
    const { tensors, metadata } = parseSafetensors(bytes);
    const meta = JSON.parse(metadata[CHECKPOINT_METADATA_KEY]);
    const rewrite = (m: Record<string, unknown>, drop?: string) => {
      const t = new Map(tensors);
      if (drop) t.delete(drop);
      const { checksum: _, ...rest } = m;
      return withChecksum({ tensors: t, metadata: { [CHECKPOINT_METADATA_KEY]: JSON.stringify(rest) } });
    };
    const b = makeSetup(2);
    expect(() => loadCheckpoint(rewrite({ ...meta, modelKeys: meta.modelKeys.slice(1) }), intoOf(b))).toThrow(
      /malformed: the model tensors do not match the "modelKeys" list/,
    );
    expect(() => loadCheckpoint(rewrite({ ...meta, optimizer: null }), intoOf(b))).toThrow(
      /malformed: unexpected tensor "optimizer.state/,
    );
    expect(() =>
      loadCheckpoint(rewrite({ ...meta, generator: { algorithm: 'mt19937', seed: 0, words: [] } }), intoOf(b)),
    ).toThrow(/malformed: the generator state is invalid/);
    expect(() => loadCheckpoint(rewrite(meta, 'model.0.bias'), intoOf(b))).toThrow(/modelKeys/);
  });

  it('says what it needs when given something other than bytes or a model', () => {
    expect(() => loadCheckpoint('x' as unknown as Uint8Array, { model: new nn.Linear(1, 1) })).toThrow(
      /expected the checkpoint's bytes as a Uint8Array/,
    );
    expect(() => loadCheckpoint(new Uint8Array(), { model: {} as nn.Module })).toThrow(TensorError);
    expect(() => saveCheckpoint({ model: null as unknown as nn.Module })).toThrow(/`model` must be an nn.Module/);
  });

  it('restores a generator so that it continues the same stream', () => {
    const model = new nn.Linear(1, 1);
    const g = new Generator(123);
    g.nextUint32();
    const bytes = saveCheckpoint({ model, generator: g });
    const g2 = new Generator(0);
    loadCheckpoint(bytes, { model, generator: g2 });
    expect(g2.getState()).toEqual(g.getState());
  });
});

describe('crc32', () => {
  it('gives the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const all = new TextEncoder().encode('123456789');
    expect(crc32(all.subarray(4), crc32(all.subarray(0, 4)))).toBe(0xcbf43926);
  });
});
