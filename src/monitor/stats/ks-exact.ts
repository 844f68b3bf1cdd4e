/**
 * Exact null distribution of the two-sample Kolmogorov-Smirnov statistic by lattice-path
 * counting (Hodges 1958, after Drion, Gnedenko and Korolyuk), as in scipy 1.10's
 * `_attempt_exact_2kssamp`. A pair of samples of sizes (m, n) corresponds to a monotone
 * path from (0, 0) to (m, n); D >= h / lcm(m, n) when the path leaves the band
 * |x/m - y/n| < h / lcm(m, n). All paths are equally likely under the null hypothesis.
 *
 * @module
 */
import { binomial, roundHalfEven } from '../../math/special';

/**
 * P(D_{n,n} >= h/n) for two samples of the same size n, 1 <= h <= n:
 * 2 Σ_k (-1)^(k-1) C(2n, n - k h) / C(2n, n), evaluated in Horner form
 * (`_compute_prob_outside_square`). @internal
 */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * Proportion of lattice paths from (0, 0) to (m, n) that do NOT stay strictly inside
 * |n x - m y| / g < h (g = gcd(m, n)): the two-sided p-value P(D >= h / lcm) for
 * unequal sizes. Column-by-column recursion over a sliding window that computes
 * 1 - p directly (Viehmann 2021), as scipy's `_compute_outer_prob_inside_method`.
 * Cost O(max(m, n) · window), window about 2 h / (max(m, n) / g). @internal
 */
export function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    const shift = minj - lastminj;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + shift] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/**
 * Number of lattice paths from (0, 0) to (m, n) that reach m y <= n x - h g at some
 * point (`_count_paths_outside_method`): the numerator of the one-sided exact p-value.
 * May overflow to a non-finite value; callers then fall back to the asymptotic form.
 * @internal
 */
export function countPathsOutside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  const lxj = n + Math.floor((mg - h) / mg);
  if (lxj <= 0) return binomial(m + n, n);
  const xj = new Float64Array(lxj);
  for (let j = 0; j < lxj; j++) xj[j] = Math.floor((h + mg * j + ng - 1) / ng);
  const B = new Float64Array(lxj);
  B[0] = 1;
  for (let j = 1; j < lxj; j++) {
    let Bj = binomial(xj[j] + j, j);
    for (let i = 0; i < j; i++) Bj -= binomial(xj[j] - xj[i] + j - i, j - i) * B[i];
    if (!Number.isFinite(Bj)) return NaN;
    B[j] = Bj;
  }
  let numPaths = 0;
  for (let j = 0; j < lxj; j++) numPaths += B[j] * binomial(m - xj[j] + (n - j), n - j);
  return numPaths;
}

/** Outcome of an exact attempt: `ok` false means scipy would fall back to 'asymp'. @internal */
export interface ExactAttempt {
  ok: boolean;
  /** The statistic rounded to the lattice, h / lcm(n1, n2). */
  d: number;
  pValue: number;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y) [x, y] = [y, x % y];
  return x;
}

/**
 * Exact p-value of the two-sample KS statistic `d` (scipy's `_attempt_exact_2kssamp`),
 * including its failure rule (a non-finite or out-of-range result). @internal
 */
export function exactTwoSample(n1: number, n2: number, d: number, alternative: 'two-sided' | 'less' | 'greater'): ExactAttempt {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dd = h / lcm;
  if (h === 0) return { ok: true, d: dd, pValue: 1 };
  let prob: number;
  if (alternative === 'two-sided') {
    prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  } else if (n1 === n2) {
    prob = 1;
    for (let j = 0; j < h; j++) prob *= (n1 - j) / (n1 + j + 1);
  } else {
    const paths = countPathsOutside(n1, n2, g, h);
    const all = binomial(n1 + n2, n1);
    if (!Number.isFinite(paths) || !Number.isFinite(all) || paths > all) return { ok: false, d: dd, pValue: NaN };
    prob = paths / all;
  }
  if (!(prob >= 0 && prob <= 1)) return { ok: false, d: dd, pValue: prob };
  return { ok: true, d: dd, pValue: prob };
}

/** The largest lcm for which an explicit `method: 'exact'` is attempted (int32 bound). @internal */
export function exactFeasible(n1: number, n2: number): boolean {
  const g = gcd(n1, n2);
  return n1 / g < 2147483647 / (n2 / g);
}
