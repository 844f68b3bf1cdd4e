/**
 * The first Wasserstein distance (earth mover's distance) between two samples.
 *
 * @module
 */
import { moments } from '../../math/summary';
import { invalidInput, nonNegativeVector, requireSample, requireSorted } from './input';
import { radixSort, sortedCopy } from './sort';

/** Options of {@link wasserstein}. */
export interface WassersteinOptions {
  /** Non-negative weights of the values of `a` (same length; they need not sum to 1). */
  weightsA?: ArrayLike<number>;
  /** Non-negative weights of the values of `b`. */
  weightsB?: ArrayLike<number>;
}

const FN = 'wasserstein';

function checkFinite(fn: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw invalidInput(
        fn,
        `${name}[${i}] is ${String(v)}; the Wasserstein distance needs finite values (remove missing values and infinities first).`,
        { argument: name, index: i },
      );
    }
  }
}

function weightsFor(fn: string, name: string, weights: ArrayLike<number> | undefined, n: number): Float64Array | null {
  if (weights === undefined) return null;
  const w = nonNegativeVector(fn, name, weights);
  if (w.length !== n) throw invalidInput(fn, `${name} has ${w.length} entries for ${n} values; give one weight per value.`, { argument: name });
  return w;
}

/** Adds terms in blocks of 1024 so that rounding error grows with log(n), not n. */
class BlockSum {
  private total = 0;
  private block = 0;
  private count = 0;

  add(term: number): void {
    this.block += term;
    if (++this.count === 1024) {
      this.total += this.block;
      this.block = 0;
      this.count = 0;
    }
  }

  get value(): number {
    return this.total + this.block;
  }
}

/**
 * ∫ |F_a - F_b| dx = Σ_k |F_a(x_k) - F_b(x_k)| (x_{k+1} - x_k) over the merged sorted
 * values x_k. Ties need no grouping: between equal values the width is 0.
 */
function distanceUnweighted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  const sum = new BlockSum();
  let i = 0;
  let j = 0;
  let cur = Math.min(a[0], b[0]);
  // Both sides left: a branch-free step (which side is next is a coin flip).
  while (i < n1 && j < n2) {
    const x = a[i];
    const y = b[j];
    const v = Math.min(x, y);
    sum.add(Math.abs(i / n1 - j / n2) * (v - cur));
    const takeA = +(x <= y);
    i += takeA;
    j += 1 - takeA;
    cur = v;
  }
  for (; i < n1; i++) {
    sum.add(Math.abs(i / n1 - j / n2) * (a[i] - cur));
    cur = a[i];
  }
  for (; j < n2; j++) {
    sum.add(Math.abs(i / n1 - j / n2) * (b[j] - cur));
    cur = b[j];
  }
  return sum.value;
}

/** {@link distanceUnweighted} with F the cumulative weight share. */
function distanceWeighted(a: ArrayLike<number>, wa: ArrayLike<number>, b: ArrayLike<number>, wb: ArrayLike<number>): number {
  let totalA = 0;
  let totalB = 0;
  for (let i = 0; i < a.length; i++) totalA += wa[i];
  for (let j = 0; j < b.length; j++) totalB += wb[j];
  const sum = new BlockSum();
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let cur = Math.min(a[0], b[0]);
  while (i < a.length || j < b.length) {
    const fromA = j >= b.length || (i < a.length && a[i] <= b[j]);
    const v = fromA ? a[i] : b[j];
    sum.add(Math.abs(ca / totalA - cb / totalB) * (v - cur));
    if (fromA) ca += wa[i++];
    else cb += wb[j++];
    cur = v;
  }
  return sum.value;
}

function distanceSorted(a: ArrayLike<number>, wa: ArrayLike<number> | null, b: ArrayLike<number>, wb: ArrayLike<number> | null): number {
  if (wa === null && wb === null) return distanceUnweighted(a, b);
  return distanceWeighted(a, wa ?? new Float64Array(a.length).fill(1), b, wb ?? new Float64Array(b.length).fill(1));
}

function sortWithWeights(fn: string, name: string, values: ArrayLike<number>, weights: Float64Array | null): { values: Float64Array; weights: Float64Array | null } {
  checkFinite(fn, name, values);
  if (weights === null) return { values: sortedCopy(values, fn, name), weights: null };
  const sorted = radixSort(Float64Array.from(values), weights, true, fn, name);
  return { values: sorted.values, weights: sorted.payload };
}

/**
 * The first Wasserstein distance W1 = ∫ |F_a(x) - F_b(x)| dx between the empirical
 * distributions of `a` and `b` (optionally weighted): the least "mass times distance"
 * needed to turn one histogram into the other, in the units of the data. Matches
 * `scipy.stats.wasserstein_distance(a, b, weightsA, weightsB)`.
 *
 * Values must be finite; weights finite, >= 0, one per value, with a positive sum
 * (`MONITOR_INVALID_INPUT` otherwise). Symmetric in its arguments; 0 for identical
 * samples. Cost: two radix sorts and one merge walk ({@link wassersteinSorted} skips the
 * sorts).
 *
 * @example
 * ```ts
 * wasserstein([0, 1, 3], [5, 6, 8]); // 5: every value moved by 5
 * ```
 */
export function wasserstein(a: ArrayLike<number>, b: ArrayLike<number>, opts?: WassersteinOptions): number {
  requireSample(FN, 'a', a);
  requireSample(FN, 'b', b);
  const wa = weightsFor(FN, 'weightsA', opts?.weightsA, a.length);
  const wb = weightsFor(FN, 'weightsB', opts?.weightsB, b.length);
  const sa = sortWithWeights(FN, 'a', a, wa);
  const sb = sortWithWeights(FN, 'b', b, wb);
  return distanceSorted(sa.values, sa.weights, sb.values, sb.weights);
}

/**
 * {@link wasserstein} for values already sorted ascending (weights, if any, aligned with
 * the sorted values). One O(n) check that the inputs are sorted and finite; no sort.
 *
 * @example
 * ```ts
 * const ref = sortFloat64(reference); // once, reused for every window
 * wassersteinSorted(ref, sortFloat64(window));
 * ```
 */
export function wassersteinSorted(a: ArrayLike<number>, b: ArrayLike<number>, opts?: WassersteinOptions): number {
  const fn = 'wassersteinSorted';
  requireSorted(fn, 'a', a);
  requireSorted(fn, 'b', b);
  checkFinite(fn, 'a', [a[0], a[a.length - 1]]);
  checkFinite(fn, 'b', [b[0], b[b.length - 1]]);
  const wa = weightsFor(fn, 'weightsA', opts?.weightsA, a.length);
  const wb = weightsFor(fn, 'weightsB', opts?.weightsB, b.length);
  return distanceSorted(a, wa, b, wb);
}

/**
 * W1 divided by the standard deviation of the reference (sample std, ddof = 1): how
 * far the current distribution moved, in reference standard deviations, so one
 * threshold (e.g. 0.1) fits every numeric feature whatever its unit.
 *
 * Zero-variance rule: when the reference is constant (or has one value) the current
 * sample's std is used instead; when both are constant the result is 0 if they are the
 * same constant and `Infinity` otherwise. This is the rule the DriftMonitor applies.
 * Values must be finite (`MONITOR_INVALID_INPUT` otherwise).
 *
 * @example
 * ```ts
 * normalizedWasserstein(reference, current) > 0.1; // moved by more than 0.1 std
 * ```
 */
export function normalizedWasserstein(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const w = wasserstein(reference, current);
  const refStd = moments(reference).std;
  if (refStd > 0) return w / refStd;
  const curStd = moments(current).std;
  if (curStd > 0) return w / curStd;
  return w === 0 ? 0 : Infinity;
}
