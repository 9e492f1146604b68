import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as nodeEntry from '../node';
import { encodeTensorData, parseSafetensors, SafetensorsError, serializeSafetensors } from './format';
import { readSafetensorsFile, writeFileAtomic, writeSafetensorsFile } from './node-io';

/**
 * Faults to inject into the file handles node-io opens: real failures of these steps (a full disk, a dying
 * drive) cannot be produced on demand, so `open` is wrapped to make the chosen step fail.
 */
const faults = vi.hoisted(() => ({
  /** Make writing the temporary file fail after half of the bytes are written, like ENOSPC. */
  write: false,
  /** Make fsync of the temporary file fail, like EIO. */
  sync: false,
  /** Make fsync of a directory fail with this code. */
  directorySync: undefined as string | undefined,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (code: string) => Object.assign(new Error(`${code}: injected failure`), { code });
  const open: typeof real.open = async (path, flags, mode) => {
    const handle = await real.open(path, flags, mode);
    if (flags === 'r' && faults.directorySync !== undefined) {
      const code = faults.directorySync;
      handle.sync = async () => {
        throw fail(code);
      };
    }
    if (flags === 'wx' && faults.write) {
      handle.writeFile = async (data) => {
        const bytes = data as Uint8Array;
        await handle.write(bytes, 0, Math.floor(bytes.length / 2));
        throw fail('ENOSPC');
      };
    }
    if (flags === 'wx' && faults.sync) {
      handle.sync = async () => {
        throw fail('EIO');
      };
    }
    return handle;
  };
  return { ...real, open };
});

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tensorloom-node-io-'));
});

afterEach(async () => {
  faults.write = false;
  faults.sync = false;
  faults.directorySync = undefined;
  await rm(dir, { recursive: true, force: true });
});

function sampleFile(value: number): Uint8Array {
  return serializeSafetensors(
    { weight: encodeTensorData('float32', [2, 2], new Float32Array([value, 1, 2, 3])) },
    { step: String(value) },
  );
}

describe('readSafetensorsFile / writeSafetensorsFile', () => {
  it('round-trips a file through disk, leaving only the file behind', async () => {
    const path = join(dir, 'model.safetensors');
    const bytes = sampleFile(0.5);
    await writeSafetensorsFile(path, bytes);
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    const contents = await readSafetensorsFile(path);
    expect(contents).toEqual(parseSafetensors(bytes));
    expect(contents.metadata).toEqual({ step: '0.5' });
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('reports invalid files as SafetensorsError and missing ones as the fs error', async () => {
    const path = join(dir, 'bad.safetensors');
    await writeFile(path, new Uint8Array([1, 2, 3]));
    await expect(readSafetensorsFile(path)).rejects.toBeInstanceOf(SafetensorsError);
    await expect(readSafetensorsFile(join(dir, 'missing.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is what the @tensorloom/tensor-core/node entry point exports', () => {
    expect(Object.keys(nodeEntry).sort()).toEqual(['readSafetensorsFile', 'writeFileAtomic', 'writeSafetensorsFile']);
    expect(nodeEntry.readSafetensorsFile).toBe(readSafetensorsFile);
    expect(nodeEntry.writeFileAtomic).toBe(writeFileAtomic);
    expect(nodeEntry.writeSafetensorsFile).toBe(writeSafetensorsFile);
  });
});

describe('writeFileAtomic', () => {
  it('creates a new file and replaces an existing one', async () => {
    const path = join(dir, 'f.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(path, new Uint8Array([4, 5]));
    expect([...(await readFile(path))]).toEqual([4, 5]);
    expect(await readdir(dir)).toEqual(['f.bin']);
  });

  it('keeps the old file and removes the temporary one when writing the bytes fails', async () => {
    const path = join(dir, 'model.safetensors');
    const old = sampleFile(1);
    await writeFileAtomic(path, old);
    faults.write = true;
    await expect(writeSafetensorsFile(path, sampleFile(2))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(new Uint8Array(await readFile(path))).toEqual(old);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('keeps the old file and removes the temporary one when fsync fails', async () => {
    const path = join(dir, 'model.safetensors');
    const old = sampleFile(1);
    await writeFileAtomic(path, old);
    faults.sync = true;
    await expect(writeFileAtomic(path, sampleFile(2))).rejects.toMatchObject({ code: 'EIO' });
    expect(new Uint8Array(await readFile(path))).toEqual(old);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('removes the temporary file when the rename fails (the target is a non-empty directory)', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    await expect(writeFileAtomic(path, new Uint8Array([1]))).rejects.toHaveProperty('code');
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readdir(path)).toEqual(['inside']);
  });

  it('fails without creating anything when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'no', 'f.bin'), new Uint8Array([1]))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('ignores platforms that cannot fsync a directory, but reports real directory fsync failures', async () => {
    const path = join(dir, 'f.bin');
    faults.directorySync = 'EINVAL';
    await writeFileAtomic(path, new Uint8Array([1]));
    expect([...(await readFile(path))]).toEqual([1]);

    faults.directorySync = 'EIO';
    await expect(writeFileAtomic(path, new Uint8Array([2]))).rejects.toMatchObject({ code: 'EIO' });
    // The rename happened; only its durability is in doubt, which is what the error says.
    expect([...(await readFile(path))]).toEqual([2]);
    expect(await readdir(dir)).toEqual(['f.bin']);
  });

  it('leaves one complete version when writers race on the same path', async () => {
    const path = join(dir, 'model.safetensors');
    const versions = Array.from({ length: 8 }, (_, i) => sampleFile(i));
    await Promise.all(versions.map((bytes) => writeFileAtomic(path, bytes)));
    const final = new Uint8Array(await readFile(path));
    expect(versions.some((v) => v.length === final.length && v.every((b, i) => b === final[i]))).toBe(true);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });
});
