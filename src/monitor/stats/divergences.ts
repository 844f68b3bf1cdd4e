/**
 * Distances between two categorical (or binned) distributions: Jensen-Shannon,
 * Hellinger and the Population Stability Index.
 *
 * @module
 */
import { firstNaN, invalidOption, nanError, nonNegativeVector, requireSample, requireSameLength } from './input';
import { sortedCopy } from './sort';

function normalise(v: Float64Array): Float64Array {
  let total = 0;
  for (let i = 0; i < v.length; i++) total += v[i];
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / total;
  return out;
}

function pair(fn: string, p: ArrayLike<number>, q: ArrayLike<number>, names: [string, string]): [Float64Array, Float64Array] {
  const a = nonNegativeVector(fn, names[0], p);
  const b = nonNegativeVector(fn, names[1], q);
  requireSameLength(fn, names[0], names[1], a.length, b.length);
  return [normalise(a), normalise(b)];
}

/** x log(x / y) with the conventions of `scipy.special.rel_entr` for x, y >= 0. */
function relEntr(x: number, y: number): number {
  if (x === 0) return 0;
  return y > 0 ? x * Math.log(x / y) : Infinity;
}

/** Options of {@link jensenShannon}. */
export interface JensenShannonOptions {
  /** Base of the logarithm (default e). With base 2 the distance lies in [0, 1]. */
  base?: number;
}

/**
 * Jensen-Shannon distance between two distributions given as counts or probabilities
 * over the same categories (each vector is normalised to sum to 1):
 * sqrt((KL(p || m) + KL(q || m)) / 2) with m = (p + q) / 2 and logarithms in `base`.
 * Matches `scipy.spatial.distance.jensenshannon(p, q, base)`. Symmetric, 0 for equal
 * distributions, at most sqrt(ln 2) ≈ 0.83 in base e and 1 in base 2 (disjoint
 * supports). A tiny negative divergence from rounding is clamped to 0 (scipy would
 * return NaN).
 *
 * Throws `MONITOR_INVALID_INPUT` for vectors of different lengths, negative or
 * non-finite entries, or an all-zero vector; `INVALID_ARGUMENT` for a base that is not
 * positive or equals 1.
 *
 * @example
 * ```ts
 * jensenShannon([700, 280, 20], [610, 300, 90], { base: 2 }); // 0.1409...
 * ```
 */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>, opts?: JensenShannonOptions): number {
  const fn = 'jensenShannon';
  const base = opts?.base;
  if (base !== undefined && !(typeof base === 'number' && base > 0 && base !== 1 && Number.isFinite(base))) {
    throw invalidOption(fn, `base must be a positive number other than 1, got ${String(base)}.`);
  }
  const [a, b] = pair(fn, p, q, ['p', 'q']);
  let left = 0;
  let right = 0;
  for (let i = 0; i < a.length; i++) {
    const m = (a[i] + b[i]) / 2;
    left += relEntr(a[i], m);
    right += relEntr(b[i], m);
  }
  let js = left + right;
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(Math.max(js / 2, 0));
}

/**
 * Hellinger distance between two distributions given as counts or probabilities over
 * the same categories (each normalised to sum to 1):
 * H(p, q) = sqrt(Σ (√p_i - √q_i)²) / √2 = sqrt(1 - Σ √(p_i q_i)).
 * In [0, 1]: 0 for equal distributions, 1 for disjoint supports. Symmetric; unlike
 * Jensen-Shannon it is a plain geometric distance between the square-rooted shares.
 * Same input rules as {@link jensenShannon}.
 *
 * @example
 * ```ts
 * hellinger([1, 0], [0, 1]); // 1
 * ```
 */
export function hellinger(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [a, b] = pair('hellinger', p, q, ['p', 'q']);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.sqrt(a[i]) - Math.sqrt(b[i]);
    s += d * d;
  }
  return Math.min(Math.sqrt(s / 2), 1);
}

/** Default share substituted for an empty bin in PSI. */
export const PSI_EPSILON = 1e-4;
/** Default number of reference-quantile bins in {@link psi}. */
export const PSI_BINS = 10;

function psiEpsilon(fn: string, epsilon: number | undefined): number {
  const e = epsilon ?? PSI_EPSILON;
  if (!(typeof e === 'number' && e > 0 && e < 1)) throw invalidOption(fn, `epsilon must be in (0, 1), got ${String(e)}.`);
  return e;
}

function psiOfShares(r: ArrayLike<number>, c: ArrayLike<number>, epsilon: number): number {
  let value = 0;
  for (let i = 0; i < r.length; i++) {
    const ri = r[i] > 0 ? r[i] : epsilon;
    const ci = c[i] > 0 ? c[i] : epsilon;
    value += (ci - ri) * Math.log(ci / ri);
  }
  return value;
}

/** Options of {@link psiFromCounts}. */
export interface PsiCountsOptions {
  /** Share used in place of an empty bin's 0 (default {@link PSI_EPSILON} = 1e-4). */
  epsilon?: number;
}

/**
 * Population Stability Index from bin (or category) counts:
 * PSI = Σ (c_i - r_i) · ln(c_i / r_i) over the shares r (reference) and c (current),
 * where a share of 0 is replaced by `epsilon` so that an empty bin gives a large but
 * finite contribution. Symmetric in its arguments; 0 for identical shares. Same input
 * rules as {@link jensenShannon}.
 *
 * @example
 * ```ts
 * psiFromCounts([700, 280, 20], [610, 300, 90]); // 0.1190...
 * ```
 */
export function psiFromCounts(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>, opts?: PsiCountsOptions): number {
  const fn = 'psiFromCounts';
  const epsilon = psiEpsilon(fn, opts?.epsilon);
  const [r, c] = pair(fn, refCounts, curCounts, ['refCounts', 'curCounts']);
  return psiOfShares(r, c, epsilon);
}

/** Options of {@link psi}. */
export interface PsiOptions extends PsiCountsOptions {
  /** Number of reference-quantile bins before de-duplication (default 10). */
  bins?: number;
}

/** Result of {@link psi}. */
export interface PsiResult {
  /** The PSI value (>= 0). */
  value: number;
  /**
   * Inner bin edges e_1 < ... < e_k; bins are (-∞, e_1), [e_1, e_2), ..., [e_k, +∞).
   */
  edges: number[];
  /** Share of the reference in each bin (empty bins show 0, not epsilon). */
  referenceShares: number[];
  /** Share of the current sample in each bin. */
  currentShares: number[];
}

/**
 * Inner PSI edges of a sorted reference: the i/bins quantiles (i = 1..bins-1) by the
 * inverted-CDF rule (the smallest value x with F(x) >= i/bins, numpy's
 * `method='inverted_cdf'`), de-duplicated, without an edge equal to the minimum. @internal
 */
export function psiEdges(sorted: Float64Array, bins: number): number[] {
  const n = sorted.length;
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const k = Math.min(Math.max(Math.ceil((i / bins) * n) - 1, 0), n - 1);
    const e = sorted[k];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  if (edges.length > 0 && edges[0] === sorted[0]) edges.shift();
  return edges;
}

/** Bin counts of a sorted sample: the bin boundaries are found by binary search. */
function binCountsSorted(sorted: Float64Array, edges: number[]): number[] {
  const below = (e: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < e) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const counts: number[] = [];
  let prev = 0;
  for (const e of edges) {
    const b = below(e);
    counts.push(b - prev);
    prev = b;
  }
  counts.push(sorted.length - prev);
  return counts;
}

/**
 * Bin counts of an unsorted sample: for each value, the number of edges <= it, by a
 * branch-free binary search over the edges padded with NaN to 2^m - 1 entries (a
 * comparison with NaN is false, so padding is never counted).
 */
function binCounts(values: ArrayLike<number>, edges: number[]): number[] {
  let size = 1;
  while (size - 1 < edges.length) size *= 2;
  const padded = new Float64Array(size - 1).fill(NaN);
  padded.set(edges);
  const counts = new Float64Array(edges.length + 1);
  const top = size >>> 1;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    let pos = 0;
    for (let step = top; step > 0; step >>>= 1) pos += step * +(padded[pos + step - 1] <= x);
    counts[pos]++;
  }
  return Array.from(counts);
}

/**
 * Population Stability Index of a numeric feature, binned on the reference:
 *
 * 1. Edges: the reference's i/bins quantiles, i = 1..bins-1 (inverted-CDF rule: the
 *    smallest reference value x with F(x) >= i/bins, numpy `method='inverted_cdf'`),
 *    with repeated edges merged and an edge equal to the reference minimum dropped, so
 *    heavy ties (a value holding several deciles) give fewer, wider bins.
 * 2. Bins are open at both ends and closed on the left: (-∞, e_1), [e_1, e_2), ...,
 *    [e_k, +∞), so current values outside the reference range land in the outer bins.
 * 3. PSI = Σ (c_i - r_i) · ln(c_i / r_i) over the bin shares, an empty bin's share
 *    replaced by `epsilon` (default 1e-4).
 *
 * The DriftMonitor bins its sketches with the same rule. Rule of thumb: < 0.1 stable,
 * 0.1-0.25 moderate shift, > 0.25 major shift. A constant reference gives a single bin
 * and PSI 0 whatever the current data: use {@link normalizedWasserstein} there.
 * NaN is rejected (`MONITOR_INVALID_INPUT`); ±Infinity fall in the outer bins.
 *
 * @example
 * ```ts
 * const { value, edges } = psi(trainingAmounts, todaysAmounts, { bins: 10 });
 * ```
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, opts?: PsiOptions): PsiResult {
  const fn = 'psi';
  const bins = opts?.bins ?? PSI_BINS;
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= 100000)) throw invalidOption(fn, `bins must be an integer in [1, 100000], got ${String(bins)}.`);
  const epsilon = psiEpsilon(fn, opts?.epsilon);
  requireSample(fn, 'reference', reference);
  requireSample(fn, 'current', current);
  const sorted = sortedCopy(reference, fn, 'reference');
  const edges = psiEdges(sorted, bins);
  const bad = firstNaN(current);
  if (bad >= 0) throw nanError(fn, 'current', bad);
  const rc = binCountsSorted(sorted, edges);
  const cc = binCounts(current, edges);
  const referenceShares = rc.map((c) => c / sorted.length);
  const currentShares = cc.map((c) => c / current.length);
  return { value: psiOfShares(referenceShares, currentShares, epsilon), edges, referenceShares, currentShares };
}
