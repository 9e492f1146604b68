/**
 * Node-only file helpers for safetensors: reading a file, and writing one atomically so that a crash never leaves
 * a half-written checkpoint behind. The byte-level format lives in `format.ts`, which stays browser-safe.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseSafetensors, type SafetensorsContents } from './format';

/**
 * Reads and parses a safetensors file. The whole file is read into memory; tensor data are views into it.
 *
 * @param path - the file to read.
 * @returns the tensors (raw little-endian bytes) and the `__metadata__` map, as `parseSafetensors` gives them.
 * @throws SafetensorsError - if the file is not a valid safetensors file; the `fs` error (e.g. `ENOENT`) if it
 *   cannot be read.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = await readSafetensorsFile('checkpoints/model.safetensors');
 * const w = decodeTensorData(tensors.get('fc.weight')!, 'fc.weight');
 * ```
 */
export async function readSafetensorsFile(path: string): Promise<SafetensorsContents> {
  return parseSafetensors(await readFile(path));
}

/**
 * Writes a serialised safetensors file atomically (see `writeFileAtomic`).
 *
 * @param path - the file to create or replace.
 * @param bytes - the whole file, as `serializeSafetensors` returns it.
 *
 * @example
 * ```ts
 * const raw = encodeTensorData('float32', [2], new Float32Array([0.5, -1]));
 * await writeSafetensorsFile('model.safetensors', serializeSafetensors({ bias: raw }, { format: 'pt' }));
 * ```
 */
export async function writeSafetensorsFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(path, bytes);
}

/**
 * Replaces the file at `path` with `bytes` so that, whenever the process or machine stops, `path` holds either
 * the complete old contents or the complete new ones, never a mix or a truncation. The bytes go to a temporary
 * file in the same directory (rename is only atomic within one file system), which is flushed to disk, renamed
 * over `path`, and then the directory is flushed so that the rename itself survives a power cut. On failure the
 * temporary file is removed and `path` is untouched.
 *
 * Concurrent writers to the same path each use their own temporary file; the last rename wins. If `path` is a
 * symbolic link, the link itself is replaced by a regular file. The new file gets default permissions (0o666
 * less the umask), not those of the file it replaces.
 *
 * @param path - the file to create or replace; its directory must exist.
 * @param bytes - the complete new contents.
 * @throws the `fs` error of the step that failed (e.g. `ENOSPC`, `EACCES`).
 *
 * @example
 * ```ts
 * await writeFileAtomic('runs/latest.json', new TextEncoder().encode(JSON.stringify({ step: 1200 })));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  // pid + random: unique across processes and across concurrent calls within one process.
  const tempPath = join(dir, `.${basename(path)}.${process.pid}.${randomHex(6)}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tempPath, 'wx'); // 'x': never reuse (or follow a link at) an existing path
    await handle.writeFile(bytes);
    // Without this, a crash soon after the rename could leave `path` naming a file whose data never hit the disk.
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tempPath, path);
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(tempPath, { force: true }).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Error codes with which platforms refuse to open or fsync a directory (Windows, some network and virtual file
 * systems). There the rename is as durable as the platform allows, so these are not failures of the write.
 */
const UNSUPPORTED_DIRECTORY_SYNC = new Set(['EISDIR', 'EINVAL', 'ENOTSUP', 'EPERM', 'EACCES', 'EBADF']);

/** Flushes a directory's entries (here: the rename) to disk, where the platform supports it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!UNSUPPORTED_DIRECTORY_SYNC.has(errorCode(error))) throw error;
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * `bytes` random bytes as hex, from the global Web Crypto (no `node:crypto` import: the package's bundler config
 * marks only the `node:fs` and `node:path` modules external).
 */
function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}
