import { TensorError } from './errors';

/** The saved state of a {@link Generator}: four 32-bit words, plain data (JSON-safe) for checkpoints. */
export interface GeneratorState {
  readonly algorithm: 'xoshiro128**';
  readonly seed: number;
  readonly words: readonly [number, number, number, number];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seedable pseudo-random generator (xoshiro128**, 2^128 - 1 period). Every random function takes an
 * optional `generator`; without one they use the default generator that {@link manualSeed} seeds.
 * Its state can be saved and restored, so a resumed training run draws the same numbers.
 *
 * @example
 * ```ts
 * const g = new Generator(42);
 * const s = g.getState();
 * const a = randn([3], { generator: g });
 * g.setState(s);
 * const b = randn([3], { generator: g }); // equals a
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private seed = 0;

  /** @param seed - any safe integer; the same seed gives the same sequence on every platform. */
  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Re-seeds the generator; returns it for chaining. */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed)) throw new TensorError('manualSeed', `seed must be a safe integer, got ${seed}`);
    this.seed = seed;
    // Mix both halves of the 53-bit seed so nearby seeds give unrelated streams.
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    const next = splitmix32((seed >>> 0) ^ Math.imul(hi, 0x9e3779b1));
    this.s0 = next();
    this.s1 = next() ^ hi;
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    return this;
  }

  /** The seed last given to the constructor or {@link Generator.manualSeed}. */
  initialSeed(): number {
    return this.seed;
  }

  /** A copy of the current state. */
  getState(): GeneratorState {
    return {
      algorithm: 'xoshiro128**',
      seed: this.seed,
      words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
    };
  }

  /** Restores a state from {@link Generator.getState}. */
  setState(state: GeneratorState): this {
    const w = state?.words;
    if (state?.algorithm !== 'xoshiro128**' || !Array.isArray(w) || w.length !== 4) {
      throw new TensorError('Generator.setState', 'expected a state returned by Generator.getState()');
    }
    for (const x of w) {
      if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) {
        throw new TensorError('Generator.setState', `state words must be 32-bit unsigned integers, got ${x}`);
      }
    }
    if ((w[0] | w[1] | w[2] | w[3]) === 0) throw new TensorError('Generator.setState', 'an all-zero state is invalid');
    [this.s0, this.s1, this.s2, this.s3] = w;
    this.seed = state.seed;
    return this;
  }

  /** The next uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Fills `out` with uniform values in [low, high). */
  fillUniform(out: Float32Array | Float64Array, low = 0, high = 1): void {
    const span = high - low;
    for (let i = 0; i < out.length; i++) {
      let v = low + span * this.nextDouble();
      // Rounding to float32 can land exactly on `high`; keep the interval half-open.
      if (out instanceof Float32Array && Math.fround(v) >= high) v = low;
      out[i] = v;
    }
  }

  /** Fills `out` with normal values (Box–Muller), mean `mean`, standard deviation `std`. */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): void {
    for (let i = 0; i < out.length; i += 2) {
      let u1 = this.nextDouble();
      while (u1 === 0) u1 = this.nextDouble();
      const u2 = this.nextDouble();
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
    }
  }

  /** A uniform integer in [low, high), without modulo bias. */
  nextInt(low: number, high: number): number {
    const span = high - low;
    if (span <= 0) throw new TensorError('randint', `empty range [${low}, ${high})`);
    if (span <= 0x100000000) {
      const limit = Math.floor(0x100000000 / span) * span;
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % span);
    }
    return low + Math.floor(this.nextDouble() * span);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when a random function is given none. */
export const defaultGenerator = new Generator(0);

/**
 * Seeds the default generator, like `torch.manual_seed`.
 *
 * @example
 * ```ts
 * manualSeed(0); const a = rand([2]);
 * manualSeed(0); const b = rand([2]); // same values as a
 * ```
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
