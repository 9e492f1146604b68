import {
  checkpointToBlob,
  deleteCheckpointFromIndexedDB,
  downloadCheckpoint,
  IndexedDBModelCheckpoint,
  listCheckpointsInIndexedDB,
  loadCheckpoint,
  loadCheckpointFromIndexedDB,
  readCheckpointMetadata,
  saveCheckpoint,
  saveCheckpointToIndexedDB,
} from '@tensorloom/training-utils';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeContext, makeData, makeSetup, modelBytes, optimizerBytes, trainEpoch } from './helpers/checkpoint-setup';

function trainedSetup() {
  const s = makeSetup(1);
  trainEpoch(s, makeData(), 0);
  return s;
}

describe('IndexedDB checkpoints (fake-indexeddb)', () => {
  it('saves, lists, loads and deletes checkpoints as the same bytes', async () => {
    const indexedDB = new IDBFactory();
    const s = trainedSetup();
    const parts = { model: s.model, optimizer: s.optimizer, scheduler: s.scheduler, generator: s.generator, epoch: 1 };
    await saveCheckpointToIndexedDB('run-b', parts, { indexedDB });
    await saveCheckpointToIndexedDB('run-a', { ...parts, epoch: 2 }, { indexedDB });
    expect(await listCheckpointsInIndexedDB({ indexedDB })).toEqual(['run-a', 'run-b']);

    const fresh = makeSetup(9);
    const info = await loadCheckpointFromIndexedDB(
      'run-b',
      { model: fresh.model, optimizer: fresh.optimizer, scheduler: fresh.scheduler, generator: fresh.generator },
      { indexedDB },
    );
    expect(info.epoch).toBe(1);
    expect(modelBytes(fresh.model)).toEqual(modelBytes(s.model));
    expect(optimizerBytes(fresh.optimizer)).toEqual(optimizerBytes(s.optimizer));
    expect(fresh.generator.getState()).toEqual(s.generator.getState());

    // Stored as the checkpoint file's bytes: what is read back is exactly what saveCheckpoint gives.
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('tensorloom');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const stored = await new Promise<unknown>((resolve, reject) => {
      const r = db.transaction('checkpoints').objectStore('checkpoints').get('run-b');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    db.close();
    expect(stored).toBeInstanceOf(Uint8Array);
    expect(stored).toEqual(saveCheckpoint(parts));

    await deleteCheckpointFromIndexedDB('run-b', { indexedDB });
    await deleteCheckpointFromIndexedDB('never-saved', { indexedDB });
    expect(await listCheckpointsInIndexedDB({ indexedDB })).toEqual(['run-a']);
    await expect(loadCheckpointFromIndexedDB('run-b', { model: fresh.model }, { indexedDB })).rejects.toThrow(
      /no checkpoint named "run-b" in store "checkpoints" of database "tensorloom"/,
    );
  });

  it('replaces a checkpoint of the same name, and adds a store to an existing database', async () => {
    const indexedDB = new IDBFactory();
    const s = makeSetup(1);
    await saveCheckpointToIndexedDB('x', { model: s.model, epoch: 1 }, { indexedDB, dbName: 'app', store: 'one' });
    await saveCheckpointToIndexedDB('x', { model: s.model, epoch: 2 }, { indexedDB, dbName: 'app', store: 'one' });
    await saveCheckpointToIndexedDB('y', { model: s.model, epoch: 3 }, { indexedDB, dbName: 'app', store: 'two' });
    expect(await listCheckpointsInIndexedDB({ indexedDB, dbName: 'app', store: 'one' })).toEqual(['x']);
    expect(await listCheckpointsInIndexedDB({ indexedDB, dbName: 'app', store: 'two' })).toEqual(['y']);
    const info = await loadCheckpointFromIndexedDB('x', { model: s.model }, { indexedDB, dbName: 'app', store: 'one' });
    expect(info.epoch).toBe(2);
  });

  it('uses globalThis.indexedDB by default and says so when there is none', async () => {
    const s = makeSetup(1);
    await expect(saveCheckpointToIndexedDB('x', { model: s.model })).rejects.toThrow(/no IndexedDB here/);
    vi.stubGlobal('indexedDB', new IDBFactory());
    try {
      await saveCheckpointToIndexedDB('x', { model: s.model, epoch: 4 });
      expect(await listCheckpointsInIndexedDB()).toEqual(['x']);
    } finally {
      vi.unstubAllGlobals();
    }
    await expect(saveCheckpointToIndexedDB('', { model: s.model }, { indexedDB: new IDBFactory() })).rejects.toThrow(
      /non-empty string/,
    );
  });

  it('IndexedDBModelCheckpoint keeps the best and the newest in the store', async () => {
    const indexedDB = new IDBFactory();
    const ckpt = new IndexedDBModelCheckpoint({ indexedDB, name: 'm{epoch}', keepLast: 1, saveLast: true });
    const ctx = makeContext(makeSetup(1));
    for (const [epoch, v] of [0.5, 0.2, 0.45, 0.3].entries()) await ckpt.onEpochEnd(epoch, { val_loss: v }, ctx);
    expect(await listCheckpointsInIndexedDB({ indexedDB })).toEqual(['last', 'm2', 'm4']);
    expect(ckpt.bestPath).toBe('m2');
    const fresh = makeSetup(3);
    const info = await loadCheckpointFromIndexedDB('last', { model: fresh.model, callbacks: [] }, { indexedDB });
    expect(info.epoch).toBe(4);
    expect(new IndexedDBModelCheckpoint({ indexedDB }).lastCheckpointPath).toBeNull();
  });
});

describe('checkpointToBlob / downloadCheckpoint', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('makes a Blob of the checkpoint bytes', async () => {
    const s = trainedSetup();
    const blob = checkpointToBlob({ model: s.model, epoch: 3 });
    expect(blob.type).toBe('application/octet-stream');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect(readCheckpointMetadata(bytes).epoch).toBe(3);
    const fresh = makeSetup(2);
    loadCheckpoint(bytes, { model: fresh.model });
    expect(modelBytes(fresh.model)).toEqual(modelBytes(s.model));
  });

  it('clicks a temporary <a download> with an object URL, then removes it', async () => {
    const clicked: { href: string; download: string }[] = [];
    const appended: unknown[] = [];
    const anchor = {
      href: '',
      download: '',
      style: { display: '' },
      click() {
        clicked.push({ href: this.href, download: this.download });
      },
      remove() {
        appended.splice(appended.indexOf(this), 1);
      },
    };
    vi.stubGlobal('document', {
      createElement: (tag: string) => (tag === 'a' ? anchor : null),
      body: { appendChild: (el: unknown) => appended.push(el) },
    });
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:fake/1';
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    vi.useFakeTimers();
    try {
      const s = makeSetup(1);
      downloadCheckpoint({ model: s.model, epoch: 5 }, 'mlp-epoch5.safetensors');
      expect(clicked).toEqual([{ href: 'blob:fake/1', download: 'mlp-epoch5.safetensors' }]);
      expect(appended).toEqual([]);
      expect(revoke).not.toHaveBeenCalled();
      vi.runAllTimers();
      expect(revoke).toHaveBeenCalledWith('blob:fake/1');
      expect(readCheckpointMetadata(new Uint8Array(await blobs[0].arrayBuffer())).epoch).toBe(5);
    } finally {
      vi.useRealTimers();
      create.mockRestore();
      revoke.mockRestore();
    }
  });

  it('throws a clear error outside a page', () => {
    expect(() => downloadCheckpoint({ model: makeSetup(1).model })).toThrow(/needs a browser page.*saveCheckpointFile/);
  });
});
