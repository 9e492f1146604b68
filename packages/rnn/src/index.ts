/**
 * `@tensorloom/rnn`: recurrent networks for Tensorloom — `RNN`, `LSTM`, `GRU` and their cells with PyTorch's
 * options, parameter names and gate orders (a PyTorch state dict loads unchanged), variable-length batches
 * with packed-sequence semantics, an unrolled view for teaching (exercise 6-1), an encoder–decoder with
 * teacher forcing, greedy and beam-search decoding, a vocabulary helper, and sequence utilities
 * (padding, batching, truncated backpropagation through time).
 *
 * @packageDocumentation
 */
export type { CellOptions, RNNCellOptions } from './cells';
export { GRUCell, LSTMCell, RNNCell, RNNCellBase } from './cells';
export type {
  CellKind,
  LayerWeights,
  LSTMState,
  Nonlinearity,
  RecurrentLayerOptions,
  RecurrentLayerResult,
  RecurrentOptions,
  RecurrentResult,
  RecurrentState,
} from './functional';
export * as functional from './functional';
export type { RecurrentForwardOptions, RNNBaseOptions, RNNOptions } from './rnn';
export { GRU, LSTM, RNN, RNNBase } from './rnn';
export type {
  BeamSearchOptions,
  DecodeResult,
  DecoderOutput,
  DecodeStep,
  EncoderOutput,
  GreedySearchOptions,
  SampleSearchOptions,
  Seq2SeqBeamOptions,
  Seq2SeqDecodeOptions,
  Seq2SeqLayerOptions,
  Seq2SeqOptions,
  TeacherForcingOptions,
} from './seq2seq';
export {
  beamSearch,
  DecoderRNN,
  EncoderRNN,
  greedySearch,
  Seq2Seq,
  sampleSearch,
  selectStateRows,
} from './seq2seq';
export type {
  BatchIndicesOptions,
  BpttWindow,
  LengthsToMaskOptions,
  PaddedTokens,
  PadSequenceOptions,
  PadTokensOptions,
  TruncatedBpttOptions,
} from './sequence';
export { batchIndices, detachState, lengthsToMask, padSequence, padTokens, truncatedBptt } from './sequence';
export type { Unrolled, UnrollOptions } from './unroll';
export { unroll } from './unroll';
export type {
  BuildVocabularyOptions,
  DecodeOptions,
  EncodeOptions,
  SpecialTokens,
  TokenLevel,
  VocabularyJSON,
  VocabularyOptions,
} from './vocab';
export { DEFAULT_SPECIALS, Vocabulary } from './vocab';
