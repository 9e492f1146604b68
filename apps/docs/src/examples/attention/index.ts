/**
 * Global (Luong) attention with dot scores, worked on exercise 6-2's numbers: three encoder states
 * h̄_1, h̄_2, h̄_3 and the decoder state h_t. Every number comes from @tensorloom/tensor-core.
 */
import { exp, matmul, softmax, sum, tensor } from '@tensorloom/tensor-core';

export interface AttentionInput {
  /** The encoder's hidden states h̄_i, one row each (n × d). */
  encoder: number[][];
  /** The decoder's current state h_t (d). */
  decoder: number[];
}

export interface AttentionResult {
  /** Dot scores h̄_iᵀ h_t (n). */
  scores: number[];
  /** e^(score_i), the numerators of the softmax (n). */
  expScores: number[];
  /** Σ_k e^(score_k), the softmax's denominator. */
  expSum: number;
  /** Alignments a_t(h̄_i) = softmax(scores)_i (n), summing to 1. */
  alignments: number[];
  /** Context vector c_t = Σ_i a_t(h̄_i) h̄_i (d). */
  context: number[];
}

export function run({ encoder, decoder }: AttentionInput): AttentionResult {
  const H = tensor(encoder); // (n, d): row i is h̄_i
  const h = tensor(decoder); // (d)

  const scores = matmul(H, h); // (n, d) @ (d) → (n): score_i = h̄_iᵀ h_t
  const alignments = softmax(scores, 0); // (n): e^(score_i) / Σ_k e^(score_k)
  const context = matmul(alignments, H); // (n) @ (n, d) → (d): Σ_i a_i h̄_i

  // The softmax's pieces, to show the arithmetic. softmax itself computes exp(score - logsumexp(scores)),
  // which never forms a huge e^score, so large scores cannot overflow.
  const expScores = exp(scores); // (n)
  const expSum = sum(expScores); // ()

  return {
    scores: scores.toArray() as number[],
    expScores: expScores.toArray() as number[],
    expSum: expSum.item(),
    alignments: alignments.toArray() as number[],
    context: context.toArray() as number[],
  };
}

/** Exercise 6-2: "This is German" → "Dies ist deutsch", while the decoder is about to emit "deutsch". */
export const exercise62: AttentionInput = {
  encoder: [
    [0, 1, 1], // h̄_1, "This"
    [2, 1, 0], // h̄_2, "is"
    [0, 3, 0], // h̄_3, "German"
  ],
  decoder: [0, 2, 0], // h_t
};
