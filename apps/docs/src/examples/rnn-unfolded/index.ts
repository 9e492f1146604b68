/**
 * Exercise 6-1(a): the RNN h_t = σ(W h_{t-1} + U x_t) with h_0 = 0, unfolded for T time steps. `unroll`
 * runs the cell step by step and labels every tensor (x_t, h_t, W, U); backward() then sends the gradient of
 * h_T back through time, and the graph shows each tensor with its value and gradient.
 */

import { RNNCell, unroll } from '@tensorloom/rnn';
import { Generator, type Graph, manualSeed, randn } from '@tensorloom/tensor-core';

export interface UnfoldInput {
  /** Time steps T. */
  steps: number;
  /** Size d of x_t and h_t. */
  size: number;
  /** Seed of the weights W, U and the inputs x_t. */
  seed: number;
}

export interface UnfoldResult {
  /** The graph collapsed to the labelled tensors: x_1..x_T, h_0..h_T, W, U; edges carry the hidden ops. */
  graph: Graph;
  /** h_1 … h_T. */
  states: number[][];
  /** The gradient of sum(h_T) with respect to W: one contribution per time step, added up. */
  gradW: number[][];
  /** |d(sum h_T)/dh_t| for t = 1..T: how strongly each state still influences the last one. */
  gradNorms: number[];
}

export function run({ steps, size, seed }: UnfoldInput): UnfoldResult {
  manualSeed(seed); // W and U
  const cell = new RNNCell(size, size, { nonlinearity: 'sigmoid', bias: false }); // U = weight_ih, W = weight_hh
  const xs = randn([steps, size], { generator: new Generator(seed + 1) }); // x_1 … x_T, one row each

  const u = unroll(cell, xs); // h_0 = 0, then h_t = σ(W h_{t-1} + U x_t) for t = 1..T
  for (const h of u.hidden.slice(1)) h.retainGrad(); // keep d(sum h_T)/dh_t to show it on the graph
  const hT = u.hidden[steps];
  hT.sum().backward(); // backpropagation through time: from h_T back to h_1, W and U

  return {
    graph: u.graph({ collapse: true, includeValues: true }),
    states: u.hidden.slice(1).map((h) => h.toArray() as number[]),
    gradW: cell.weight_hh.grad?.toArray() as number[][],
    gradNorms: u.hidden.slice(1).map((h) => h.grad?.pow(2).sum().sqrt().item() ?? 0),
  };
}

export const defaults: UnfoldInput = { steps: 3, size: 2, seed: 1 };
