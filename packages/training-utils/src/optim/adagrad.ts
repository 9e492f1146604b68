import type { Tensor } from '@tensorloom/tensor-core';
import { fullLike } from '@tensorloom/tensor-core';
import type { FloatArray, ParamGroup, ParamState, ParamsInput } from './optimizer';
import { checkNonNegative, floatData, Optimizer } from './optimizer';

/** Hyperparameters of {@link Adagrad} (each parameter group has all of them). */
export interface AdagradHyperparams {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Learning-rate decay η: step t uses `γ / (1 + (t-1)η)` (default 0). */
  lrDecay: number;
  /** L2 penalty λ added to the gradient as `λθ` (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/** Options of {@link Adagrad}: any of the hyperparameters. */
export type AdagradOptions = Partial<AdagradHyperparams>;

/**
 * One Adagrad step for one parameter, in place — the body of PyTorch's `_single_tensor_adagrad` (dense
 * gradients), at step count `t` (already incremented):
 *
 * ```
 * g ← ±∇θ + λθ
 * s ← s + g²
 * θ ← θ - γ/(1 + (t-1)η) · g / (√s + ε)
 * ```
 */
function adagradUpdate(p: FloatArray, grad: FloatArray, sum: FloatArray, t: number, h: AdagradHyperparams) {
  const { lr, lrDecay, weightDecay, eps, maximize } = h;
  const clr = lr / (1 + (t - 1) * lrDecay);
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (weightDecay !== 0) g += weightDecay * p[i];
    sum[i] += g * g;
    p[i] -= (clr * g) / (Math.sqrt(sum[i]) + eps);
  }
}

/**
 * Adagrad (Duchi et al., 2011), PyTorch's `torch.optim.Adagrad`: each coordinate's step shrinks with the
 * sum of its squared gradients, `θ ← θ - γ g / (√Σg² + ε)`.
 *
 * State per parameter: `step` (number) and `sum`, created for every parameter when it joins the optimizer
 * (as in PyTorch, so a state dict lists them before the first step).
 *
 * @example
 * ```ts
 * const opt = new Adagrad(model.parameters(), { lr: 0.1, initialAccumulatorValue: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradHyperparams> {
  constructor(params: ParamsInput<AdagradHyperparams>, options: AdagradOptions = {}) {
    super(params, {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      eps: options.eps ?? 1e-10,
      maximize: options.maximize ?? false,
    });
  }

  protected override get name(): string {
    return 'Adagrad';
  }

  protected override validateGroup(group: ParamGroup<AdagradHyperparams>): void {
    checkNonNegative('Adagrad', 'lr_decay', group.lrDecay);
    checkNonNegative('Adagrad', 'weight_decay', group.weightDecay);
    checkNonNegative('Adagrad', 'initial_accumulator_value', group.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'epsilon', group.eps);
  }

  override addParamGroup(group: Parameters<Optimizer<AdagradHyperparams>['addParamGroup']>[0]): void {
    super.addParamGroup(group);
    const added = this.paramGroups[this.paramGroups.length - 1];
    for (const p of added.params) this.state.set(p, this.initialState(p, added));
  }

  private initialState(p: Tensor, group: ParamGroup<AdagradHyperparams>): ParamState {
    return { step: 0, sum: fullLike(p, group.initialAccumulatorValue) };
  }

  protected updateParam(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdagradHyperparams>): void {
    // A state dict from an optimizer that never saw this parameter leaves its state empty.
    if (state.sum === undefined) Object.assign(state, this.initialState(param, group));
    const t = (state.step as number) + 1;
    state.step = t;
    adagradUpdate(floatData(param), floatData(grad), floatData(state.sum as Tensor), t, group);
  }
}
