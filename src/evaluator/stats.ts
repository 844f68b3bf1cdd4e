/**
 * Small statistical helpers for the evaluator: the chi-square tail with one degree of
 * freedom and the exact binomial test that McNemar's test needs.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { erfc } from '../math/special';

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
