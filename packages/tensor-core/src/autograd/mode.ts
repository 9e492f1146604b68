let enabled = true;

/** True while operations are recorded for autograd (outside {@link noGrad}). */
export function isGradEnabled(): boolean {
  return enabled;
}

/** @internal Sets grad mode and returns the previous value. */
export function setGradEnabled(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

/**
 * Runs `fn` without recording operations for autograd (like `with torch.no_grad():`), e.g. for parameter
 * updates and evaluation. Returns what `fn` returns. If `fn` returns a promise, recording stays off until it
 * settles — do not interleave other training work with it.
 *
 * @example
 * ```ts
 * const y = noGrad(() => model.forward(x)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    setGradEnabled(prev);
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => setGradEnabled(prev)) as T;
  }
  setGradEnabled(prev);
  return result;
}

/** Runs `fn` with recording on, even inside {@link noGrad} (like `torch.enable_grad`). */
export function enableGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(true);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}
