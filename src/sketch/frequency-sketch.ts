/**
 * A mergeable frequency counter with a bounded number of categories.
 *
 * Exact while at most `capacity` distinct values have been seen (the common case for
 * categorical features). Beyond that it becomes a Misra-Gries summary in its mergeable
 * form (Agarwal et al., "Mergeable Summaries", 2012) with `h = floor(capacity / 2)`
 * counters: when more than `capacity` values are tracked, the `(h + 1)`-th largest count
 * is subtracted from every counter and counters that reach zero are dropped. Every
 * stored count then under-estimates the true count by at most
 * `errorBound = (n - sum of stored counts) / (h + 1)`, any value whose true count exceeds
 * that bound is still tracked, and the untracked mass `n - sum of stored counts` is
 * reported as "other".
 *
 * @module
 */
import { MlopsError } from '../errors';

/** The default number of distinct values counted exactly. */
export const DEFAULT_MAX_CATEGORIES = 1000;

/** Options for a {@link FrequencySketch}. */
export interface FrequencySketchOptions {
  /** Distinct values counted exactly before the sketch starts to approximate (default 1000). */
  capacity?: number;
}

/** The JSON form of a {@link FrequencySketch}. */
export interface FrequencySketchJSON {
  /** Always `'frequency'`. */
  kind: 'frequency';
  /** Format version; currently 1. */
  version: 1;
  /** Distinct values counted exactly. */
  capacity: number;
  /** Values counted (exact). */
  n: number;
  /** Tracked values and their counts, largest count first (ties by value). */
  items: [string, number][];
}

/** A value and its (estimated) count. */
export interface FrequencyItem {
  /** The category. */
  value: string;
  /** Its count (exact when the sketch is exact, a lower bound otherwise). */
  count: number;
}

/**
 * Counts categorical values exactly up to `capacity` distinct values, approximately
 * (Misra-Gries) beyond, and merges across processes.
 *
 * @example
 * ```ts
 * import { FrequencySketch } from 'mlops-kit';
 * const f = new FrequencySketch();
 * f.addAll(['FR', 'DE', 'FR']);
 * f.count('FR'); // 2
 * f.top(1);      // [{ value: 'FR', count: 2 }]
 * ```
 */
export class FrequencySketch {
  /** Distinct values counted exactly. */
  readonly capacity: number;
  private counts = new Map<string, number>();
  private total = 0;
  private stored = 0;

  constructor(options: FrequencySketchOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_MAX_CATEGORIES;
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > 1_000_000) {
      throw new MlopsError('INVALID_ARGUMENT', `FrequencySketch capacity must be an integer between 2 and 1000000, got ${String(capacity)}.`);
    }
    this.capacity = capacity;
  }

  /** Values counted. */
  get n(): number {
    return this.total;
  }
  /** True while every count is exact (no value was ever dropped). */
  get isExact(): boolean {
    return this.stored === this.total;
  }
  /** Number of tracked distinct values (all distinct values while exact). */
  get distinct(): number {
    return this.counts.size;
  }
  /** The mass not attributed to any tracked value (0 while exact). */
  get untracked(): number {
    return this.total - this.stored;
  }
  /** Maximum under-estimate of any stored count (0 while exact). */
  get errorBound(): number {
    return (this.total - this.stored) / (Math.floor(this.capacity / 2) + 1);
  }

  /** Adds `count` occurrences of `value`. */
  add(value: string, count = 1): this {
    if (!(count > 0)) return this;
    this.counts.set(value, (this.counts.get(value) ?? 0) + count);
    this.total += count;
    this.stored += count;
    if (this.counts.size > this.capacity) this.prune();
    return this;
  }

  /** Adds one occurrence of each value (`null`/`undefined` are skipped). */
  addAll(values: Iterable<string | null | undefined>): this {
    for (const v of values) if (v !== null && v !== undefined) this.add(v);
    return this;
  }

  /** Adds dictionary-encoded values: `counts[i]` occurrences of `categories[i]`. */
  addCounts(categories: readonly string[], counts: ArrayLike<number>): this {
    for (let i = 0; i < categories.length; i++) if (counts[i] > 0) this.add(categories[i], counts[i]);
    return this;
  }

  /** The (estimated) count of a value; 0 when untracked. */
  count(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  /** Tracked values, largest count first, ties broken by value (deterministic). */
  items(): FrequencyItem[] {
    return [...this.counts].sort(byCountThenValue).map(([value, count]) => ({ value, count }));
  }

  /** The `k` most frequent tracked values. */
  top(k: number): FrequencyItem[] {
    return this.items().slice(0, k);
  }

  /** Folds another sketch into this one. Returns `this`. */
  merge(other: FrequencySketch): this {
    if (other === this) return this.merge(other.clone());
    for (const [value, count] of other.counts) this.counts.set(value, (this.counts.get(value) ?? 0) + count);
    this.total += other.total;
    this.stored += other.stored;
    if (this.counts.size > this.capacity) this.prune();
    return this;
  }

  /** An independent copy. */
  clone(): FrequencySketch {
    const out = new FrequencySketch({ capacity: this.capacity });
    out.counts = new Map(this.counts);
    out.total = this.total;
    out.stored = this.stored;
    return out;
  }

  /** JSON form; {@link FrequencySketch.fromJSON} restores it exactly. */
  toJSON(): FrequencySketchJSON {
    return { kind: 'frequency', version: 1, capacity: this.capacity, n: this.total, items: [...this.counts].sort(byCountThenValue) };
  }

  /**
   * Restores {@link toJSON} output: a wrong kind or version throws `MONITOR_INCOMPATIBLE`,
   * malformed content `INVALID_ARGUMENT`.
   */
  static fromJSON(json: unknown, what = 'frequency sketch'): FrequencySketch {
    const bad = (why: string): MlopsError => new MlopsError('INVALID_ARGUMENT', `Invalid ${what}: ${why}.`);
    if (typeof json !== 'object' || json === null) throw bad('expected an object');
    const j = json as Partial<FrequencySketchJSON>;
    if (j.kind !== 'frequency' || j.version !== 1) {
      throw new MlopsError(
        'MONITOR_INCOMPATIBLE',
        `Unsupported ${what}: kind ${JSON.stringify(j.kind)} version ${JSON.stringify(j.version)}; this release reads kind "frequency" version 1.`,
      );
    }
    if (!Number.isInteger(j.capacity)) throw bad('capacity must be an integer');
    const out = new FrequencySketch({ capacity: j.capacity });
    if (!Number.isSafeInteger(j.n) || (j.n as number) < 0) throw bad('n must be a non-negative integer');
    if (!Array.isArray(j.items)) throw bad('items must be an array of [value, count] pairs');
    for (const item of j.items) {
      if (!Array.isArray(item) || typeof item[0] !== 'string' || !Number.isSafeInteger(item[1]) || item[1] <= 0) {
        throw bad(`item ${JSON.stringify(item)} is not a [string, positive integer] pair`);
      }
      if (out.counts.has(item[0])) throw bad(`value ${JSON.stringify(item[0])} appears twice`);
      out.counts.set(item[0], item[1]);
      out.stored += item[1];
    }
    if (out.counts.size > out.capacity) throw bad(`${out.counts.size} items exceed the capacity ${out.capacity}`);
    if (out.stored > (j.n as number)) throw bad(`counts add up to ${out.stored}, more than n = ${j.n}`);
    out.total = j.n as number;
    return out;
  }

  private prune(): void {
    const sorted = [...this.counts.values()].sort((a, b) => b - a);
    const cut = sorted[Math.floor(this.capacity / 2)];
    let stored = 0;
    for (const [value, count] of this.counts) {
      if (count <= cut) this.counts.delete(value);
      else {
        this.counts.set(value, count - cut);
        stored += count - cut;
      }
    }
    this.stored = stored;
  }
}

function byCountThenValue(a: [string, number], b: [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}
