/**
 * Small statistical helpers for the evaluator: numpy's percentile, the normal and
 * chi-square tails, and the exact binomial test that McNemar's test needs.
 *
 * @module
 */
import { MlopsError } from '../errors';

/**
 * The q-th percentile (0..100) of an ascending-sorted array, computed exactly as
 * `numpy.percentile(a, q)` (method `linear`) computes it, rounding included: the
 * virtual index is `(n - 1) * (q / 100)` and the interpolation switches to
 * `b - (b - a) * (1 - t)` when `t >= 0.5`.
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const vi = (n - 1) * (q / 100);
  if (vi >= n - 1) return sorted[n - 1];
  if (vi < 0) return sorted[0];
  const lo = Math.floor(vi);
  const t = vi - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/**
 * The complementary error function, accurate to about 1e-15 relative: a series with
 * positive terms for `x < 2.5` (erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (2n+1)!!)
 * and a continued fraction (modified Lentz) above.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x === Infinity) return 0;
  if (x < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - ((2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum);
  }
  // erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Upper tail of the chi-square distribution with one degree of freedom: `P(X > x)`. */
export function chiSquare1Sf(x: number): number {
  if (!(x > 0)) return 1;
  return erfc(Math.sqrt(x / 2));
}

/**
 * `P(X <= k)` for `X ~ Binomial(n, 1/2)`, summed in log space so it holds for large `n`.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logTerm = -n * Math.LN2; // log C(n, 0) / 2^n
  let maxLog = logTerm;
  const logs = new Float64Array(k + 1);
  logs[0] = logTerm;
  for (let i = 0; i < k; i++) {
    logTerm += Math.log((n - i) / (i + 1));
    logs[i + 1] = logTerm;
    if (logTerm > maxLog) maxLog = logTerm;
  }
  let s = 0;
  for (let i = 0; i <= k; i++) s += Math.exp(logs[i] - maxLog);
  return Math.min(1, Math.exp(maxLog) * s);
}

/** Result of {@link mcnemarTest}. */
export interface McNemarResult {
  /** `min(b, c)` for the exact test; the continuity-corrected chi-square statistic otherwise. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Which form was used. */
  method: 'exact' | 'chi-square';
  /** Rows where only the first model is right. */
  b: number;
  /** Rows where only the second model is right. */
  c: number;
}

/**
 * McNemar's test for two classifiers scored on the same rows, from the discordant
 * counts: `b` rows where only the first is right and `c` where only the second is.
 * Computed as statsmodels' `mcnemar`: the exact form is the two-sided binomial test
 * `min(1, 2 * P(Binomial(b + c, 1/2) <= min(b, c)))`; the chi-square form uses
 * `(|b - c| - 1)^2 / (b + c)` with one degree of freedom. `exact: 'auto'` (the default)
 * uses the exact form when `b + c < 25`, where the chi-square approximation is poor.
 *
 * @example
 * ```ts
 * mcnemarTest(12, 3).pValue; // 0.035: the first model wins significantly more rows
 * ```
 */
export function mcnemarTest(b: number, c: number, options: { exact?: boolean | 'auto' } = {}): McNemarResult {
  for (const [name, v] of [['b', b], ['c', c]] as const) {
    if (!(v >= 0) || !Number.isSafeInteger(v)) {
      throw new MlopsError('INVALID_ARGUMENT', `mcnemarTest: ${name} must be a whole count >= 0, got ${v}.`);
    }
  }
  const n = b + c;
  const exact = options.exact === undefined || options.exact === 'auto' ? n < 25 : options.exact;
  if (n === 0) return { statistic: 0, pValue: 1, method: exact ? 'exact' : 'chi-square', b, c };
  if (exact) {
    const k = Math.min(b, c);
    return { statistic: k, pValue: Math.min(1, 2 * binomialHalfCdf(k, n)), method: 'exact', b, c };
  }
  const d = Math.abs(b - c) - 1;
  const statistic = (d * d) / n;
  return { statistic, pValue: chiSquare1Sf(statistic), method: 'chi-square', b, c };
}
