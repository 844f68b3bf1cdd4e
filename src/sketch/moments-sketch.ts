/**
 * Mergeable moments: count, mean, sum of squared deviations (M2), min and max.
 *
 * Batches are summarised with Welford's algorithm (`moments` in `math/summary`) and
 * combined with the pairwise formula of Chan, Golub and LeVeque (1979):
 * `mean = mean_a + d * n_b / n`, `M2 = M2_a + M2_b + d^2 * n_a * n_b / n` with
 * `d = mean_b - mean_a`. Counts, min and max merge exactly; mean and standard deviation
 * agree with a single pass over all the data to floating-point rounding.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { moments } from '../math/summary';

/** The JSON form of a {@link MomentsSketch}. */
export interface MomentsJSON {
  /** Non-missing values. */
  count: number;
  /** Mean (`null` when count is 0). */
  mean: number | null;
  /** Sum of squared deviations from the mean. */
  m2: number;
  /** Smallest value (`null` when count is 0). */
  min: number | null;
  /** Largest value (`null` when count is 0). */
  max: number | null;
}

/**
 * Running count, mean, variance, min and max that merge exactly across processes.
 *
 * @example
 * ```ts
 * import { MomentsSketch } from 'mlops-kit';
 * const a = MomentsSketch.of([1, 2, 3]);
 * a.merge(MomentsSketch.of([4, 5]));
 * a.mean; // 3
 * a.std;  // 1.5811... (sample standard deviation, ddof 1)
 * ```
 */
export class MomentsSketch {
  /** Non-missing values seen. */
  count = 0;
  /** Running mean (`NaN` when empty). */
  mean = NaN;
  /** Sum of squared deviations from the mean. */
  m2 = 0;
  /** Smallest value (`NaN` when empty). */
  min = NaN;
  /** Largest value (`NaN` when empty). */
  max = NaN;

  /** Moments of the non-`NaN` values of an array. */
  static of(values: ArrayLike<number>): MomentsSketch {
    return new MomentsSketch().addValues(values);
  }

  /** Sample variance (ddof 1); `NaN` below two values. */
  get variance(): number {
    return this.count > 1 ? this.m2 / (this.count - 1) : NaN;
  }
  /** Sample standard deviation (ddof 1), as pandas reports it; `0` for one value, `NaN` when empty. */
  get std(): number {
    return this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : this.count === 1 ? 0 : NaN;
  }
  /** Population standard deviation (ddof 0); `NaN` when empty. */
  get populationStd(): number {
    return this.count > 0 ? Math.sqrt(this.m2 / this.count) : NaN;
  }

  /** Adds one value (`NaN` ignored). */
  add(value: number): this {
    if (value !== value) return this;
    const n = ++this.count;
    if (n === 1) {
      this.mean = value;
      this.min = value;
      this.max = value;
      return this;
    }
    const d = value - this.mean;
    this.mean += d / n;
    this.m2 += d * (value - this.mean);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    return this;
  }

  /** Adds the non-`NaN` values of an array. */
  addValues(values: ArrayLike<number>): this {
    const m = moments(values);
    return this.combine(m.count, m.mean, m.m2, m.min, m.max);
  }

  /** Folds another sketch into this one. Returns `this`. */
  merge(other: MomentsSketch): this {
    return this.combine(other.count, other.mean, other.m2, other.min, other.max);
  }

  /** An independent copy. */
  clone(): MomentsSketch {
    return new MomentsSketch().merge(this);
  }

  /** JSON form (`NaN` becomes `null`). */
  toJSON(): MomentsJSON {
    const empty = this.count === 0;
    return { count: this.count, mean: empty ? null : this.mean, m2: this.m2, min: empty ? null : this.min, max: empty ? null : this.max };
  }

  /** Restores {@link toJSON} output; throws `INVALID_ARGUMENT` on inconsistent fields. */
  static fromJSON(json: unknown, what = 'moments'): MomentsSketch {
    const bad = (why: string): MlopsError => new MlopsError('INVALID_ARGUMENT', `Invalid ${what}: ${why}.`);
    if (typeof json !== 'object' || json === null) throw bad('expected an object');
    const j = json as Partial<MomentsJSON>;
    if (!Number.isSafeInteger(j.count) || (j.count as number) < 0) throw bad('count must be a non-negative integer');
    if (typeof j.m2 !== 'number' || !(j.m2 >= 0) || !Number.isFinite(j.m2)) throw bad('m2 must be a finite number >= 0');
    const out = new MomentsSketch();
    if (j.count === 0) return out;
    for (const key of ['mean', 'min', 'max'] as const) {
      if (typeof j[key] !== 'number' || !Number.isFinite(j[key])) throw bad(`${key} must be a finite number when count > 0`);
    }
    if (!((j.min as number) <= (j.mean as number) + 1e-9 * Math.abs(j.mean as number) && (j.mean as number) <= (j.max as number) + 1e-9 * Math.abs(j.mean as number))) {
      throw bad('mean must lie between min and max');
    }
    out.count = j.count as number;
    out.mean = j.mean as number;
    out.m2 = j.m2;
    out.min = j.min as number;
    out.max = j.max as number;
    return out;
  }

  private combine(n2: number, mean2: number, m22: number, min2: number, max2: number): this {
    if (n2 === 0) return this;
    const n1 = this.count;
    if (n1 === 0) {
      this.count = n2;
      this.mean = mean2;
      this.m2 = m22;
      this.min = min2;
      this.max = max2;
      return this;
    }
    const n = n1 + n2;
    const d = mean2 - this.mean;
    this.mean += (d * n2) / n;
    this.m2 += m22 + (d * d * n1 * n2) / n;
    this.count = n;
    if (min2 < this.min) this.min = min2;
    if (max2 > this.max) this.max = max2;
    return this;
  }
}
