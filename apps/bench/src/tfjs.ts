/**
 * TensorFlow.js 4.22 set up for Node: the pure-JS `cpu` backend and the WebAssembly `wasm` backend, both in
 * this process. The wasm backend reads its `.wasm` files from node_modules (never from a CDN) and runs
 * single-threaded, as tfjs-wasm always does in Node.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
// The umbrella package, as users install it: tfjs-core, the cpu (and webgl) backends, and the gradient
// functions (tfjs-core's own Node build registers none, so training needs this package).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };

export type TfjsBackend = 'cpu' | 'wasm';

let initialised = false;

/** Points the wasm backend at its files in node_modules; call before the first `setBackend`. */
function init(): void {
  if (initialised) return;
  initialised = true;
  const require = createRequire(import.meta.url);
  const simd = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  // A directory prefix: emscripten appends the file name it picked (the SIMD build where V8 validates it)
  // and, in Node, reads it with fs.
  setWasmPaths(path.dirname(simd) + path.sep);
  // tfjs-wasm disables threads in Node already; say so explicitly so a future default cannot change the numbers.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}

/** Makes `name` the active tfjs backend and waits until it is ready. */
export async function useBackend(name: TfjsBackend): Promise<void> {
  init();
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tfjs backend ${name} failed to initialise`);
  }
  await tf.ready();
}

/** Which wasm binary the backend chose, for the report. */
export async function wasmFeatures(): Promise<{ simd: boolean; threads: boolean }> {
  init();
  return {
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
  };
}
