import { enableGrad, fmtShape, noGrad, Tensor, TensorError } from '@tensorloom/tensor-core';

/** The storage of a floating tensor, the only kind an optimizer updates. */
export type FloatArray = Float32Array | Float64Array;

/**
 * One entry of an optimizer's per-parameter state: a tensor shaped like the parameter (a moving average, a
 * momentum buffer), a number (a step count), or null (SGD's momentum buffer when momentum is off).
 */
export type ParamStateValue = Tensor | number | null;

/** The state an optimizer keeps for one parameter, under PyTorch's key names (`exp_avg`, `momentum_buffer`, …). */
export type ParamState = Record<string, ParamStateValue>;

/** A plain (JSON-serialisable) hyperparameter value: a number, a flag, or a tuple such as Adam's `betas`. */
export type HyperparamValue = number | boolean | string | null | readonly number[];

/**
 * What every parameter group holds: its parameters, its learning rate, and whatever else its optimizer and
 * learning-rate schedulers store there (`initialLr` is set by the first scheduler attached, as in PyTorch).
 */
export interface ParamGroupBase {
  /** The parameters this group's hyperparameters apply to. */
  params: Tensor[];
  /** Learning rate; schedulers change it between steps. */
  lr: number;
  /** The learning rate the first scheduler found, kept so a later scheduler or a resumed run starts from it. */
  initialLr?: number;
  /** Extra keys set by schedulers (`maxLr`, `maxMomentum`, …) or carried over from a loaded state dict. */
  [key: string]: unknown;
}

/** A parameter group of an optimizer with hyperparameters `H`: `{ params, lr, ...H }`. */
export type ParamGroup<H extends object> = H & ParamGroupBase;

/**
 * A parameter group as given to a constructor or {@link Optimizer.addParamGroup}: its parameters and any
 * hyperparameters that differ from the optimizer's defaults.
 */
export type ParamGroupInput<H extends object> = { params: Iterable<Tensor> | Tensor } & Partial<H>;

/** The parameters an optimizer is built with: tensors (one group), or groups with their own hyperparameters. */
export type ParamsInput<H extends object> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/**
 * An optimizer's state as plain data, laid out exactly like PyTorch's `optimizer.state_dict()`:
 * parameters are numbered in group order, `state` maps those numbers to each parameter's state, and
 * `param_groups` lists each group's hyperparameters (under PyTorch's snake_case names: `weight_decay`,
 * `initial_lr`) with the numbers of its parameters.
 *
 * Tensors appear only in `state`, next to plain numbers, so a checkpoint can store the tensors as
 * safetensors (e.g. under `state.0.exp_avg`) and everything else as JSON.
 */
export interface OptimizerStateDict {
  /** Per-parameter state by parameter number; parameters that have no state yet are absent. */
  state: Record<number, ParamState>;
  /** Hyperparameters of each group, with `params` listing the numbers of its parameters. */
  param_groups: Array<{ params: number[]; [key: string]: HyperparamValue }>;
}

/** `weightDecay` → `weight_decay`: our option names in a state dict, where PyTorch's names are kept verbatim. */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `weight_decay` → `weightDecay`. */
function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A plain-data copy of a hyperparameter (tuples are copied so a state dict does not alias a live group). */
function copyHyperparam(name: string, value: unknown, op: string): HyperparamValue {
  if (Array.isArray(value)) return value.slice();
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
    return value;
  }
  throw new TensorError(op, `hyperparameter "${name}" is not plain data (got ${typeof value})`);
}

/**
 * Base class of all optimizers, after `torch.optim.Optimizer`: it holds the parameter groups and the
 * per-parameter state; a subclass supplies the update of one group in {@link Optimizer.updateGroup}.
 *
 * Parameters are given as an iterable of tensors (`model.parameters()`) or as groups
 * `[{ params, lr, ... }, ...]` whose options override the defaults. Every update runs under `noGrad`, in
 * place, and skips parameters whose `grad` is null.
 *
 * @typeParam H - the hyperparameters of each group (for Adam: `lr`, `betas`, `eps`, …)
 *
 * @example
 * ```ts
 * const opt = new SGD([
 *   { params: model.backbone.parameters(), lr: 1e-3 },
 *   { params: model.head.parameters() },            // uses the default lr below
 * ], { lr: 1e-2, momentum: 0.9 });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 * ```
 */
export abstract class Optimizer<H extends object = object> {
  /** The hyperparameters a group gets when it does not set them itself. */
  readonly defaults: H;
  /** The parameter groups, in order; change `paramGroups[i].lr` (or any option) between steps as you like. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state (moving averages, step counts), created lazily on a parameter's first update. */
  readonly state = new Map<Tensor, ParamState>();
  /**
   * The name error messages start with (`"Adam"`). A getter, so that it is available while the base
   * constructor adds the first groups.
   */
  protected get name(): string {
    return this.constructor.name;
  }

  constructor(params: ParamsInput<H>, defaults: H) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TensorError(
        this.name,
        'params must be an iterable of tensors or of parameter groups, got a single Tensor; wrap it in an array',
      );
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (list.length === 0) throw new TensorError(this.name, 'got an empty parameter list');
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<H>] : list;
    for (const g of groups) {
      if (g instanceof Tensor) {
        throw new TensorError(this.name, 'params mixes tensors and parameter groups');
      }
      this.addParamGroup(g);
    }
  }

  /**
   * Checks one group's merged hyperparameters beyond the learning rate (which the base class checks); throws
   * a `TensorError` naming the optimizer and the bad value. Called when a group is added.
   */
  protected validateGroup(_group: ParamGroup<H>): void {}

  /**
   * Updates one parameter in place from its gradient (never null here), its state (empty on the first
   * update) and its group's hyperparameters. Runs under `noGrad`; the base class marks `param` as modified
   * afterwards.
   */
  protected abstract updateParam(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<H>): void;

  /**
   * Adds a group of parameters with its own options (the rest from `defaults`), e.g. layers unfrozen while
   * fine-tuning. A parameter may belong to one group only.
   *
   * @example
   * ```ts
   * opt.addParamGroup({ params: model.encoder.parameters(), lr: 1e-4 });
   * ```
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    const op = this.name;
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new TensorError(op, 'a parameter group must be an object with a "params" field');
    }
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    const seen = new Set<Tensor>();
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TensorError(op, `can only optimize Tensors, got ${typeof p}`);
      if (p.dtype !== 'float32' && p.dtype !== 'float64') {
        throw new TensorError(op, `can only optimize floating-point tensors, got a ${p.dtype} tensor`);
      }
      if (!p.isLeaf) throw new TensorError(op, "can't optimize a non-leaf Tensor");
      if (seen.has(p)) throw new TensorError(op, 'a parameter group contains the same parameter twice');
      seen.add(p);
    }
    for (const other of this.paramGroups) {
      for (const p of other.params) {
        if (seen.has(p)) throw new TensorError(op, 'some parameters appear in more than one parameter group');
      }
    }
    // The group's own options over the defaults; tuples are copied so that groups never share one array.
    const merged: Record<string, unknown> = {};
    for (const source of [this.defaults, group]) {
      for (const [key, value] of Object.entries(source)) {
        if (value !== undefined) merged[key] = Array.isArray(value) ? value.slice() : value;
      }
    }
    merged.params = params;
    const checked = merged as ParamGroup<H>;
    if (typeof checked.lr !== 'number') {
      throw new TensorError(op, 'a parameter group did not specify a learning rate (lr) and there is no default');
    }
    if (!(checked.lr >= 0)) throw new TensorError(op, `invalid learning rate: ${checked.lr}`);
    this.validateGroup(checked);
    this.paramGroups.push(checked);
  }

  /**
   * Clears the gradients of all parameters: sets them to null (the default, like PyTorch 2), or fills them
   * with zeros if `setToNone` is false. A null gradient makes `step()` skip that parameter.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) {
          p.grad = null;
        } else {
          // A gradient computed with createGraph is part of a graph: cut it loose before zeroing it in place.
          if (p.grad.requiresGrad) p.grad = p.grad.detach();
          const g = p.grad;
          noGrad(() => g.zero_());
        }
      }
    }
  }

  /**
   * Performs one update of every parameter that has a gradient. If given, `closure` (which should clear the
   * gradients, compute the loss, call `backward()` and return the loss) runs first with gradients enabled,
   * and its result is returned.
   *
   * @example
   * ```ts
   * opt.step();
   * const loss = opt.step(() => { opt.zeroGrad(); const l = lossFn(); l.backward(); return l; });
   * ```
   */
  step<T = unknown>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const param of group.params) {
          const grad = param.grad;
          if (grad === null) continue;
          this.checkGrad(param, grad);
          this.updateParam(param, grad, this.stateOf(param), group);
          param.markModified();
        }
      }
    });
    return loss;
  }

  private checkGrad(param: Tensor, grad: Tensor): void {
    if (grad.dtype !== param.dtype || grad.ndim !== param.ndim || grad.shape.some((d, i) => d !== param.shape[i])) {
      throw new TensorError(
        this.name,
        `a parameter of shape ${fmtShape(param.shape)} (${param.dtype}) has a gradient of shape ${fmtShape(grad.shape)} (${grad.dtype})`,
      );
    }
  }

  /** The state of `p`, created empty on first use (PyTorch's `defaultdict`). */
  private stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * The optimizer's state as plain data, with PyTorch's layout and key names (see
   * {@link OptimizerStateDict}). State tensors are copies, so the result is a snapshot that later steps do
   * not change; hyperparameters are copied too.
   *
   * @example
   * ```ts
   * const saved = opt.stateDict();
   * // ... later, on an optimizer over the same parameters:
   * opt2.loadStateDict(saved);
   * ```
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups: OptimizerStateDict['param_groups'] = [];
    for (const group of this.paramGroups) {
      const packed: OptimizerStateDict['param_groups'][number] = { params: [] };
      for (const [key, value] of Object.entries(group)) {
        if (key === 'params' || value === undefined) continue;
        packed[snakeCase(key)] = copyHyperparam(key, value, this.name);
      }
      packed.params = group.params.map((p) => {
        let i = index.get(p);
        if (i === undefined) {
          i = index.size;
          index.set(p, i);
        }
        return i;
      });
      paramGroups.push(packed);
    }
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const copy: ParamState = {};
      for (const [key, value] of Object.entries(s)) copy[key] = value instanceof Tensor ? value.clone() : value;
      state[i] = copy;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Restores state saved by {@link Optimizer.stateDict} (or converted from PyTorch's `state_dict()`): the
   * groups must have the same sizes as this optimizer's. Each group's hyperparameters are replaced by the
   * saved ones; state tensors are copied and converted to their parameter's dtype; a one-element `step`
   * tensor (PyTorch keeps Adam's step count as a tensor) becomes a number.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    const saved = stateDict.param_groups;
    if (!Array.isArray(saved) || saved.length !== this.paramGroups.length) {
      throw new TensorError(
        op,
        `the state dict has ${Array.isArray(saved) ? saved.length : 'no'} parameter groups, the optimizer has ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    saved.forEach((g, gi) => {
      const own = this.paramGroups[gi].params;
      if (!Array.isArray(g.params) || g.params.length !== own.length) {
        throw new TensorError(
          op,
          `parameter group ${gi} has ${Array.isArray(g.params) ? g.params.length : 'no'} parameters in the state dict, ${own.length} in the optimizer`,
        );
      }
      g.params.forEach((idx, j) => {
        byIndex.set(idx, own[j]);
      });
    });
    const newState = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(stateDict.state ?? {})) {
      const p = byIndex.get(Number(key));
      if (p === undefined) throw new TensorError(op, `state for parameter ${key}, which is in no parameter group`);
      const copy: ParamState = {};
      for (const [name, value] of Object.entries(entry)) copy[name] = this.loadStateValue(op, p, name, value);
      newState.set(p, copy);
    }
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
    saved.forEach((g, gi) => {
      // Replace the hyperparameters in place, so references to the group stay valid.
      const group = this.paramGroups[gi] as Record<string, unknown>;
      const params = group.params;
      for (const key of Object.keys(group)) delete group[key];
      for (const [key, value] of Object.entries(g)) {
        if (key !== 'params') group[camelCase(key)] = copyHyperparam(key, value, op);
      }
      group.params = params;
    });
  }

  private loadStateValue(op: string, p: Tensor, name: string, value: ParamStateValue): ParamStateValue {
    if (!(value instanceof Tensor)) return value;
    if (name === 'step') {
      if (value.size !== 1) throw new TensorError(op, `"step" must be a number or a one-element tensor`);
      return value.item();
    }
    if (value.size !== p.size || value.shape.some((d, i) => d !== p.shape[i]) || value.ndim !== p.ndim) {
      throw new TensorError(
        op,
        `state "${name}" has shape ${fmtShape(value.shape)} but its parameter has shape ${fmtShape(p.shape)}`,
      );
    }
    return noGrad(() => value.detach().to(p.dtype).clone());
  }
}

/**
 * The storage of a state tensor (created by the optimizer, so always floating, contiguous, and shaped like
 * its parameter).
 */
export function floatData(t: Tensor): FloatArray {
  return t.data as FloatArray;
}

/** Throws unless `value` is a finite number ≥ 0 (PyTorch's "Invalid ... value" checks). */
export function checkNonNegative(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0)) throw new TensorError(op, `invalid ${name} value: ${value}`);
}

/** Throws unless `betas` is a pair in [0, 1). */
export function checkBetas(op: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new TensorError(op, 'betas must be a pair [beta1, beta2]');
  betas.forEach((b, i) => {
    if (typeof b !== 'number' || !(b >= 0 && b < 1)) {
      throw new TensorError(op, `invalid beta parameter at index ${i}: ${b}`);
    }
  });
}
