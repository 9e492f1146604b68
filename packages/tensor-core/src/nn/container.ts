import { TensorError } from '../errors';
import type { Tensor } from '../tensor';
import { Module } from './module';

/** A module that maps one tensor to one tensor, the kind {@link Sequential} chains. */
export type TensorModule = Module<[Tensor], Tensor>;

function checkModule(op: string, m: unknown, i: number | string): asserts m is Module {
  if (!(m instanceof Module)) throw new TensorError(op, `element ${i} is not a Module`);
}

/** Turns a possibly negative index into `0..length-1`, or throws. */
function normIndex(op: string, i: number, length: number): number {
  const j = i < 0 ? i + length : i;
  if (!Number.isInteger(i) || j < 0 || j >= length) {
    throw new TensorError(op, `index ${i} is out of range for a container of length ${length}`);
  }
  return j;
}

/** Own members of a list-like container whose keys are "0", "1", ...: the modules, in index order. */
function indexedModules<M extends Module>(m: Module, length: number): M[] {
  const byKey = m as unknown as Record<string, M>;
  return Array.from({ length }, (_, i) => byKey[String(i)]);
}

/**
 * Modules applied one after another, each to the previous one's output (`torch.nn.Sequential`). The
 * children are named `"0"`, `"1"`, …, so a state-dict key reads `"2.weight"` just as in PyTorch.
 *
 * Shapes: the first module's input → the last module's output.
 *
 * @example
 * ```ts
 * const mlp = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 1));
 * mlp.forward(randn([8, 2])).shape; // [8, 1]
 * mlp.at(-1);                        // the last Linear
 * for (const layer of mlp) console.log(layer.toString());
 * ```
 */
export class Sequential extends Module<[Tensor], Tensor> implements Iterable<TensorModule> {
  /** @param modules - the modules to apply, in order (named "0", "1", …) */
  constructor(...modules: TensorModule[]) {
    super();
    modules.forEach((m, i) => {
      checkModule('Sequential', m, i);
      this.registerModule(String(i), m);
    });
  }

  /** Number of modules. */
  get length(): number {
    let n = 0;
    while (String(n) in this) n++;
    return n;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): TensorModule {
    return indexedModules<TensorModule>(this, this.length)[normIndex('Sequential.at', index, this.length)];
  }

  /** Appends `module` at the end (key `String(length)`). Returns this container. */
  append(module: TensorModule): this {
    checkModule('Sequential.append', module, this.length);
    this.registerModule(String(this.length), module);
    return this;
  }

  /** The modules in order (a module added twice runs twice, as in PyTorch). */
  [Symbol.iterator](): Iterator<TensorModule> {
    return indexedModules<TensorModule>(this, this.length)[Symbol.iterator]();
  }

  /** Applies the modules in order: `x → m0 → m1 → … → y`. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this) y = m.forward(y);
    return y;
  }
}

/**
 * A list of modules whose parameters belong to the parent (`torch.nn.ModuleList`): the container for a
 * variable number of layers, since plain arrays in fields are not walked. Children are named `"0"`, `"1"`,
 * …. It has no `forward`; iterate over it in the parent's.
 *
 * @typeParam M - the type of the modules it holds
 *
 * @example
 * ```ts
 * class Stack extends Module<[Tensor], Tensor> {
 *   layers = new ModuleList(Array.from({ length: 3 }, () => new Linear(8, 8)));
 *   forward(x: Tensor): Tensor {
 *     for (const layer of this.layers) x = relu(layer.forward(x));
 *     return x;
 *   }
 * }
 * // state-dict keys: 'layers.0.weight', 'layers.0.bias', 'layers.1.weight', ...
 * ```
 */
export class ModuleList<M extends Module = Module> extends Module<[], never> implements Iterable<M> {
  /** @param modules - the initial modules (named "0", "1", …) */
  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** Number of modules. */
  get length(): number {
    let n = 0;
    while (String(n) in this) n++;
    return n;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): M {
    return indexedModules<M>(this, this.length)[normIndex('ModuleList.at', index, this.length)];
  }

  /** Appends `module`. Returns this list. */
  append(module: M): this {
    checkModule('ModuleList.append', module, this.length);
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Appends every module of `modules`. Returns this list. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** The modules in index order. */
  [Symbol.iterator](): Iterator<M> {
    return indexedModules<M>(this, this.length)[Symbol.iterator]();
  }

  /** Not callable, as in PyTorch: a ModuleList only holds modules. */
  forward(): never {
    throw new TensorError('ModuleList.forward', 'a ModuleList is not callable; iterate over it in the parent module');
  }
}

/**
 * A map from names to modules whose parameters belong to the parent (`torch.nn.ModuleDict`), in
 * insertion order. The names are the state-dict key segments (`"heads.cls.weight"`); any non-empty
 * string without a `.` works, since the children are kept in a map rather than in fields.
 *
 * @typeParam M - the type of the modules it holds
 *
 * @example
 * ```ts
 * const heads = new ModuleDict({ cls: new Linear(64, 10), box: new Linear(64, 4) });
 * heads.get('cls')!.forward(h);
 * ```
 */
export class ModuleDict<M extends Module = Module> extends Module<[], never> implements Iterable<[string, M]> {
  readonly #modules = new Map<string, M>();

  /** @param modules - the initial modules: an object or `[name, module]` pairs, in order */
  constructor(modules: Iterable<[string, M]> | Readonly<Record<string, M>> = {}) {
    super();
    const entries = Symbol.iterator in modules ? (modules as Iterable<[string, M]>) : Object.entries(modules);
    for (const [name, m] of entries) this.set(name, m);
  }

  protected override ownMembers(): Iterable<[string, unknown]> {
    return this.#modules.entries();
  }

  protected override setOwnMember(name: string, value: unknown): void {
    if (value === null) this.#modules.delete(name);
    else this.#modules.set(name, value as M);
  }

  /** Number of modules. */
  get size(): number {
    return this.#modules.size;
  }

  /** The module named `name`, or undefined. */
  get(name: string): M | undefined {
    return this.#modules.get(name);
  }

  /** Whether a module is named `name`. */
  has(name: string): boolean {
    return this.#modules.has(name);
  }

  /** Adds or replaces the module `name` (a replaced one keeps its position). Returns this dict. */
  set(name: string, module: M): this {
    checkModule('ModuleDict.set', module, name);
    this.registerModule(name, module);
    return this;
  }

  /** Removes the module `name`; returns whether there was one. */
  delete(name: string): boolean {
    return this.#modules.delete(name);
  }

  /** The names, in insertion order. */
  keys(): IterableIterator<string> {
    return this.#modules.keys();
  }

  /** The modules, in insertion order. */
  values(): IterableIterator<M> {
    return this.#modules.values();
  }

  /** `[name, module]` pairs, in insertion order. */
  entries(): IterableIterator<[string, M]> {
    return this.#modules.entries();
  }

  /** `[name, module]` pairs, in insertion order. */
  [Symbol.iterator](): Iterator<[string, M]> {
    return this.#modules.entries();
  }

  /** Not callable, as in PyTorch: a ModuleDict only holds modules. */
  forward(): never {
    throw new TensorError('ModuleDict.forward', 'a ModuleDict is not callable; look modules up in the parent module');
  }
}
