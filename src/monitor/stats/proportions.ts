/**
 * The two-proportion z-test.
 *
 * @module
 */
import { invalidInput } from './input';
import { normalSf } from '../../math/special';

/** Result of {@link twoProportionZTest}. */
export interface TwoProportionZTestResult {
  /** z = (pA - pB) / sqrt(p (1 - p) (1/nA + 1/nB)), p the pooled proportion. */
  statistic: number;
  /** Two-sided p-value 2 · P(Z > |z|). */
  pValue: number;
}

const FN = 'twoProportionZTest';

function checkCount(name: string, successes: number, n: number, nName: string): void {
  if (typeof n !== 'number' || !(n > 0) || !Number.isFinite(n)) {
    throw invalidInput(FN, `${nName} = ${String(n)}; the number of trials must be a positive finite number.`, { argument: nName });
  }
  if (typeof successes !== 'number' || !(successes >= 0 && successes <= n)) {
    throw invalidInput(FN, `${name} = ${String(successes)} is outside [0, ${nName} = ${n}].`, { argument: name });
  }
}

/**
 * Pooled two-sided z-test that two proportions are equal, e.g. the missing-value rate
 * (or the positive-prediction rate) of the current window against the reference:
 * z = (xA/nA - xB/nB) / sqrt(p (1 - p) (1/nA + 1/nB)) with p = (xA + xB) / (nA + nB),
 * p-value 2 · P(Z > |z|). Matches statsmodels'
 * `proportions_ztest([xA, xB], [nA, nB])` (pooled variance, two-sided).
 *
 * When p is 0 or 1 (no success or no failure on either side) the proportions are
 * equal and the variance is 0: the result is statistic 0, p-value 1 (statsmodels
 * returns NaN). Counts may be non-integer (weighted); `MONITOR_INVALID_INPUT` when a
 * count is negative, above its n, or n is not positive.
 *
 * @example
 * ```ts
 * twoProportionZTest(130, 1000, 100, 1000); // missing rate 13% vs 10%: z = 2.10, p = 0.0355
 * ```
 */
export function twoProportionZTest(successesA: number, nA: number, successesB: number, nB: number): TwoProportionZTestResult {
  checkCount('successesA', successesA, nA, 'nA');
  checkCount('successesB', successesB, nB, 'nB');
  const pooled = (successesA + successesB) / (nA + nB);
  const variance = pooled * (1 - pooled) * (1 / nA + 1 / nB);
  if (!(variance > 0)) return { statistic: 0, pValue: 1 };
  const statistic = (successesA / nA - successesB / nB) / Math.sqrt(variance);
  return { statistic, pValue: Math.min(1, 2 * normalSf(Math.abs(statistic))) };
}
