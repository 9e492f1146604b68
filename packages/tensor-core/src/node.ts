/**
 * The `@tensorloom/tensor-core/node` entry point: helpers that need Node's file system, kept out of the main
 * entry so that it stays browser-safe.
 */
export { readSafetensorsFile, writeFileAtomic, writeSafetensorsFile } from './safetensors/node-io';
