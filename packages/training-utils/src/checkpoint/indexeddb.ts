/**
 * Checkpoints in the browser's IndexedDB, where they survive page reloads: save, load, list, delete, and the
 * `IndexedDBModelCheckpoint` callback. Each checkpoint is stored under its name as the same bytes a checkpoint
 * file holds (a `Uint8Array`), so it can be exported as a download or file unchanged.
 */
import { TensorError } from '@tensorloom/tensor-core';
import {
  type CheckpointInfo,
  type CheckpointParts,
  type CheckpointTargets,
  type LoadCheckpointOptions,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';
import { ModelCheckpointBase, type ModelCheckpointOptions } from './model-checkpoint';

/**
 * Where checkpoints are stored in IndexedDB. The database and object store are created on first use.
 *
 * @example
 * ```ts
 * const where: IndexedDBCheckpointOptions = { dbName: 'my-app', store: 'checkpoints' };
 * ```
 */
export interface IndexedDBCheckpointOptions {
  /** The database. Default `'tensorloom'`. */
  dbName?: string;
  /** The object store in it. Default `'checkpoints'`. */
  store?: string;
  /** The IndexedDB implementation. Default `globalThis.indexedDB` (pass `fake-indexeddb`'s in Node tests). */
  indexedDB?: IDBFactory;
}

const OP = 'IndexedDB checkpoint';

function resolve(options: IndexedDBCheckpointOptions): { factory: IDBFactory; dbName: string; store: string } {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined) {
    throw new TensorError(
      OP,
      'no IndexedDB here (globalThis.indexedDB is undefined); pass `indexedDB`, or in Node use saveCheckpointFile from @tensorloom/training-utils/node',
    );
  }
  return { factory, dbName: options.dbName ?? 'tensorloom', store: options.store ?? 'checkpoints' };
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    request.onsuccess = () => resolvePromise(request.result);
    request.onerror = () => reject(request.error ?? new TensorError(OP, 'request failed'));
  });
}

/**
 * Opens the database with the store in it: a new database gets the store when it is created; an existing one
 * without it is reopened one version up to add it (IndexedDB creates stores only during a version change).
 */
function openDatabase(factory: IDBFactory, dbName: string, store: string, version?: number): Promise<IDBDatabase> {
  return new Promise((resolvePromise, reject) => {
    const request = version === undefined ? factory.open(dbName) : factory.open(dbName, version);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
    };
    request.onerror = () => reject(request.error ?? new TensorError(OP, `cannot open database "${dbName}"`));
    request.onblocked = () => {
      // Another tab holds the database open at the old version; the open goes on once it closes.
    };
    request.onsuccess = () => {
      const db = request.result;
      // Let another page (or call) upgrade the database instead of blocking it.
      db.onversionchange = () => db.close();
      if (db.objectStoreNames.contains(store)) {
        resolvePromise(db);
        return;
      }
      const next = db.version + 1;
      db.close();
      openDatabase(factory, dbName, store, next).then(resolvePromise, reject);
    };
  });
}

/** Runs one request on the store in a transaction and waits until the transaction has committed. */
async function inStore<T>(
  options: IndexedDBCheckpointOptions,
  mode: IDBTransactionMode,
  makeRequest: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const { factory, dbName, store } = resolve(options);
  const db = await openDatabase(factory, dbName, store);
  try {
    const tx = db.transaction(store, mode);
    const done = new Promise<void>((resolvePromise, reject) => {
      tx.oncomplete = () => resolvePromise();
      tx.onabort = () => reject(tx.error ?? new TensorError(OP, 'transaction aborted'));
      tx.onerror = () => reject(tx.error ?? new TensorError(OP, 'transaction failed'));
    });
    const result = settle(makeRequest(tx.objectStore(store)));
    await Promise.all([result, done]);
    return await result;
  } finally {
    db.close();
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw new TensorError(OP, 'a checkpoint name must be a non-empty string');
  return name;
}

/**
 * Saves a checkpoint ({@link saveCheckpoint}) in IndexedDB under `name`, replacing one of that name. The write
 * is one transaction: it happens entirely or not at all.
 *
 * @param name - the checkpoint's name in the store
 * @param parts - what to save ({@link CheckpointParts})
 * @param options - database, store, IndexedDB implementation ({@link IndexedDBCheckpointOptions})
 *
 * @example
 * ```ts
 * await saveCheckpointToIndexedDB('mlp-epoch5', { model, optimizer, scheduler, generator, epoch: 5 });
 * ```
 */
export async function saveCheckpointToIndexedDB(
  name: string,
  parts: CheckpointParts,
  options: IndexedDBCheckpointOptions = {},
): Promise<void> {
  await saveCheckpointBytesToIndexedDB(checkName(name), saveCheckpoint(parts), options);
}

async function saveCheckpointBytesToIndexedDB(
  name: string,
  bytes: Uint8Array,
  options: IndexedDBCheckpointOptions,
): Promise<void> {
  await inStore(options, 'readwrite', (store) => store.put(bytes, name));
}

/**
 * Loads the checkpoint stored under `name` into `into` ({@link loadCheckpoint}).
 *
 * @returns the saved epoch (epochs completed), global step and `extra`
 * @throws TensorError - if there is no checkpoint of that name; CheckpointError - if it does not fit `into`
 *
 * @example
 * ```ts
 * const { epoch } = await loadCheckpointFromIndexedDB('mlp-epoch5', { model, optimizer, scheduler, generator });
 * ```
 */
export async function loadCheckpointFromIndexedDB(
  name: string,
  into: CheckpointTargets,
  options: IndexedDBCheckpointOptions & LoadCheckpointOptions = {},
): Promise<CheckpointInfo> {
  const value: unknown = await inStore(options, 'readonly', (store) => store.get(checkName(name)));
  if (value === undefined) {
    const { dbName, store } = resolve(options);
    throw new TensorError(OP, `no checkpoint named "${name}" in store "${store}" of database "${dbName}"`);
  }
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value;
  else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
  else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  else throw new TensorError(OP, `the entry "${name}" is not checkpoint bytes`);
  return loadCheckpoint(bytes, into, options);
}

/**
 * The names of the checkpoints in the store, sorted.
 *
 * @example
 * ```ts
 * const names = await listCheckpointsInIndexedDB(); // ['last', 'mlp-epoch5', 'mlp-epoch6']
 * ```
 */
export async function listCheckpointsInIndexedDB(options: IndexedDBCheckpointOptions = {}): Promise<string[]> {
  const keys = await inStore(options, 'readonly', (store) => store.getAllKeys());
  return keys.filter((k): k is string => typeof k === 'string').sort();
}

/**
 * Deletes the checkpoint stored under `name`; deleting one that does not exist is not an error.
 *
 * @example
 * ```ts
 * await deleteCheckpointFromIndexedDB('mlp-epoch5');
 * ```
 */
export async function deleteCheckpointFromIndexedDB(
  name: string,
  options: IndexedDBCheckpointOptions = {},
): Promise<void> {
  await inStore(options, 'readwrite', (store) => store.delete(checkName(name)));
}

/**
 * Options of {@link IndexedDBModelCheckpoint}: the name template and where to store, plus
 * {@link ModelCheckpointOptions}.
 *
 * @example
 * ```ts
 * const options: IndexedDBModelCheckpointOptions = { name: 'run1-epoch{epoch:02d}', keepLast: 2, saveLast: 'run1-last' };
 * ```
 */
export interface IndexedDBModelCheckpointOptions extends ModelCheckpointOptions, IndexedDBCheckpointOptions {
  /** Template of each checkpoint's name (see `formatCheckpointName`). Default `'ckpt-epoch{epoch:02d}'`. */
  name?: string;
}

/**
 * The browser's `ModelCheckpoint`: saves checkpoints during training to IndexedDB instead of files, with the
 * same options (`monitor`, `mode`, `saveBestOnly`, `everyNEpochs`, `keepLast`, `saveLast` — `'last'` by default
 * — and `saveWeightsOnly`), the same state, and `bestPath` naming the best checkpoint in the store.
 *
 * @example
 * ```ts
 * const ckpt = new IndexedDBModelCheckpoint({ name: 'mlp-epoch{epoch:02d}', keepLast: 2, saveLast: true });
 * await fit(model, { train, epochs: 10, optimizer, loss: mseLoss, callbacks: [ckpt] });
 * await loadCheckpointFromIndexedDB(ckpt.bestPath!, { model });
 * ```
 */
export class IndexedDBModelCheckpoint extends ModelCheckpointBase {
  private readonly storage: IndexedDBCheckpointOptions;

  /** @param options - see {@link IndexedDBModelCheckpointOptions} */
  constructor(options: IndexedDBModelCheckpointOptions = {}) {
    const last = options.saveLast ? (options.saveLast === true ? 'last' : options.saveLast) : null;
    super(options.name ?? 'ckpt-epoch{epoch:02d}', last, options);
    this.storage = { dbName: options.dbName, store: options.store, indexedDB: options.indexedDB };
  }

  protected async write(path: string, bytes: Uint8Array): Promise<void> {
    await saveCheckpointBytesToIndexedDB(path, bytes, this.storage);
  }

  protected async remove(path: string): Promise<void> {
    await deleteCheckpointFromIndexedDB(path, this.storage);
  }
}
