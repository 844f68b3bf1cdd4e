/**
 * The two-sample Kolmogorov-Smirnov test, matching `scipy.stats.ks_2samp` (scipy 1.10).
 *
 * @module
 */
import { invalidOption, requireSample, requireSorted } from './input';
import { exactFeasible, exactTwoSample } from './ks-exact';
import { kolmogorovSmirnovSf } from './kolmogorov';
import { sortedCopy } from './sort';
import { roundHalfEven } from '../../math/special';

/** Options of {@link ksTest}. */
export interface KsTestOptions {
  /**
   * How the p-value is computed (`ks_2samp`'s `method`):
   * - `'auto'` (default): `'exact'` when max(n1, n2) <= 10,000, else `'asymp'`.
   * - `'exact'`: the exact null distribution by lattice-path counting; falls back to
   *   `'asymp'` when the lcm of the sizes is too large (>= 2^31) or the computation
   *   fails numerically (scipy warns; here `method` in the result says `'asymp'`).
   * - `'asymp'`: two-sided, `kstwo.sf(D, round(n1 n2 / (n1 + n2)))`; one-sided, Hodges'
   *   approximation exp(-2 z² - 2 z (m + 2n) / (3 √(m n (m + n)))), z = D √(m n / (m + n)).
   */
  method?: 'auto' | 'exact' | 'asymp';
  /**
   * The alternative hypothesis, on the CDFs F of `a` and G of `b`:
   * `'two-sided'` (default, D = sup |F - G|), `'greater'` (D+ = sup (F - G)),
   * `'less'` (D- = sup (G - F)).
   */
  alternative?: 'two-sided' | 'less' | 'greater';
}

/** Result of {@link ksTest}. */
export interface KsTestResult {
  /** The KS statistic in [0, 1] (for `'exact'`, rounded to the lattice h / lcm(n1, n2), as scipy). */
  statistic: number;
  /** The p-value in [0, 1]. */
  pValue: number;
  /** How the p-value was computed. */
  method: 'exact' | 'asymp';
  /** The value (from `a` or `b`) at which the ECDF difference is extreme (`statistic_location`). */
  statisticLocation: number;
  /** +1 when F_a exceeds F_b at that value, -1 otherwise (`statistic_sign`). */
  statisticSign: 1 | -1;
}

const FN = 'ksTest';
const MAX_AUTO_N = 10000;

/**
 * Running extremes of the ECDF difference with scipy's choice of location: the first
 * value of `a` where the extreme is reached, else the first value of `b` (scipy takes
 * the first arg-extreme in `concatenate([a, b])`). Equal extremes are rare, so the
 * bookkeeping sits behind well-predicted branches.
 */
class Extremes {
  max = -Infinity;
  min = Infinity;
  locMax = NaN;
  locMin = NaN;
  locMaxA = NaN;
  locMinA = NaN;
  hasMaxA = false;
  hasMinA = false;

  add(diff: number, v: number, fromA: boolean): void {
    if (diff >= this.max) {
      if (diff > this.max) {
        this.max = diff;
        this.locMax = v;
        this.hasMaxA = fromA;
        this.locMaxA = v;
      } else if (fromA && !this.hasMaxA) {
        this.hasMaxA = true;
        this.locMaxA = v;
      }
    }
    if (diff <= this.min) {
      if (diff < this.min) {
        this.min = diff;
        this.locMin = v;
        this.hasMinA = fromA;
        this.locMinA = v;
      } else if (fromA && !this.hasMinA) {
        this.hasMinA = true;
        this.locMinA = v;
      }
    }
  }
}

/**
 * The extreme ECDF differences of two sorted samples by one merge walk. The difference
 * F_a - F_b = i/n1 - j/n2 is evaluated at every distinct value of either sample after
 * all values equal to it (ties handled exactly), as scipy's searchsorted(side='right').
 */
function extremes(a: ArrayLike<number>, b: ArrayLike<number>) {
  const n1 = a.length;
  const n2 = b.length;
  const e = new Extremes();
  let i = 0;
  let j = 0;
  let fromA = 0;
  // Both sides left: a nearly branch-free step (the comparison of a[i] and b[j] is a
  // coin flip for interleaved samples, so it feeds arithmetic instead of a branch).
  while (i < n1 && j < n2) {
    const x = a[i];
    const y = b[j];
    const takeA = +(x <= y);
    const v = Math.min(x, y);
    i += takeA;
    j += +(y <= x);
    fromA |= takeA;
    if ((i < n1 && a[i] === v) || (j < n2 && b[j] === v)) continue; // more ties of v
    e.add(i / n1 - j / n2, v, fromA === 1);
    fromA = 0;
  }
  while (i < n1) {
    const v = a[i];
    while (i < n1 && a[i] === v) i++;
    e.add(i / n1 - j / n2, v, true);
  }
  while (j < n2) {
    const v = b[j];
    while (j < n2 && b[j] === v) j++;
    e.add(i / n1 - j / n2, v, false);
  }
  return {
    maxS: e.max,
    locMax: e.hasMaxA ? e.locMaxA : e.locMax,
    minS: Math.min(Math.max(-e.min, 0), 1),
    locMin: e.hasMinA ? e.locMinA : e.locMin,
  };
}

/** scipy's asymptotic `ks_2samp` p-value for a distance `d` between samples of sizes `n1` and `n2`. @internal */
export function asymptoticPValue(d: number, n1: number, n2: number, alternative: 'two-sided' | 'less' | 'greater'): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  if (alternative === 'two-sided') {
    // scipy rounds en half-to-even; for n1 = n2 = 1 that is 0 and scipy returns NaN,
    // here the n = 1 distribution is used instead.
    const nn = Math.max(1, roundHalfEven(en));
    // kstwo.sf: 1 on the lower edge of the support (d <= 0.5 / n).
    return d <= 0.5 / nn ? 1 : kolmogorovSmirnovSf(nn, d);
  }
  const z = Math.sqrt(en) * d;
  const expt = -2 * z * z - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3;
  return Math.exp(expt);
}

function resolve(opts: KsTestOptions | undefined): { method: 'auto' | 'exact' | 'asymp'; alternative: 'two-sided' | 'less' | 'greater' } {
  const method = opts?.method ?? 'auto';
  const alternative = opts?.alternative ?? 'two-sided';
  if (method !== 'auto' && method !== 'exact' && method !== 'asymp') {
    throw invalidOption(FN, `method must be 'auto', 'exact' or 'asymp', got ${JSON.stringify(method)}.`);
  }
  if (alternative !== 'two-sided' && alternative !== 'less' && alternative !== 'greater') {
    throw invalidOption(FN, `alternative must be 'two-sided', 'less' or 'greater', got ${JSON.stringify(alternative)}.`);
  }
  return { method, alternative };
}

function testSorted(a: ArrayLike<number>, b: ArrayLike<number>, opts: KsTestOptions | undefined): KsTestResult {
  const { method, alternative } = resolve(opts);
  const n1 = a.length;
  const n2 = b.length;
  const { maxS, locMax, minS, locMin } = extremes(a, b);
  const useMin = alternative === 'less' || (alternative === 'two-sided' && minS > maxS);
  let d = useMin ? minS : maxS;
  const statisticLocation = useMin ? locMin : locMax;
  const statisticSign: 1 | -1 = useMin ? -1 : 1;

  let mode: 'exact' | 'asymp' = method === 'auto' ? (Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp') : method;
  if (mode === 'exact' && method === 'exact' && !exactFeasible(n1, n2)) mode = 'asymp';
  let pValue = NaN;
  if (mode === 'exact') {
    const exact = exactTwoSample(n1, n2, d, alternative);
    d = exact.d;
    if (exact.ok) pValue = exact.pValue;
    else mode = 'asymp';
  }
  if (mode === 'asymp') pValue = asymptoticPValue(d, n1, n2, alternative);
  pValue = Math.min(Math.max(pValue, 0), 1);
  return { statistic: d, pValue, method: mode, statisticLocation, statisticSign };
}

/**
 * Two-sample Kolmogorov-Smirnov test: do `a` and `b` come from the same continuous
 * distribution? Matches `scipy.stats.ks_2samp(a, b, alternative, method)` of scipy 1.10:
 * statistic D = sup_x |F_a(x) - F_b(x)| over the empirical CDFs (ties handled exactly,
 * both CDFs evaluated after all values equal to x), the same exact/asymptotic switch at
 * max(n1, n2) = 10,000, the same exact algorithms and fallback rules, and the same
 * asymptotic distribution.
 *
 * Cost: sorting both samples (a radix sort; a million values each in well under 0.1 s)
 * plus one merge walk; the exact p-value adds O(n · window) for unequal sizes. Callers
 * that already hold sorted data use {@link ksTestSorted}.
 *
 * ±Infinity are allowed (only the order matters). Throws `MONITOR_INVALID_INPUT` for an
 * empty sample or a NaN (remove missing values first), `INVALID_ARGUMENT` for an unknown
 * option value.
 *
 * @example
 * ```ts
 * const { statistic, pValue, method } = ksTest(reference, current);
 * if (pValue < 0.01 && statistic > 0.1) console.log('distribution moved');
 * ```
 */
export function ksTest(a: ArrayLike<number>, b: ArrayLike<number>, opts?: KsTestOptions): KsTestResult {
  requireSample(FN, 'a', a);
  requireSample(FN, 'b', b);
  resolve(opts);
  return testSorted(sortedCopy(a, FN, 'a'), sortedCopy(b, FN, 'b'), opts);
}

/**
 * {@link ksTest} for samples already sorted ascending: skips the sort (one O(n) check
 * that the inputs are sorted and NaN-free, which throws `MONITOR_INVALID_INPUT`
 * otherwise). Same result as `ksTest` on the same values.
 *
 * @example
 * ```ts
 * const ref = sortFloat64(referenceValues); // once
 * for (const window of windows) ksTestSorted(ref, sortFloat64(window));
 * ```
 */
export function ksTestSorted(a: ArrayLike<number>, b: ArrayLike<number>, opts?: KsTestOptions): KsTestResult {
  requireSorted('ksTestSorted', 'a', a);
  requireSorted('ksTestSorted', 'b', b);
  return testSorted(a, b, opts);
}
