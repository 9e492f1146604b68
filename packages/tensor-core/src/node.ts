/**
 * The `@tensorloom/tensor-core/node` entry point: helpers that need Node's file system, kept out of the main
 * entry so that it stays browser-safe.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './safetensors/node-io';
import type { LoadedSafetensors } from './safetensors/tensors';
import { loadSafetensors, saveSafetensors } from './safetensors/tensors';
import type { Tensor } from './tensor';

export { readSafetensorsFile, writeFileAtomic, writeSafetensorsFile } from './safetensors/node-io';

/**
 * Loads named tensors from a `.safetensors` file.
 *
 * @example
 * ```ts
 * const { tensors } = await loadSafetensorsFile('model.safetensors');
 * model.loadStateDict(tensors);
 * ```
 */
export async function loadSafetensorsFile(path: string): Promise<LoadedSafetensors> {
  return loadSafetensors(new Uint8Array(await readFile(path)));
}

/**
 * Saves named tensors to a `.safetensors` file atomically: a crash mid-save leaves the previous file intact.
 *
 * @example
 * ```ts
 * await saveSafetensorsFile('model.safetensors', model.stateDict(), { epoch: '3' });
 * ```
 */
export async function saveSafetensorsFile(
  path: string,
  tensors: Record<string, Tensor> | Map<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, saveSafetensors(tensors, metadata));
}
