import type { Tensor } from '@tensorloom/tensor-core';
import { TensorError, zerosLike } from '@tensorloom/tensor-core';
import type { FloatArray, ParamGroup, ParamState, ParamsInput } from './optimizer';
import { checkNonNegative, floatData, Optimizer } from './optimizer';

/** Hyperparameters of {@link SGD} (each parameter group has all of them). */
export interface SGDHyperparams {
  /** Learning rate γ. */
  lr: number;
  /** Momentum factor μ (default 0: plain gradient descent). */
  momentum: number;
  /** Dampening τ of the gradient added to the momentum buffer (default 0). */
  dampening: number;
  /** L2 penalty λ added to the gradient as `λθ` (default 0). */
  weightDecay: number;
  /** Use Nesterov momentum (needs momentum > 0 and dampening 0; default false). */
  nesterov: boolean;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/** Options of {@link SGD}: `lr` (required unless every group sets its own) and any of the other hyperparameters. */
export type SGDOptions = Partial<SGDHyperparams>;

/**
 * One SGD step for one parameter, in place — the body of PyTorch's `_single_tensor_sgd`:
 *
 * ```
 * g ← ±∇θ + λθ
 * b ← g  (first step)   or   b ← μb + (1-τ)g
 * g ← g + μb  (Nesterov)   or   g ← b
 * θ ← θ - γg
 * ```
 *
 * `buf` is null when momentum is 0; `firstStep` says the buffer was just created and takes `g` as is.
 */
function sgdUpdate(p: FloatArray, grad: FloatArray, buf: FloatArray | null, firstStep: boolean, h: SGDHyperparams) {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = h;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (weightDecay !== 0) g += weightDecay * p[i];
    if (buf !== null) {
      buf[i] = firstStep ? g : momentum * buf[i] + (1 - dampening) * g;
      g = nesterov ? g + momentum * buf[i] : buf[i];
    }
    p[i] -= lr * g;
  }
}

/**
 * Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay — PyTorch's
 * `torch.optim.SGD`, with the same update (which puts the learning rate outside the momentum buffer:
 * `b ← μb + g; θ ← θ - γb`, unlike Sutskever et al.).
 *
 * State per parameter: `momentum_buffer` (a tensor, or null while momentum is 0).
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDHyperparams> {
  constructor(params: ParamsInput<SGDHyperparams>, options: SGDOptions = {}) {
    // No default learning rate, as in PyTorch: then every group must set its own.
    const defaults = {
      ...(options.lr !== undefined && { lr: options.lr }),
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    } as SGDHyperparams;
    super(params, defaults);
  }

  protected override get name(): string {
    return 'SGD';
  }

  protected override validateGroup(group: ParamGroup<SGDHyperparams>): void {
    checkNonNegative('SGD', 'momentum', group.momentum);
    checkNonNegative('SGD', 'weight_decay', group.weightDecay);
    if (typeof group.dampening !== 'number') throw new TensorError('SGD', `invalid dampening: ${group.dampening}`);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new TensorError('SGD', 'Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected updateParam(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<SGDHyperparams>): void {
    const useMomentum = group.momentum !== 0;
    let buf = (state.momentum_buffer as Tensor | null | undefined) ?? null;
    const firstStep = useMomentum && buf === null;
    if (firstStep) buf = zerosLike(param);
    state.momentum_buffer = buf;
    sgdUpdate(floatData(param), floatData(grad), useMomentum ? floatData(buf as Tensor) : null, firstStep, group);
  }
}
