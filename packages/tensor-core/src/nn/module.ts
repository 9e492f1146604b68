import { noGrad } from '../autograd/mode';
import type { DType } from '../dtype';
import { isFloating } from '../dtype';
import { fmtShape, TensorError } from '../errors';
import { RemovableHandle } from '../hooks';
import type { Generator as RandomGenerator } from '../random';
import type { SafetensorsDType } from '../safetensors/format';
import { shapesEqual } from '../shape';
import { Tensor } from '../tensor';

/** Options every layer with parameters accepts: PyTorch's `dtype` factory argument and a seeded generator. */
export interface LayerOptions {
  /** dtype of the parameters (default float32; float64 for gradient checks). */
  dtype?: 'float32' | 'float64';
  /** Where the initial values are drawn from (default: the global generator that `manualSeed` seeds). */
  generator?: RandomGenerator;
}

/**
 * A tensor that is a module's learnable weight: a leaf that requires grad (unless told otherwise) and that
 * {@link Module.parameters} finds by walking the module's fields.
 *
 * `new Parameter(t)` **shares** `t`'s storage and version counter, like `torch.nn.Parameter(t)`: writing to
 * the parameter (an optimizer step, `loadStateDict`) changes `t` too. Pass `t.clone()` for independent
 * storage. If `t` came out of an op, the parameter is a detached leaf over the same values.
 *
 * @example
 * ```ts
 * const w = new Parameter(randn([4, 3]));   // requiresGrad === true, isLeaf === true
 * const frozen = new Parameter(zeros([4]), false);
 * ```
 */
export class Parameter extends Tensor {
  /**
   * @param data - the values (shared, not copied)
   * @param requiresGrad - whether gradients are accumulated into `.grad` (default true; floating dtypes only)
   */
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new TensorError('Parameter', 'expected a Tensor');
    super(data.data, data.shape, data.dtype, false, data._version);
    if (requiresGrad) this.requiresGrad_(true);
  }
}

/** Options of {@link Buffer}. */
export interface BufferOptions {
  /** Whether the buffer is part of {@link Module.stateDict} (default true). */
  persistent?: boolean;
  /**
   * The dtype to write for this buffer in a safetensors file when it differs from the in-memory one, so
   * that a saved state dict has PyTorch's bytes: BatchNorm's `num_batches_tracked` is int32 here but
   * `'I64'` in PyTorch. `saveSafetensors` honours it.
   */
  safetensorsDtype?: SafetensorsDType;
}

/**
 * A tensor that belongs to a module's state without being learned, like PyTorch 2's `nn.Buffer`:
 * BatchNorm's running statistics, a causal mask, a step counter. {@link Module.buffers} finds it by walking
 * the module's fields; a persistent buffer (the default) is saved in {@link Module.stateDict}.
 *
 * Like {@link Parameter}, `new Buffer(t)` shares `t`'s storage. Buffers never require grad.
 *
 * @example
 * ```ts
 * this.running_mean = new Buffer(zeros([numFeatures]));
 * this.num_batches_tracked = new Buffer(tensor(0, { dtype: 'int32' }), { safetensorsDtype: 'I64' });
 * this.mask = new Buffer(ones([T, T]), { persistent: false });
 * ```
 */
export class Buffer extends Tensor {
  /** Whether {@link Module.stateDict} includes this buffer. */
  persistent: boolean;
  /** The safetensors dtype to write this buffer as (undefined: the one matching its in-memory dtype). */
  safetensorsDtype: SafetensorsDType | undefined;

  /**
   * @param data - the values (shared, not copied; a tensor in an autograd graph is detached)
   * @param options - `persistent` (default true) and `safetensorsDtype`
   */
  constructor(data: Tensor, options: BufferOptions = {}) {
    if (!(data instanceof Tensor)) throw new TensorError('Buffer', 'expected a Tensor');
    super(data.data, data.shape, data.dtype, false, data._version);
    this.persistent = options.persistent ?? true;
    this.safetensorsDtype = options.safetensorsDtype;
  }
}

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * Whether keys must match exactly (default true): missing or unexpected keys are then an error. Size
   * mismatches are an error either way.
   */
  strict?: boolean;
}

/** What {@link Module.loadStateDict} reports: keys the module expected but did not get, and keys it did not know. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Options of {@link Module.stateDict}. */
export interface StateDictOptions {
  /** Prepended to every key (PyTorch's `prefix`). */
  prefix?: string;
  /**
   * Return the module's own {@link Parameter} and {@link Buffer} objects instead of detached aliases of
   * them (PyTorch's `keep_vars`). Default false.
   */
  keepVars?: boolean;
}

/** A state dict to load: a `Map` (what {@link Module.stateDict} returns) or a plain object of tensors. */
export type StateDictLike = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/**
 * A hook of {@link Module.registerForwardPreHook}: called with the module and the arguments of `forward`
 * before it runs; returns a replacement argument list (an array) or nothing to keep it.
 *
 * @example
 * ```ts
 * const scaleInput: ForwardPreHook<Linear, [Tensor]> = (m, [x]) => [x.mul(0.5)];
 * ```
 */
export type ForwardPreHook<M = Module, In extends unknown[] = unknown[]> = (module: M, args: In) => In | undefined;

/**
 * A hook of {@link Module.registerForwardHook}: called with the module, the arguments `forward` got and
 * its output after it ran; returns a replacement output or nothing to keep it.
 *
 * @example
 * ```ts
 * const log: ForwardHook<Linear, [Tensor], Tensor> = (m, args, y) => { console.log(y.shape); };
 * ```
 */
export type ForwardHook<M = Module, In extends unknown[] = unknown[], Out = unknown> = (
  module: M,
  args: In,
  output: Out,
) => Out | undefined;

/** A module's forward hooks, and the `forward` property its hooked `forward` replaced. */
interface ForwardHooks {
  pre: Map<number, ForwardPreHook<Module, unknown[]>>;
  post: Map<number, ForwardHook<Module, unknown[], unknown>>;
  /** The module's own `forward` property before the hooks (usually none: `forward` is a method). */
  ownForward: PropertyDescriptor | undefined;
}

/**
 * The forward hooks of the modules that have any. Kept outside the instances so that a module without
 * hooks has no extra fields (fields are what {@link Module} walks) and pays nothing.
 */
const forwardHooks = new WeakMap<Module, ForwardHooks>();

/** Runs `forward` (the module's own, unhooked) between `hooks`' pre-hooks and forward hooks. */
function runHooked(module: Module, hooks: ForwardHooks, forward: (...args: unknown[]) => unknown, args: unknown[]) {
  // Copies: a hook may remove itself (or others) while running.
  for (const hook of [...hooks.pre.values()]) {
    const r = hook(module, args);
    if (r === undefined) continue;
    if (!Array.isArray(r)) {
      throw new TensorError(
        'registerForwardPreHook',
        `a forward pre-hook of ${module.constructor.name} returned ${typeof r}; return the argument list of forward (an array, e.g. [x]) or undefined to keep it`,
      );
    }
    args = r;
  }
  let output = forward.apply(module, args);
  for (const hook of [...hooks.post.values()]) {
    const r = hook(module, args, output);
    if (r !== undefined) output = r;
  }
  return output;
}

function joinName(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

/** Indents every line after the first by `n` spaces (PyTorch's `_addindent`). */
function addIndent(s: string, n: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(n);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

function checkMemberName(kind: string, name: string): void {
  if (typeof name !== 'string') throw new TensorError(`register${kind}`, `${kind.toLowerCase()} name must be a string`);
  if (name === '') throw new TensorError(`register${kind}`, `${kind.toLowerCase()} name can't be empty string ""`);
  if (name.includes('.')) throw new TensorError(`register${kind}`, `${kind.toLowerCase()} name can't contain "."`);
}

/**
 * Base class of every layer and model, after `torch.nn.Module`.
 *
 * A subclass creates its parameters, buffers and sub-modules in its constructor and assigns them to
 * fields; nothing is registered by hand. Walking the instance's own enumerable fields in insertion order,
 * a {@link Parameter} field is a parameter, a {@link Buffer} field is a buffer and a `Module` field is a
 * child; other fields (numbers, plain tensors, arrays) are ignored — put a list of modules in a
 * {@link ModuleList}. A field set to `null` (like `bias` of `Linear(..., { bias: false })`) is skipped. The
 * field names are the state-dict keys, so layers use PyTorch's attribute names verbatim (`weight`,
 * `running_mean`, `weight_ih_l0`). The order is JavaScript's property order: the order in which fields are
 * first defined (class field declarations, then constructor assignments), except that integer-like names
 * ("0", "1", …) come first in numeric order — which is what {@link Sequential} and {@link ModuleList}
 * rely on; {@link ModuleDict} keeps its own order for arbitrary names.
 *
 * `forward` holds the computation; call it directly: `model.forward(x)`. Forward hooks
 * ({@link Module.registerForwardPreHook}, {@link Module.registerForwardHook}) run on every such call.
 *
 * @typeParam In - the argument list of `forward`
 * @typeParam Out - what `forward` returns
 *
 * @example
 * ```ts
 * class MLP extends Module<[Tensor], Tensor> {
 *   fc1 = new Linear(4, 16);
 *   fc2 = new Linear(16, 2);
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(relu(this.fc1.forward(x)));
 *   }
 * }
 * const model = new MLP();
 * [...model.namedParameters()].map(([name]) => name); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export abstract class Module<In extends unknown[] = unknown[], Out = unknown> {
  /** Whether the module is in training mode (Dropout drops, BatchNorm uses batch statistics). Set with {@link Module.train}. */
  training = true;

  /** The computation. Subclasses implement it; call it as `module.forward(...)`. */
  abstract forward(...inputs: In): Out;

  /**
   * Registers `hook` to run before every call of `forward`, like PyTorch's `register_forward_pre_hook`:
   * `hook(module, args)` gets the argument list and may return a replacement list (an array; a single
   * input is `[x]`) or nothing to keep it. Pre-hooks run in registration order, each given the previous
   * one's arguments.
   *
   * Modules are called as `module.forward(...)` (there is no separate `call`), so registering the first
   * hook on a module replaces its `forward` with a non-enumerable own property that runs the hooks around
   * the class's `forward`; removing the last hook restores it. Calls from a container (`Sequential`) or a
   * parent's `forward` are hooked the same way; `super.forward(...)` inside a subclass is not (it is the
   * same call).
   *
   * @param hook - `(module, args) => newArgs | undefined`
   * @returns a handle whose `remove()` unregisters the hook
   *
   * @example
   * ```ts
   * const lin = new Linear(3, 2);
   * const h = lin.registerForwardPreHook((m, [x]) => [x.clamp(-1, 1)]); // clip inputs
   * lin.forward(randn([4, 3]));
   * h.remove();
   * ```
   */
  registerForwardPreHook(hook: ForwardPreHook<this, In>): RemovableHandle {
    if (typeof hook !== 'function') throw new TensorError('registerForwardPreHook', 'hook must be a function');
    const hooks = this.forwardHooks();
    return RemovableHandle.add(hooks.pre, hook as unknown as ForwardPreHook<Module, unknown[]>, () =>
      this.releaseForwardHooks(hooks),
    );
  }

  /**
   * Registers `hook` to run after every call of `forward`, like PyTorch's `register_forward_hook`:
   * `hook(module, args, output)` gets the arguments `forward` was called with (after the pre-hooks) and
   * its output, and may return a replacement output or nothing to keep it. Forward hooks run in
   * registration order, each given the previous one's output. See {@link Module.registerForwardPreHook}
   * for how `forward` is hooked.
   *
   * @param hook - `(module, args, output) => newOutput | undefined`
   * @returns a handle whose `remove()` unregisters the hook
   *
   * @example
   * ```ts
   * // Capture every layer's activations, e.g. to plot them.
   * const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 1));
   * const activations = new Map<string, Tensor>();
   * const handles = [...model.namedChildren()].map(([name, layer]) =>
   *   layer.registerForwardHook((m, args, y) => { activations.set(name, (y as Tensor).detach()); }),
   * );
   * model.forward(randn([8, 2])); // activations: '0' (8,16), '1' (8,16), '2' (8,1)
   * for (const h of handles) h.remove();
   * ```
   */
  registerForwardHook(hook: ForwardHook<this, In, Out>): RemovableHandle {
    if (typeof hook !== 'function') throw new TensorError('registerForwardHook', 'hook must be a function');
    const hooks = this.forwardHooks();
    return RemovableHandle.add(hooks.post, hook as unknown as ForwardHook<Module, unknown[], unknown>, () =>
      this.releaseForwardHooks(hooks),
    );
  }

  /** This module's hook tables, installing the hooked `forward` on first use. */
  private forwardHooks(): ForwardHooks {
    const existing = forwardHooks.get(this);
    if (existing !== undefined) return existing;
    const ownForward = Object.getOwnPropertyDescriptor(this, 'forward');
    const forward = this.forward as (...args: unknown[]) => unknown; // the class's (or an own) forward
    const hooks: ForwardHooks = { pre: new Map(), post: new Map(), ownForward };
    Object.defineProperty(this, 'forward', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: (...args: unknown[]) => runHooked(this, hooks, forward, args),
    });
    forwardHooks.set(this, hooks);
    return hooks;
  }

  /** Restores the unhooked `forward` once the last hook of `hooks` is removed. */
  private releaseForwardHooks(hooks: ForwardHooks): void {
    if (hooks.pre.size > 0 || hooks.post.size > 0 || forwardHooks.get(this) !== hooks) return;
    forwardHooks.delete(this);
    if (hooks.ownForward !== undefined) Object.defineProperty(this, 'forward', hooks.ownForward);
    else Reflect.deleteProperty(this, 'forward');
  }

  /**
   * The module's own named members, in order: by default its own enumerable fields. Containers that keep
   * their children elsewhere (ModuleDict) override this.
   */
  protected ownMembers(): Iterable<[string, unknown]> {
    return Object.entries(this);
  }

  /** Replaces own member `name` (used by {@link Module.to}); containers that override `ownMembers` override this too. */
  protected setOwnMember(name: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  private *ownOf<T>(cls: abstract new (...args: never[]) => T): Generator<[string, T]> {
    for (const [name, value] of this.ownMembers()) {
      if (value instanceof cls) yield [name, value];
    }
  }

  /** Own parameters, in field order. */
  private ownParameters(): Generator<[string, Parameter]> {
    return this.ownOf(Parameter);
  }

  /** Own buffers, in field order. */
  private ownBuffers(): Generator<[string, Buffer]> {
    return this.ownOf(Buffer);
  }

  /** Own child modules, in field order, without removing duplicates. */
  private ownModules(): Generator<[string, Module]> {
    return this.ownOf(Module);
  }

  /**
   * `[name, module]` for this module (name `prefix`) and every module below it, depth first, parents
   * before children. A module reachable twice (shared) is yielded once, under its first name.
   *
   * @example
   * ```ts
   * [...new Sequential(new Linear(2, 3), new ReLU()).namedModules()].map(([n]) => n); // ['', '0', '1']
   * ```
   */
  *namedModules(prefix = '', memo: Set<Module> = new Set()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [name, child] of this.ownModules()) {
      yield* child.namedModules(joinName(prefix, name), memo);
    }
  }

  /** This module and every module below it, each once. */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** `[name, child]` for the immediate children, each module once. */
  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [name, child] of this.ownModules()) {
      if (seen.has(child)) continue;
      seen.add(child);
      yield [name, child];
    }
  }

  /** The immediate children, each once. */
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  private *namedMembers<T extends Tensor>(
    own: (m: Module) => Iterable<[string, T]>,
    prefix: string,
    recurse: boolean,
  ): Generator<[string, T]> {
    const seen = new Set<Tensor>();
    const modules: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, m] of modules) {
      for (const [name, t] of own(m)) {
        if (seen.has(t)) continue;
        seen.add(t);
        yield [joinName(modName, name), t];
      }
    }
  }

  /**
   * `[name, parameter]` for every parameter, with PyTorch's dotted names (`'0.weight'`, `'encoder.fc1.bias'`):
   * a module's own parameters first, then its children's, depth first. A parameter shared by two modules
   * is yielded once.
   *
   * @param prefix - prepended to every name
   * @param recurse - include the parameters of sub-modules (default true)
   */
  namedParameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    return this.namedMembers((m) => m.ownParameters(), prefix, recurse);
  }

  /**
   * Every parameter, each once — what an optimizer is given.
   *
   * @example
   * ```ts
   * const count = [...model.parameters()].reduce((n, p) => n + p.size, 0);
   * ```
   */
  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters('', recurse)) yield p;
  }

  /** `[name, buffer]` for every buffer (persistent or not), named like {@link Module.namedParameters}. */
  namedBuffers(prefix = '', recurse = true): Generator<[string, Buffer]> {
    return this.namedMembers((m) => m.ownBuffers(), prefix, recurse);
  }

  /** Every buffer, each once. */
  *buffers(recurse = true): Generator<Buffer> {
    for (const [, b] of this.namedBuffers('', recurse)) yield b;
  }

  /**
   * Sets training mode on this module and every module below it (Dropout and BatchNorm behave differently
   * in training). Returns this module.
   */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** `train(false)`: evaluation mode. Returns this module. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter (`false` freezes the module). Returns this module. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Sets every parameter's `.grad` to null (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Calls `fn` on every sub-module (children first, recursively) and then on this module, like PyTorch's
   * `apply`; typically used for custom initialisation. Returns this module.
   *
   * @example
   * ```ts
   * model.apply((m) => { if (m instanceof Linear) init.zeros_(m.weight); });
   * ```
   */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Converts every floating-point parameter and buffer to `dtype` (integer buffers such as
   * `num_batches_tracked` keep theirs), like PyTorch's `module.to(dtype)`. The parameters are **new
   * objects**: create the optimizer after converting. `requiresGrad` and buffer options carry over; grads
   * are dropped. Returns this module.
   *
   * @example
   * ```ts
   * const m = new Linear(3, 2).to('float64'); // for a float64 gradient check
   * ```
   */
  to(dtype: DType): this {
    if (!isFloating(dtype)) throw new TensorError('Module.to', `dtype must be float32 or float64, got ${dtype}`);
    for (const m of this.modules()) {
      const updates: [string, Tensor][] = [];
      for (const [name, p] of m.ownParameters()) {
        if (isFloating(p.dtype) && p.dtype !== dtype) {
          updates.push([name, new Parameter(p.detach().to(dtype), p.requiresGrad)]);
        }
      }
      for (const [name, b] of m.ownBuffers()) {
        if (isFloating(b.dtype) && b.dtype !== dtype) {
          updates.push([
            name,
            new Buffer(b.to(dtype), { persistent: b.persistent, safetensorsDtype: b.safetensorsDtype }),
          ]);
        }
      }
      for (const [name, t] of updates) m.setOwnMember(name, t);
    }
    return this;
  }

  /** `to('float64')`. */
  double(): this {
    return this.to('float64');
  }

  /** `to('float32')`. */
  float(): this {
    return this.to('float32');
  }

  /**
   * The module's state as an ordered map from dotted name to tensor, in PyTorch's order: a module's own
   * parameters, then its own persistent buffers, then each child's state recursively. The keys are
   * PyTorch's, so the map can be saved as safetensors and loaded by `torch.nn.Module.load_state_dict`
   * (and vice versa). Values are detached aliases (same storage) of the parameters and buffers; a buffer's
   * alias is a {@link Buffer} that keeps its `safetensorsDtype`. A module or parameter shared under two
   * names appears under both, as in PyTorch.
   *
   * @example
   * ```ts
   * [...new Linear(3, 2).stateDict().keys()]; // ['weight', 'bias']
   * ```
   */
  stateDict(options: StateDictOptions = {}): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.saveToStateDict(out, options.prefix ?? '', options.keepVars ?? false);
    return out;
  }

  private saveToStateDict(out: Map<string, Tensor>, prefix: string, keepVars: boolean): void {
    for (const [name, p] of this.ownParameters()) out.set(prefix + name, keepVars ? p : p.detach());
    for (const [name, b] of this.ownBuffers()) {
      if (!b.persistent) continue;
      out.set(prefix + name, keepVars ? b : new Buffer(b, { persistent: true, safetensorsDtype: b.safetensorsDtype }));
    }
    for (const [name, child] of this.ownModules()) child.saveToStateDict(out, `${prefix}${name}.`, keepVars);
  }

  /**
   * Copies the tensors of `stateDict` into this module's parameters and persistent buffers, in place
   * (under `noGrad`, converting dtypes as `copy_` does), matching keys as {@link Module.stateDict} names
   * them. Everything is checked before anything is copied: on an error the module is unchanged.
   *
   * Errors are worded like PyTorch's, e.g.
   * `Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias".` or
   * `size mismatch for weight: copying a param with shape (3,4) from checkpoint, the shape in current model is (4,4).`
   * With `strict: false`, missing and unexpected keys are not an error but are returned.
   *
   * @example
   * ```ts
   * const b = new Linear(3, 2);
   * b.loadStateDict(a.stateDict()); // b now computes what a computes
   * ```
   */
  loadStateDict(stateDict: StateDictLike, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const entries: Iterable<[string, Tensor]> =
      stateDict instanceof Map ? stateDict.entries() : Object.entries(stateDict as Record<string, Tensor>);
    const given = new Map<string, Tensor>(entries);
    const targets = this.stateDict({ keepVars: true });
    const errors: string[] = [];
    const missingKeys: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of targets) {
      const src = given.get(key);
      if (src === undefined) {
        missingKeys.push(key);
        continue;
      }
      if (!(src instanceof Tensor)) {
        errors.push(
          `While copying the parameter named "${key}", expected a Tensor from checkpoint but received ${typeof src}`,
        );
        continue;
      }
      if (!shapesEqual(src.shape, target.shape)) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape ${fmtShape(src.shape)} from checkpoint, the shape in current model is ${fmtShape(target.shape)}.`,
        );
        continue;
      }
      copies.push([target, src]);
    }
    const unexpectedKeys = [...given.keys()].filter((k) => !targets.has(k));
    if (strict) {
      const head: string[] = [];
      if (missingKeys.length > 0) {
        head.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
      }
      if (unexpectedKeys.length > 0) {
        head.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
      }
      errors.unshift(...head);
    }
    if (errors.length > 0) {
      throw new TensorError(
        'loadStateDict',
        `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`,
      );
    }
    noGrad(() => {
      for (const [target, src] of copies) target.copy_(src.detach());
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Registers `param` as parameter `name` (for names that cannot be written as a field, or computed
   * names); the same as assigning the field. `null` declares an absent parameter, like an omitted bias.
   */
  registerParameter(name: string, param: Parameter | null): void {
    checkMemberName('Parameter', name);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TensorError('registerParameter', `cannot assign a non-Parameter as parameter "${name}"`);
    }
    this.setOwnMember(name, param);
  }

  /**
   * Registers `tensor` as buffer `name`: a plain tensor is wrapped in a {@link Buffer} that shares its
   * storage, a Buffer is used as it is (its `persistent` flag set). The same as assigning
   * `new Buffer(tensor, { persistent })` to the field.
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    checkMemberName('Buffer', name);
    if (tensor === null) {
      this.setOwnMember(name, null);
      return;
    }
    if (!(tensor instanceof Tensor)) throw new TensorError('registerBuffer', `buffer "${name}" must be a Tensor`);
    if (tensor instanceof Buffer) {
      tensor.persistent = persistent;
      this.setOwnMember(name, tensor);
    } else {
      this.setOwnMember(name, new Buffer(tensor, { persistent }));
    }
  }

  /** Registers `module` as child `name` (PyTorch's `add_module`/`register_module`); the same as assigning the field. */
  registerModule(name: string, module: Module | null): void {
    checkMemberName('Module', name);
    if (module !== null && !(module instanceof Module)) {
      throw new TensorError('registerModule', `child "${name}" must be a Module`);
    }
    this.setOwnMember(name, module);
  }

  /**
   * The sub-module at dotted path `target` (`''` is this module), like PyTorch's `get_submodule`.
   *
   * @example
   * ```ts
   * model.getSubmodule('encoder.0') // the first layer of the `encoder` Sequential
   * ```
   */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let m: Module = this;
    for (const part of target.split('.')) {
      const next = [...m.ownModules()].find(([name]) => name === part);
      if (next === undefined) {
        throw new TensorError('getSubmodule', `${m.constructor.name} has no submodule "${part}" (in "${target}")`);
      }
      m = next[1];
    }
    return m;
  }

  /**
   * Extra text shown between the parentheses of this module's line in {@link Module.toString}, e.g.
   * `in_features=2, out_features=16, bias=true` for Linear. Subclasses override it; the default is empty.
   */
  extraRepr(): string {
    return '';
  }

  /**
   * A PyTorch-style tree of the module and its children, e.g.
   *
   * ```text
   * Sequential(
   *   (0): Linear(in_features=2, out_features=16, bias=true)
   *   (1): ReLU()
   * )
   * ```
   */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra === '' ? [] : extra.split('\n');
    const childLines: string[] = [];
    for (const [name, child] of this.ownModules()) childLines.push(`(${name}): ${addIndent(child.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let s = `${this.constructor.name}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) s += extraLines[0];
      else s += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${s})`;
  }
}
