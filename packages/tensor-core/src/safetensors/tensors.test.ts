import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arange, loadSafetensors, randn, SafetensorsError, saveSafetensors, tensor } from '../index';
import { loadSafetensorsFile, saveSafetensorsFile } from '../node';

describe('tensor-level safetensors', () => {
  it('round-trips every dtype, shape and the metadata', () => {
    const src = {
      w: randn([3, 4]),
      d: randn([2], { dtype: 'float64' }),
      i: arange(5),
      b: tensor([true, false, true]),
      s: tensor(7),
      e: randn([0, 3]),
    };
    const bytes = saveSafetensors(src, { format: 'pt' });
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(src).sort());
    for (const [k, t] of Object.entries(src)) {
      expect(tensors[k].dtype).toBe(t.dtype);
      expect(tensors[k].shape).toEqual(t.shape);
      expect(Array.from(tensors[k].data)).toEqual(Array.from(t.data));
    }
  });

  it('keeps I64 entries I64 when written back', () => {
    const t = tensor(3, { dtype: 'int32' }) as ReturnType<typeof tensor> & { safetensorsDtype?: string };
    t.safetensorsDtype = 'I64';
    const bytes = saveSafetensors({ n: t });
    const again = saveSafetensors(loadSafetensors(bytes).tensors);
    expect(again).toEqual(bytes);
    expect(new TextDecoder().decode(bytes)).toContain('"I64"');
  });

  it('rejects a corrupt file with a SafetensorsError', () => {
    const bytes = saveSafetensors({ w: randn([4]) });
    expect(() => loadSafetensors(bytes.subarray(0, bytes.length - 1))).toThrow(SafetensorsError);
  });

  it('saves and loads files atomically in Node', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tl-st-'));
    try {
      const path = join(dir, 'm.safetensors');
      await saveSafetensorsFile(path, { a: tensor([1, 2, 3]) }, { note: 'x' });
      const { tensors, metadata } = await loadSafetensorsFile(path);
      expect(tensors.a.toArray()).toEqual([1, 2, 3]);
      expect(metadata.note).toBe('x');
      expect((await readFile(path)).length).toBeGreaterThan(8);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
