/**
 * Seeded pseudo-random numbers: the single source of randomness in the SDK.
 *
 * The generator is xoshiro128** (Blackman and Vigna, 2018): 128 bits of state, period
 * 2^128 - 1, four 32-bit words updated with shifts, rotations and one multiply, so it is
 * fast in JavaScript's 32-bit integer arithmetic. The state is seeded from the user's seed
 * through splitmix32, so nearby seeds (1, 2, 3) give unrelated streams. String seeds are
 * hashed (FNV-1a) first.
 *
 * Every function in the SDK that shuffles, samples or initialises weights takes a `seed`
 * and builds its generator here, so every result is reproducible from that seed.
 *
 * @module
 */
import { MlopsError } from './errors';

/** A seeded generator. Not cryptographically secure. */
export interface Rng {
  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  uint32(): number;
  /** Uniform integer in [0, n). `n` must be a positive integer no larger than 2^32. */
  int(n: number): number;
  /** Standard normal deviate (Box-Muller, both values used). */
  normal(): number;
  /** Shuffles the array in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T;
  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array;
  /**
   * An independent generator derived from this one's seed and a label, without
   * consuming this generator's stream (so adding a fork does not change other results).
   */
  fork(label: string | number): Rng;
  /** The seed this generator was created from. */
  readonly seed: number;
}

/** Seeds accepted everywhere a `seed` option appears. */
export type Seed = number | string;

/** The seed used when none is given, so that "no seed" is still reproducible. */
export const DEFAULT_SEED = 42;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Normalises a {@link Seed} to an unsigned 32-bit integer. @internal */
export function seedToUint32(seed: Seed | undefined): number {
  if (seed === undefined) return DEFAULT_SEED;
  if (typeof seed === 'string') return fnv1a(seed);
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new MlopsError('INVALID_ARGUMENT', `seed must be a finite number or a string, got ${String(seed)}.`);
  }
  // Mix the high part of large seeds in instead of dropping it.
  const lo = seed >>> 0;
  const hi = Math.floor(Math.abs(seed) / 4294967296) >>> 0;
  return (lo ^ Math.imul(hi, 0x9e3779b9)) >>> 0;
}

class Xoshiro128 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed;
    // splitmix32 expands the seed into four non-zero words.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  next(): number {
    return this.uint32() / 4294967296;
  }

  int(n: number): number {
    if (!(n > 0) || n > 4294967296 || !Number.isInteger(n)) {
      throw new MlopsError('INVALID_ARGUMENT', `Rng.int(n) needs a positive integer n <= 2^32, got ${n}.`);
    }
    // Lemire's nearly-divisionless method would need 64-bit products; rejection
    // sampling on the top of the range keeps the result exactly uniform.
    const limit = 4294967296 - (4294967296 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  permutation(n: number): Uint32Array {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  fork(label: string | number): Rng {
    const mixed = Math.imul(this.seed ^ 0x5bd1e995, 0x27d4eb2d) ^ seedToUint32(label);
    return new Xoshiro128(mixed >>> 0);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Creates a seeded generator.
 *
 * @param seed - a number or a string; omitted means {@link DEFAULT_SEED}.
 * @example
 * ```ts
 * import { createRng } from 'mlops-kit';
 * const rng = createRng(7);
 * const order = rng.permutation(10); // the same order every run
 * ```
 */
export function createRng(seed?: Seed): Rng {
  return new Xoshiro128(seedToUint32(seed));
}
