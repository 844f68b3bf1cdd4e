/**
 * Pearson's chi-square test of homogeneity on a 2 x K contingency table.
 *
 * @module
 */
import { invalidOption, nonNegativeVector, requireSameLength } from './input';
import { chiSquareSf } from '../../math/special';

/** Options of {@link chiSquareTest}. */
export interface ChiSquareTestOptions {
  /**
   * Yates' continuity correction when the table has one degree of freedom (two
   * categories), as `chi2_contingency(correction=True)`: each observed count moves
   * toward its expected count by min(0.5, |O - E|). Default `true`.
   */
  correction?: boolean;
}

/** Result of {@link chiSquareTest}. */
export interface ChiSquareTestResult {
  /** Pearson's X² = Σ (O - E)² / E over the 2 x K' table (Yates-corrected when it applies). */
  statistic: number;
  /** P(χ²(dof) > statistic); 1 when dof = 0. */
  pValue: number;
  /** Degrees of freedom K' - 1, where K' counts categories seen in at least one sample. */
  dof: number;
}

const FN = 'chiSquareTest';

/**
 * Chi-square test that two samples of a categorical variable have the same category
 * shares, on the 2 x K table whose rows are `countsA` and `countsB` (entry k of each is
 * the count of category k). Matches `scipy.stats.chi2_contingency([countsA, countsB],
 * correction)`: expected counts E = row total · column total / grand total, Pearson's
 * X², dof = K' - 1, p-value `chi2.sf(X², dof)` (regularised upper incomplete gamma).
 *
 * Categories seen in only one sample are kept (a new category is evidence of drift);
 * categories that are zero in BOTH samples carry no information and are dropped before
 * the test (scipy would reject the table because an expected count is zero). With a
 * single category left, dof = 0 and the result is statistic 0, p-value 1, as scipy.
 * Counts may be non-integer (weighted) but must be finite and >= 0, and each sample
 * must have a positive total (`MONITOR_INVALID_INPUT` otherwise).
 *
 * @example
 * ```ts
 * // reference vs current counts of ['card', 'paypal', 'crypto']
 * chiSquareTest([700, 280, 20], [610, 300, 90]); // { statistic: 51.4, pValue: 6.8e-12, dof: 2 }
 * ```
 */
export function chiSquareTest(countsA: ArrayLike<number>, countsB: ArrayLike<number>, opts?: ChiSquareTestOptions): ChiSquareTestResult {
  const a = nonNegativeVector(FN, 'countsA', countsA);
  const b = nonNegativeVector(FN, 'countsB', countsB);
  requireSameLength(FN, 'countsA', 'countsB', a.length, b.length);
  const correction = opts?.correction ?? true;
  if (typeof correction !== 'boolean') throw invalidOption(FN, `correction must be a boolean, got ${JSON.stringify(correction)}.`);
  let totalA = 0;
  let totalB = 0;
  let kept = 0;
  for (let k = 0; k < a.length; k++) {
    totalA += a[k];
    totalB += b[k];
    if (a[k] + b[k] > 0) kept++;
  }
  const dof = kept - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof: 0 };
  const total = totalA + totalB;
  const yates = dof === 1 && correction;
  let statistic = 0;
  for (let k = 0; k < a.length; k++) {
    const col = a[k] + b[k];
    if (col === 0) continue;
    for (let r = 0; r < 2; r++) {
      const observed = r === 0 ? a[k] : b[k];
      const expected = ((r === 0 ? totalA : totalB) * col) / total;
      let o = observed;
      if (yates) {
        const diff = expected - observed;
        o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      const dev = o - expected;
      statistic += (dev * dev) / expected;
    }
  }
  return { statistic, pValue: chiSquareSf(statistic, dof), dof };
}
