/**
 * Checkpoints in the browser as downloads: a Blob of the checkpoint file, and a helper that makes the browser
 * save it. (IndexedDB storage is in `indexeddb.ts`.)
 */
import { TensorError } from '@tensorloom/tensor-core';
import { type CheckpointParts, saveCheckpoint } from './checkpoint';

/** The media type checkpoint Blobs are given (safetensors has none registered). */
const MEDIA_TYPE = 'application/octet-stream';

/** How long the download's object URL stays valid: long enough for every browser to start the download. */
const REVOKE_AFTER_MS = 30_000;

/**
 * A checkpoint ({@link saveCheckpoint}) as a Blob, e.g. to upload with `fetch` or offer as a download.
 *
 * @example
 * ```ts
 * const blob = checkpointToBlob({ model, optimizer, epoch: 5 });
 * await fetch('/api/checkpoints', { method: 'POST', body: blob });
 * ```
 */
export function checkpointToBlob(parts: CheckpointParts): Blob {
  // Copy into an ArrayBuffer-backed array: Blob's types reject views of a possibly shared buffer.
  const bytes = saveCheckpoint(parts);
  return new Blob([new Uint8Array(bytes)], { type: MEDIA_TYPE });
}

/**
 * Makes the browser download a checkpoint as `filename`: creates an object URL for
 * {@link checkpointToBlob}'s Blob, clicks a temporary `<a download>` element, removes it, and revokes the URL
 * a little later.
 *
 * @param parts - what to save ({@link CheckpointParts})
 * @param filename - the suggested file name. Default `'checkpoint.safetensors'`
 * @throws TensorError - outside a page (Node, a worker): there is no `document` to download from; use
 *   `saveCheckpointFile` from `@tensorloom/training-utils/node`, or {@link checkpointToBlob}
 *
 * @example
 * ```ts
 * button.onclick = () => downloadCheckpoint({ model, optimizer, epoch }, `mlp-epoch${epoch}.safetensors`);
 * ```
 */
export function downloadCheckpoint(parts: CheckpointParts, filename = 'checkpoint.safetensors'): void {
  const doc = (globalThis as { document?: Document }).document;
  if (doc === undefined || typeof doc.createElement !== 'function' || typeof URL.createObjectURL !== 'function') {
    throw new TensorError(
      'downloadCheckpoint',
      'needs a browser page (document and URL.createObjectURL); in Node use saveCheckpointFile from @tensorloom/training-utils/node',
    );
  }
  const url = URL.createObjectURL(checkpointToBlob(parts));
  const a = doc.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  (doc.body ?? doc.documentElement).appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
    // Revoking at once can cancel the download in some browsers; the timer must not keep Node alive in tests.
    const timer = setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS) as { unref?: () => void };
    timer.unref?.();
  }
}
