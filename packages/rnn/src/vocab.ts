import { type Tensor, TensorError } from '@tensorloom/tensor-core';
import { type PaddedTokens, padTokens } from './sequence';

/** How a {@link Vocabulary} splits text: into characters (Unicode code points) or whitespace-separated words. */
export type TokenLevel = 'char' | 'word';

/** The special tokens, which always take the first ids: `pad` 0, `sos` 1, `eos` 2, `unk` 3. */
export interface SpecialTokens {
  /** Fills batches after a sequence's end. */
  pad: string;
  /** Start of sequence: a decoder's first input. */
  sos: string;
  /** End of sequence: what a decoder emits to stop. */
  eos: string;
  /** Stands for any token not in the vocabulary. */
  unk: string;
}

/** The default special tokens. */
export const DEFAULT_SPECIALS: Readonly<SpecialTokens> = Object.freeze({
  pad: '<pad>',
  sos: '<sos>',
  eos: '<eos>',
  unk: '<unk>',
});

/** Options of the {@link Vocabulary} constructor. */
export interface VocabularyOptions {
  /** `char` (default) or `word`. */
  level?: TokenLevel;
  /** Other spellings of the special tokens. */
  specials?: Partial<SpecialTokens>;
  /** Lower-case text before tokenising (default false). */
  lowercase?: boolean;
}

/** Options of {@link Vocabulary.fromTexts}. */
export interface BuildVocabularyOptions extends VocabularyOptions {
  /** Leave out tokens seen fewer times than this (default 1). */
  minFreq?: number;
  /** At most this many entries, the four specials included (default: no limit). The most frequent tokens stay. */
  maxSize?: number;
}

/** Options of {@link Vocabulary.encode}. */
export interface EncodeOptions {
  /** Put `<sos>` first (default false). */
  addSos?: boolean;
  /** Put `<eos>` last (default false). */
  addEos?: boolean;
}

/** Options of {@link Vocabulary.decode}. */
export interface DecodeOptions {
  /** Stop at the first `<eos>` (default true). */
  stopAtEos?: boolean;
  /** Leave out `<pad>`, `<sos>` and `<eos>` (default true). `<unk>` is always kept. */
  skipSpecials?: boolean;
}

/** What {@link Vocabulary.toJSON} returns and {@link Vocabulary.fromJSON} reads. */
export interface VocabularyJSON {
  level: TokenLevel;
  lowercase: boolean;
  specials: SpecialTokens;
  /** Every entry in id order, specials first. */
  tokens: string[];
}

/**
 * A token ↔ id table with a tokeniser, for character- and word-level models: ids 0–3 are the special tokens
 * `<pad>`, `<sos>`, `<eos>`, `<unk>`, then the tokens (by default most frequent first). Encoding maps unknown
 * tokens to `<unk>`; decoding stops at `<eos>` and drops the other specials, so `decode(encode(text))`
 * returns the text (words re-joined by single spaces) whenever every token is known.
 *
 * @example
 * ```ts
 * const vocab = Vocabulary.fromTexts(['hello world', 'hold the door'], { level: 'word' });
 * const ids = vocab.encode('hello door', { addSos: true, addEos: true }); // [1, 4, 8, 2]
 * vocab.decode(ids);                                                      // 'hello door'
 * const { tokens, lengths } = vocab.encodeBatch(['hello', 'the world'], { addEos: true }); // int32 (2, 3)
 * ```
 */
export class Vocabulary {
  /** The tokeniser's unit. */
  readonly level: TokenLevel;
  /** Whether text is lower-cased before tokenising. */
  readonly lowercase: boolean;
  /** The spellings of the special tokens. */
  readonly specials: Readonly<SpecialTokens>;
  /** Every entry in id order: the four specials, then the tokens. */
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;

  /**
   * @param tokens - the ordinary tokens in id order (ids from 4 up); duplicates and specials are an error
   * @param options - `level`, `specials`, `lowercase`
   */
  constructor(tokens: readonly string[], options: VocabularyOptions = {}) {
    this.level = options.level ?? 'char';
    if (this.level !== 'char' && this.level !== 'word') {
      throw new TensorError('Vocabulary', `level must be 'char' or 'word', got ${String(this.level)}`);
    }
    this.lowercase = options.lowercase ?? false;
    this.specials = Object.freeze({ ...DEFAULT_SPECIALS, ...options.specials });
    const s = this.specials;
    this.tokens = Object.freeze([s.pad, s.sos, s.eos, s.unk, ...tokens]);
    this.ids = new Map();
    this.tokens.forEach((t, i) => {
      if (this.ids.has(t))
        throw new TensorError('Vocabulary', `token "${t}" appears twice (ids ${this.ids.get(t)} and ${i})`);
      this.ids.set(t, i);
    });
  }

  /**
   * Builds a vocabulary from texts: every token seen at least `minFreq` times, most frequent first (ties in
   * order of first appearance), cut to `maxSize` entries.
   */
  static fromTexts(texts: Iterable<string>, options: BuildVocabularyOptions = {}): Vocabulary {
    const probe = new Vocabulary([], options);
    const counts = new Map<string, number>();
    for (const text of texts) for (const t of probe.tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const specials = new Set(probe.tokens);
    const minFreq = options.minFreq ?? 1;
    // Map iteration follows insertion (first appearance); the stable sort keeps that order among ties.
    let kept = [...counts]
      .filter(([t, n]) => n >= minFreq && !specials.has(t))
      .sort((a, b) => b[1] - a[1])
      .map(([t]) => t);
    if (options.maxSize !== undefined) kept = kept.slice(0, Math.max(0, options.maxSize - specials.size));
    return new Vocabulary(kept, options);
  }

  /** Reads what {@link Vocabulary.toJSON} wrote. */
  static fromJSON(json: VocabularyJSON): Vocabulary {
    return new Vocabulary(json.tokens.slice(4), json);
  }

  /** Number of entries, specials included (an `Embedding`'s `numEmbeddings`, an output layer's width). */
  get size(): number {
    return this.tokens.length;
  }

  /** Id of `<pad>` (0). */
  get padId(): number {
    return 0;
  }

  /** Id of `<sos>` (1). */
  get sosId(): number {
    return 1;
  }

  /** Id of `<eos>` (2). */
  get eosId(): number {
    return 2;
  }

  /** Id of `<unk>` (3). */
  get unkId(): number {
    return 3;
  }

  /** Splits text into tokens: code points (`char`) or whitespace-separated words (`word`). */
  tokenize(text: string): string[] {
    const t = this.lowercase ? text.toLowerCase() : text;
    if (this.level === 'char') return Array.from(t);
    return t.split(/\s+/).filter((w) => w !== '');
  }

  /** Joins tokens back into text: directly (`char`) or with single spaces (`word`). */
  detokenize(tokens: readonly string[]): string {
    return tokens.join(this.level === 'char' ? '' : ' ');
  }

  /** The id of `token`, or `<unk>`'s. */
  tokenToId(token: string): number {
    return this.ids.get(token) ?? this.unkId;
  }

  /** The token of `id`. */
  idToToken(id: number): string {
    const t = this.tokens[id];
    if (t === undefined || !Number.isInteger(id)) {
      throw new TensorError('Vocabulary', `id ${id} is out of range for a vocabulary of ${this.size}`);
    }
    return t;
  }

  /** Text → ids (unknown tokens become `<unk>`), optionally framed by `<sos>` and `<eos>`. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids = this.tokenize(text).map((t) => this.tokenToId(t));
    if (options.addSos) ids.unshift(this.sosId);
    if (options.addEos) ids.push(this.eosId);
    return ids;
  }

  /** Ids (a list, or a 1-d int32 tensor) → text; by default stops at `<eos>` and drops the other specials. */
  decode(ids: readonly number[] | Tensor, options: DecodeOptions = {}): string {
    const list = Array.isArray(ids) ? ids : Array.from((ids as Tensor).data, Number);
    const stop = options.stopAtEos ?? true;
    const skip = options.skipSpecials ?? true;
    const out: string[] = [];
    for (const id of list) {
      if (stop && id === this.eosId) break;
      if (skip && (id === this.padId || id === this.sosId || id === this.eosId)) continue;
      out.push(this.idToToken(id));
    }
    return this.detokenize(out);
  }

  /** Encodes several texts into one padded int32 batch (`<pad>` after each end) and their lengths. */
  encodeBatch(
    texts: readonly string[],
    options: EncodeOptions & { batchFirst?: boolean; maxLength?: number } = {},
  ): PaddedTokens {
    return padTokens(
      texts.map((t) => this.encode(t, options)),
      { padId: this.padId, batchFirst: options.batchFirst, maxLength: options.maxLength },
    );
  }

  /** Decodes every row of a `(B, T)` int32 batch (or a list of id lists). */
  decodeBatch(batch: Tensor | readonly (readonly number[])[], options: DecodeOptions = {}): string[] {
    if (Array.isArray(batch)) return (batch as readonly (readonly number[])[]).map((ids) => this.decode(ids, options));
    const t = batch as Tensor;
    if (t.ndim !== 2) throw new TensorError('Vocabulary', `decodeBatch expects (B, T) ids, got ${t.ndim}-d`);
    const [B, T] = t.shape;
    return Array.from({ length: B }, (_, b) =>
      this.decode(Array.from(t.data.subarray(b * T, (b + 1) * T), Number), options),
    );
  }

  /** A plain object for `JSON.stringify`, read back by {@link Vocabulary.fromJSON}. */
  toJSON(): VocabularyJSON {
    return { level: this.level, lowercase: this.lowercase, specials: { ...this.specials }, tokens: [...this.tokens] };
  }
}
