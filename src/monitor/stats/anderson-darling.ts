/**
 * The k-sample Anderson-Darling test (Scholz and Stephens 1987), as
 * `scipy.stats.anderson_ksamp(samples, midrank=True)` of scipy 1.10.
 *
 * @module
 */
import { invalidInput, requireSample } from './input';
import { radixSort } from './sort';

/** Significance levels of the Scholz-Stephens table, as scipy 1.10. */
const SIG = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];

/** Result of {@link andersonDarlingKSample}. */
export interface AndersonDarlingResult {
  /** The normalised statistic (A²_akN - (k - 1)) / σ_N. */
  statistic: number;
  /**
   * Approximate p-value, interpolated from the Scholz-Stephens table (quadratic fit of
   * log(level) on the critical values) and limited to [0.001, 0.25] like scipy: see
   * {@link AndersonDarlingResult.pValueStatus}.
   */
  pValue: number;
  /** Critical values of the statistic at the {@link AndersonDarlingResult.significanceLevels}. */
  criticalValues: number[];
  /** The levels of the table: 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001. */
  significanceLevels: number[];
  /**
   * `'interpolated'` inside the table; `'capped'` when the statistic is below every
   * critical value (the true p-value is larger than 0.25, reported as 0.25);
   * `'floored'` when it is above every critical value (true p-value below 0.001,
   * reported as 0.001). scipy returns the same numbers with a warning.
   */
  pValueStatus: 'interpolated' | 'capped' | 'floored';
}

const FN = 'andersonDarlingKSample';

/** Least-squares quadratic y ≈ c0 + c1 x + c2 x² (modified Gram-Schmidt QR), evaluated at t. */
function quadraticFitAt(x: number[], y: number[], t: number): number {
  const n = x.length;
  const cols = [x.map(() => 1), x.slice(), x.map((v) => v * v)];
  const R = [new Float64Array(3), new Float64Array(3), new Float64Array(3)];
  for (let j = 0; j < 3; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let r = 0; r < n; r++) dot += cols[i][r] * cols[j][r];
        R[i][j] += dot;
        for (let r = 0; r < n; r++) cols[j][r] -= dot * cols[i][r];
      }
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += cols[j][r] * cols[j][r];
    norm = Math.sqrt(norm);
    R[j][j] = norm;
    for (let r = 0; r < n; r++) cols[j][r] /= norm;
  }
  const qty = cols.map((c) => c.reduce((s, v, r) => s + v * y[r], 0));
  const c = [0, 0, 0];
  for (let j = 2; j >= 0; j--) {
    let s = qty[j];
    for (let i = j + 1; i < 3; i++) s -= R[j][i] * c[i];
    c[j] = s / R[j][j];
  }
  return c[0] + c[1] * t + c[2] * t * t;
}

/**
 * k-sample Anderson-Darling test: do the k samples come from the same distribution?
 * More sensitive than KS to differences in the tails. Matches
 * `scipy.stats.anderson_ksamp(samples, midrank=True)` (scipy 1.10): the A²_akN
 * statistic for data with ties (mid-ranks), normalised by its null mean k - 1 and
 * standard deviation σ_N; critical values b0 + b1/√m + b2/m (m = k - 1) at the levels
 * 0.25 ... 0.001; the p-value from a quadratic fit of log(level) on the critical
 * values, capped at 0.25 and floored at 0.001 outside the table (`pValueStatus` says
 * which; scipy warns instead).
 *
 * Needs at least two samples, each non-empty, NaN-free, at least 4 values in total
 * and at least two distinct values (`MONITOR_INVALID_INPUT` otherwise).
 *
 * @example
 * ```ts
 * const { statistic, pValue } = andersonDarlingKSample([reference, current]);
 * ```
 */
export function andersonDarlingKSample(samples: ArrayLike<number>[]): AndersonDarlingResult {
  if (!Array.isArray(samples) || samples.length < 2) {
    throw invalidInput(FN, 'needs an array of at least two samples.', { samples: Array.isArray(samples) ? samples.length : typeof samples });
  }
  const k = samples.length;
  const sizes = samples.map((s, i) => {
    requireSample(FN, `samples[${i}]`, s);
    return s.length;
  });
  const N = sizes.reduce((s, n) => s + n, 0);
  if (N < 4) throw invalidInput(FN, `needs at least 4 values in total, got ${N}.`, { total: N });
  const values = new Float64Array(N);
  const labels = new Float64Array(N);
  let o = 0;
  for (let i = 0; i < k; i++) {
    const s = samples[i];
    for (let r = 0; r < s.length; r++) {
      values[o] = s[r];
      labels[o++] = i;
    }
  }
  const sorted = radixSort(values, labels, true, FN, 'samples');
  const Z = sorted.values;
  const lab = sorted.payload as Float64Array;
  if (Z[0] === Z[N - 1]) throw invalidInput(FN, 'needs more than one distinct value across the samples (all values are equal).');

  // A²_akN with mid-ranks: walk the groups of equal values.
  const cum = new Float64Array(k); // values of sample i <= current value
  const inGroup = new Float64Array(k);
  const inner = new Float64Array(k);
  let start = 0;
  while (start < N) {
    let end = start;
    const z = Z[start];
    while (end < N && Z[end] === z) {
      inGroup[lab[end]]++;
      end++;
    }
    const lj = end - start;
    const Bj = start + lj / 2;
    const denom = Bj * (N - Bj) - (N * lj) / 4;
    for (let i = 0; i < k; i++) {
      cum[i] += inGroup[i];
      const Mij = cum[i] - inGroup[i] / 2;
      const t = N * Mij - Bj * sizes[i];
      inner[i] += ((lj / N) * t * t) / denom;
      inGroup[i] = 0;
    }
    start = end;
  }
  let A2akN = 0;
  for (let i = 0; i < k; i++) A2akN += inner[i] / sizes[i];
  A2akN *= (N - 1) / N;

  let H = 0;
  for (const n of sizes) H += 1 / n;
  // hs_cs[t] = Σ_{r=N-1-t}^{N-1} 1/r (t = 0..N-3); h = Σ_{r=1}^{N-1} 1/r; g = Σ_t hs_cs[t] / (t + 2).
  let hs = 0;
  let g = 0;
  for (let t = 0; t < N - 2; t++) {
    hs += 1 / (N - 1 - t);
    g += hs / (t + 2);
  }
  const h = hs + 1;
  const a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H;
  const b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
  const c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h;
  const d = (2 * h + 6) * k * k - 4 * h * k;
  const sigmasq = (a * N ** 3 + b * N ** 2 + c * N + d) / ((N - 1) * (N - 2) * (N - 3));
  const m = k - 1;
  const statistic = (A2akN - m) / Math.sqrt(sigmasq);

  const criticalValues = B0.map((b0, i) => b0 + B1[i] / Math.sqrt(m) + B2[i] / m);
  const lo = Math.min(...criticalValues);
  const hi = Math.max(...criticalValues);
  let pValue: number;
  let pValueStatus: AndersonDarlingResult['pValueStatus'];
  if (statistic < lo) {
    pValue = 0.25;
    pValueStatus = 'capped';
  } else if (statistic > hi) {
    pValue = 0.001;
    pValueStatus = 'floored';
  } else {
    pValue = Math.exp(quadraticFitAt(criticalValues, SIG.map(Math.log), statistic));
    pValueStatus = 'interpolated';
  }
  return { statistic, pValue, criticalValues, significanceLevels: SIG.slice(), pValueStatus };
}
