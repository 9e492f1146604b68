/**
 * What registering a hook returns: a handle whose {@link RemovableHandle.remove} unregisters it, like
 * PyTorch's `torch.utils.hooks.RemovableHandle`. Shared by tensor hooks (`Tensor.registerHook`) and module
 * hooks (`Module.registerForwardHook`, `Module.registerForwardPreHook`).
 *
 * @example
 * ```ts
 * const handle = w.registerHook((g) => g.clamp(-1, 1));
 * loss.backward(); // w.grad clipped to [-1, 1]
 * handle.remove(); // later passes leave the gradient alone
 * ```
 */
export class RemovableHandle {
  private static nextId = 0;
  /** A number unique to this registration (the key in its hook table). */
  readonly id: number;
  private hooks: Map<number, unknown> | null;
  private readonly onEmpty: (() => void) | undefined;

  /**
   * Adds `hook` to `hooks` (in registration order) and returns its handle. Libraries call this; users get
   * handles from the `register…Hook` methods.
   *
   * @param hooks - the hook table the hook is added to
   * @param hook - the hook
   * @param onEmpty - called when `remove()` leaves the table empty
   */
  static add<H>(hooks: Map<number, H>, hook: H, onEmpty?: () => void): RemovableHandle {
    const handle = new RemovableHandle(hooks as Map<number, unknown>, onEmpty);
    hooks.set(handle.id, hook);
    return handle;
  }

  private constructor(hooks: Map<number, unknown>, onEmpty: (() => void) | undefined) {
    this.id = RemovableHandle.nextId++;
    this.hooks = hooks;
    this.onEmpty = onEmpty;
  }

  /** Unregisters the hook. Removing it again does nothing. */
  remove(): void {
    const hooks = this.hooks;
    if (hooks === null) return;
    this.hooks = null;
    if (hooks.delete(this.id) && hooks.size === 0) this.onEmpty?.();
  }
}
