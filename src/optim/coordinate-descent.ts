/**
 * Cyclic coordinate descent for the elastic net on precomputed statistics (the "Gram"
 * variant of Friedman, Hastie and Tibshirani, 2010, as scikit-learn's
 * `enet_coordinate_descent_gram`). Minimises
 *
 *     ½·‖y − Xβ‖² + l1·‖β‖₁ + (l2/2)·‖β‖²
 *
 * given only `G = XᵀX` and `q = Xᵀy` (weighted and centred by the caller) and `‖y‖²`, so
 * each sweep costs O(d²) whatever the number of rows. It stops when the duality gap is at
 * most `tolerance · ‖y‖²` (checked after a sweep whose largest coefficient change is at
 * most `tolerance` times the largest coefficient, as scikit-learn does).
 *
 * @module
 */

/** The sufficient statistics of a least-squares problem. */
export interface GramStats {
  /** Number of coefficients. */
  d: number;
  /** `XᵀX`, `d x d` row-major. */
  G: Float64Array;
  /** `Xᵀy`, length `d`. */
  q: Float64Array;
  /** `yᵀy`. */
  yy: number;
}

/** Options of {@link elasticNetCD}. */
export interface ElasticNetOptions {
  /** L1 strength (≥ 0). */
  l1: number;
  /** L2 strength (≥ 0). */
  l2: number;
  /** Relative duality-gap tolerance. */
  tolerance: number;
  /** Most sweeps over the coordinates. */
  maxIterations: number;
  /** Starting coefficients (default zeros). */
  start?: Float64Array;
  /**
   * Called after each sweep with the sweep number and `‖y − Xβ‖²`; may throw to abort.
   * May return a promise (awaited), e.g. to yield to the event loop.
   */
  onSweep?: (sweep: number, residualSquares: number) => void | Promise<void>;
}

/** Outcome of {@link elasticNetCD}. */
export interface ElasticNetResult {
  /** Coefficients. */
  beta: Float64Array;
  /** Sweeps run. */
  iterations: number;
  /** Whether the duality-gap test stopped it. */
  converged: boolean;
  /** Duality gap at the end (last check). */
  gap: number;
}

/** Minimises the elastic-net objective by cyclic coordinate descent on `stats`. */
export async function elasticNetCD(stats: GramStats, options: ElasticNetOptions): Promise<ElasticNetResult> {
  const { d, G, q, yy } = stats;
  const { l1, l2, tolerance, maxIterations } = options;
  const beta = options.start !== undefined ? Float64Array.from(options.start) : new Float64Array(d);
  // H = G·β, kept up to date as coordinates change.
  const H = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += G[i * d + j] * beta[j];
    H[i] = s;
  }
  const gapTolerance = tolerance * yy;
  let gap = Infinity;
  for (let sweep = 1; sweep <= maxIterations; sweep++) {
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < d; j++) {
      const gjj = G[j * d + j];
      if (gjj === 0) continue;
      const old = beta[j];
      const row = j * d;
      if (old !== 0) for (let i = 0; i < d; i++) H[i] -= old * G[row + i];
      const t = q[j] - H[j];
      const v = t > l1 ? (t - l1) / (gjj + l2) : t < -l1 ? (t + l1) / (gjj + l2) : 0;
      beta[j] = v;
      if (v !== 0) for (let i = 0; i < d; i++) H[i] += v * G[row + i];
      dwMax = Math.max(dwMax, Math.abs(v - old));
      wMax = Math.max(wMax, Math.abs(v));
    }
    let qb = 0;
    let bHb = 0;
    for (let i = 0; i < d; i++) {
      qb += q[i] * beta[i];
      bHb += beta[i] * H[i];
    }
    const residualSquares = Math.max(0, yy + bHb - 2 * qb);
    await options.onSweep?.(sweep, residualSquares);
    if (wMax === 0 || dwMax / wMax <= tolerance || sweep === maxIterations) {
      gap = dualityGap(stats, beta, H, residualSquares, l1, l2);
      if (gap <= gapTolerance) return { beta, iterations: sweep, converged: true, gap };
    }
  }
  return { beta, iterations: maxIterations, converged: false, gap };
}

/**
 * The duality gap of the elastic net at β (scikit-learn's formula): the dual point is the
 * residual, rescaled to be feasible for the L1 constraint `‖Xᵀθ − l2·β‖∞ ≤ l1`.
 */
function dualityGap(stats: GramStats, beta: Float64Array, H: Float64Array, rNorm2: number, l1: number, l2: number): number {
  const { d, q, yy } = stats;
  let dualNorm = 0;
  let qb = 0;
  let bNorm2 = 0;
  let bL1 = 0;
  for (let i = 0; i < d; i++) {
    dualNorm = Math.max(dualNorm, Math.abs(q[i] - H[i] - l2 * beta[i]));
    qb += q[i] * beta[i];
    bNorm2 += beta[i] * beta[i];
    bL1 += Math.abs(beta[i]);
  }
  let scale: number;
  let gap: number;
  if (dualNorm > l1) {
    scale = l1 / dualNorm;
    gap = 0.5 * (rNorm2 + rNorm2 * scale * scale);
  } else {
    scale = 1;
    gap = rNorm2;
  }
  return gap + l1 * bL1 - scale * (yy - qb) + 0.5 * l2 * (1 + scale * scale) * bNorm2;
}
