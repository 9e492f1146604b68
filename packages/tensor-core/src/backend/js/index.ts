import { allocArray } from '../../dtype';
import type { Backend } from '../backend';
import { adaptiveMaxPoolIndices, fold, maxPoolIndices, unfold } from './conv';
import { copy } from './copy';
import { binary, cast, unary, where } from './elementwise';
import { gather, indexAdd, indexSelect, scatterAdd } from './indexing';
import { lstmCell, lstmCellBackward } from './lstm';
import { matmul } from './matmul';
import { argReduce, cumsum, reduce } from './reduce';
import { argsort } from './sort';

/** The default backend: plain JavaScript loops over typed arrays, written for speed (see each kernel). */
export const jsBackend: Backend = {
  name: 'js',
  alloc: allocArray,
  unary,
  binary,
  where,
  reduce,
  argReduce,
  cumsum,
  argsort,
  matmul,
  copy,
  cast,
  indexSelect,
  indexAdd,
  gather,
  scatterAdd,
  unfold,
  fold,
  maxPoolIndices,
  adaptiveMaxPoolIndices,
  lstmCell,
  lstmCellBackward,
};
