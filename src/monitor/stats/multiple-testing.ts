/**
 * Multiple-testing corrections for many features tested at once.
 *
 * @module
 */
import { invalidInput } from './input';

function checked(fn: string, pValues: ArrayLike<number>): Float64Array {
  if (pValues === null || typeof pValues !== 'object' || typeof pValues.length !== 'number') {
    throw invalidInput(fn, 'pValues must be an array or typed array of numbers.');
  }
  const out = new Float64Array(pValues.length);
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw invalidInput(fn, `pValues[${i}] = ${String(p)}; p-values must be numbers in [0, 1].`, { index: i });
    }
    out[i] = p;
  }
  return out;
}

/**
 * Bonferroni-adjusted p-values: min(1, m · p_i) for m tests. Controls the family-wise
 * error rate (the chance of any false alarm) at the level you compare them with.
 * Matches statsmodels `multipletests(p, method='bonferroni')[1]`. Empty input gives an
 * empty array; `MONITOR_INVALID_INPUT` for a value outside [0, 1] or NaN.
 *
 * @example
 * ```ts
 * bonferroni([0.01, 0.04, 0.3]); // [0.03, 0.12, 0.9] (up to rounding)
 * ```
 */
export function bonferroni(pValues: ArrayLike<number>): Float64Array {
  const p = checked('bonferroni', pValues);
  const m = p.length;
  for (let i = 0; i < m; i++) p[i] = Math.min(1, p[i] * m);
  return p;
}

/**
 * Benjamini-Hochberg adjusted p-values (q-values): with the p-values sorted ascending,
 * q_(i) = min_{j >= i} min(1, m · p_(j) / j), returned in the input order. Comparing
 * them with α controls the false discovery rate (the expected share of false alarms
 * among the features flagged) at α; less conservative than Bonferroni when many
 * features are tested. Matches statsmodels `multipletests(p, method='fdr_bh')[1]`.
 * Same input rules as {@link bonferroni}.
 *
 * @example
 * ```ts
 * benjaminiHochberg([0.01, 0.04, 0.03]); // [0.03, 0.04, 0.04]
 * ```
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const p = checked('benjaminiHochberg', pValues);
  const m = p.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  const out = new Float64Array(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r];
    running = Math.min(running, p[i] / ((r + 1) / m));
    out[i] = running;
  }
  return out;
}
