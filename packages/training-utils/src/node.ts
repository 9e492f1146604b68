/**
 * The `@tensorloom/training-utils/node` entry point: what needs Node's file system — checkpoint files and the
 * `ModelCheckpoint` callback — kept out of the main entry so that it stays browser-safe.
 *
 * @packageDocumentation
 */
export type { ModelCheckpointFileOptions } from './checkpoint/node';
export {
  loadCheckpointFile,
  ModelCheckpoint,
  removeStaleCheckpointTempFiles,
  saveCheckpointFile,
} from './checkpoint/node';
