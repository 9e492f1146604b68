/**
 * nn modules against PyTorch: the same weights (loaded from fixtures made by test/fixtures/generate_nn.py),
 * the same inputs, the same outputs and gradients; and a PyTorch state dict that loads unchanged and is
 * written back out with identical keys and bytes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeTensorData,
  encodeTensorData,
  loadSafetensors,
  parseSafetensors,
  type RawTensor,
  saveSafetensors,
  serializeSafetensors,
  Tensor,
} from '../src/index';
import * as nn from '../src/nn/index';

function load(file: string): {
  tensors: Map<string, Tensor>;
  raw: Map<string, RawTensor>;
  metadata: Record<string, string>;
} {
  const contents = parseSafetensors(new Uint8Array(readFileSync(new URL(`./fixtures/${file}`, import.meta.url))));
  const tensors = new Map<string, Tensor>();
  for (const [name, raw] of contents.tensors) {
    const { dtype, data } = decodeTensorData(raw, name);
    tensors.set(name, new Tensor(data, raw.shape.slice(), dtype));
  }
  return { tensors, raw: contents.tensors, metadata: contents.metadata };
}

const layers = load('nn_layers.safetensors');

/** The fixture tensors under `prefix/`, keyed by the rest of their name, in file order. */
function under(prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of layers.tensors) if (name.startsWith(`${prefix}/`)) out.set(name.slice(prefix.length + 1), t);
  return out;
}

function fixture(name: string): Tensor {
  const t = layers.tensors.get(name);
  if (t === undefined) throw new Error(`fixture ${name} is missing`);
  return t;
}

interface CaseConfig {
  type: string;
  args: (number | string | number[] | null)[];
  options?: Record<string, unknown>;
  training?: boolean;
}

type AnyModule = nn.Module<Tensor[], Tensor>;

/** Builds the TS module a case describes, from the constructor arguments stored in the fixture's metadata. */
function build(config: CaseConfig): AnyModule {
  const a = config.args;
  const o = config.options ?? {};
  const n = (i: number) => a[i] as number;
  const make: Record<string, () => nn.Module> = {
    Linear: () => new nn.Linear(n(0), n(1), o),
    Bilinear: () => new nn.Bilinear(n(0), n(1), n(2), o),
    Embedding: () => new nn.Embedding(n(0), n(1), o),
    LayerNorm: () => new nn.LayerNorm(a[0] as number | number[], o),
    BatchNorm1d: () => new nn.BatchNorm1d(n(0), o),
    BatchNorm2d: () => new nn.BatchNorm2d(n(0), o),
    GroupNorm: () => new nn.GroupNorm(n(0), n(1), o),
    InstanceNorm1d: () => new nn.InstanceNorm1d(n(0), o),
    InstanceNorm2d: () => new nn.InstanceNorm2d(n(0), o),
    Dropout: () => new nn.Dropout(n(0)),
    Dropout1d: () => new nn.Dropout1d(n(0)),
    Dropout2d: () => new nn.Dropout2d(n(0)),
    Flatten: () => new nn.Flatten(),
    Unflatten: () => new nn.Unflatten(n(0), a[1] as number[]),
    ReLU: () => new nn.ReLU(),
    LeakyReLU: () => new nn.LeakyReLU(n(0)),
    ELU: () => new nn.ELU(n(0)),
    GELU: () => new nn.GELU((a[0] as 'none' | 'tanh' | undefined) ?? 'none'),
    Sigmoid: () => new nn.Sigmoid(),
    Tanh: () => new nn.Tanh(),
    Softplus: () => new nn.Softplus(n(0), n(1)),
    SiLU: () => new nn.SiLU(),
    Softmax: () => new nn.Softmax(n(0)),
    LogSoftmax: () => new nn.LogSoftmax(n(0)),
    Conv1d: () => new nn.Conv1d(n(0), n(1), n(2), o),
    Conv2d: () => new nn.Conv2d(n(0), n(1), a[2] as nn.functional.Pair, o),
    ConvTranspose2d: () => new nn.ConvTranspose2d(n(0), n(1), a[2] as nn.functional.Pair, o),
    MaxPool2d: () => new nn.MaxPool2d(a[0] as nn.functional.Pair, o),
    AvgPool2d: () => new nn.AvgPool2d(a[0] as nn.functional.Pair, o),
    AdaptiveAvgPool2d: () => new nn.AdaptiveAvgPool2d(a[0] as number | [number, number]),
    AdaptiveMaxPool2d: () => new nn.AdaptiveMaxPool2d(a[0] as number | [number, number]),
    AdaptiveAvgPool1d: () => new nn.AdaptiveAvgPool1d(n(0)),
    MaxUnpool2d: () => new nn.MaxUnpool2d(a[0] as nn.functional.Pair, o),
    Upsample: () => new nn.Upsample(o),
    UpsamplingNearest2d: () => new nn.UpsamplingNearest2d(o),
    UpsamplingBilinear2d: () => new nn.UpsamplingBilinear2d(o),
    MLP: () => new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 2)),
    CNN: () =>
      new nn.Sequential(
        new nn.Conv2d(1, 4, 3, { padding: 1 }),
        new nn.BatchNorm2d(4),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(36, 5),
      ),
  };
  const factory = make[config.type];
  if (factory === undefined) throw new Error(`no TS module for fixture type ${config.type}`);
  return factory() as AnyModule;
}

const cases = Object.keys(layers.metadata)
  .filter((k) => !k.startsWith('__'))
  .sort();

describe('nn modules match PyTorch', () => {
  it('has fixtures for every layer family', () => {
    const types = new Set(cases.map((c) => (JSON.parse(layers.metadata[c]) as CaseConfig).type));
    const families = ['Linear', 'Bilinear', 'Conv1d', 'Conv2d', 'ConvTranspose2d', 'MaxPool2d', 'AvgPool2d'];
    families.push('Embedding', 'LayerNorm', 'BatchNorm1d', 'BatchNorm2d', 'GELU', 'MLP', 'CNN');
    families.push('GroupNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'Dropout1d', 'Dropout2d');
    families.push('Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d');
    families.push('AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveMaxPool2d', 'MaxUnpool2d');
    for (const t of families) {
      expect(types.has(t)).toBe(true);
    }
  });

  it.each(cases)('%s', (name) => {
    const config = JSON.parse(layers.metadata[name]) as CaseConfig;
    const module = build(config);
    const float64 = config.options?.dtype === 'float64';
    const tol = float64 ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 2e-5 };

    module.loadStateDict(under(`${name}/state`));
    module.train(config.training ?? true);

    const inputNames = layers.tensors.has(`${name}/input`) ? ['input'] : ['input1', 'input2'];
    const inputs = inputNames.map((k) => {
      const t = fixture(`${name}/${k}`);
      return t.dtype === 'int32' ? t : t.clone().requiresGrad_();
    });
    const out = module.forward(...inputs);
    expect(out).toBeAllclose(fixture(`${name}/output`), tol);

    out
      .mul(fixture(`${name}/grad_output`))
      .sum()
      .backward();
    const params = new Map(module.namedParameters());
    const grads = under(`${name}/grad`);
    expect(new Set([...grads.keys()].filter((k) => !k.startsWith('input')))).toEqual(new Set(params.keys()));
    for (const [key, expected] of grads) {
      const i = inputNames.indexOf(key);
      const actual = i >= 0 ? inputs[i].grad : params.get(key)!.grad;
      expect(actual, `gradient of ${key}`).not.toBeNull();
      expect(actual!, `gradient of ${key}`).toBeAllclose(expected, tol);
    }

    // Running statistics after the step (and everything else unchanged), under PyTorch's keys and order.
    const after = under(`${name}/state_after`);
    const state = module.stateDict();
    expect(new Set(state.keys())).toEqual(new Set(after.keys()));
    for (const [key, expected] of after) expect(state.get(key)!, `state ${key}`).toBeAllclose(expected, tol);
  });
});

describe('a PyTorch state dict round-trips', () => {
  const file = load('nn_model_state.safetensors');
  const makeModel = () =>
    new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 3));

  it("has PyTorch's keys in PyTorch's order", () => {
    expect([...makeModel().stateDict().keys()]).toEqual(JSON.parse(file.metadata.keys));
  });

  it('loads unchanged and computes what PyTorch computed', () => {
    const model = makeModel();
    expect(model.loadStateDict(file.tensors)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const bn = model.at(1) as nn.BatchNorm1d;
    expect(bn.num_batches_tracked!.item()).toBe(3);
    model.eval();
    expect(model.forward(fixture('model/input'))).toBeAllclose(fixture('model/output'), { rtol: 1e-5, atol: 1e-6 });
  });

  it('writes back out with identical keys, dtypes, shapes and bytes', () => {
    const model = makeModel();
    model.loadStateDict(file.tensors);
    const raw = new Map<string, RawTensor>();
    for (const [key, t] of model.stateDict()) {
      const fileDtype = t instanceof nn.Buffer ? t.safetensorsDtype : undefined;
      raw.set(key, encodeTensorData(t.dtype, t.shape, t.data, fileDtype));
    }
    const written = parseSafetensors(serializeSafetensors(raw, file.metadata));
    expect([...written.tensors.keys()].sort()).toEqual([...file.raw.keys()].sort());
    expect(written.metadata).toEqual(file.metadata);
    for (const [key, original] of file.raw) {
      const copy = written.tensors.get(key)!;
      expect(copy.dtype, key).toBe(original.dtype);
      expect(copy.shape, key).toEqual(original.shape);
      expect(Buffer.from(copy.data).equals(Buffer.from(original.data)), `bytes of ${key}`).toBe(true);
    }
    expect(written.tensors.get('1.num_batches_tracked')!.dtype).toBe('I64');
  });

  it('round-trips through loadSafetensors/saveSafetensors too', () => {
    const bytes = new Uint8Array(readFileSync(new URL('./fixtures/nn_model_state.safetensors', import.meta.url)));
    const model = makeModel();
    model.loadStateDict(loadSafetensors(bytes).tensors);
    const written = parseSafetensors(saveSafetensors(model.stateDict(), file.metadata));
    for (const [key, original] of file.raw) {
      const copy = written.tensors.get(key)!;
      expect(copy.dtype, key).toBe(original.dtype);
      expect(Buffer.from(copy.data).equals(Buffer.from(original.data)), `bytes of ${key}`).toBe(true);
    }
  });
});
