/**
 * The Moré-Thuente line search (Moré and Thuente, "Line search algorithms with
 * guaranteed sufficient decrease", ACM TOMS 20(3), 1994), as in MINPACK-2's `dcsrch` and
 * `dcstep`, the line search of L-BFGS-B (SciPy's `lbfgsb`).
 *
 * It finds a step `stp > 0` along a descent direction that satisfies the strong Wolfe
 * conditions `φ(stp) <= φ(0) + ftol·stp·φ'(0)` and `|φ'(stp)| <= gtol·|φ'(0)|`, by keeping an
 * interval of uncertainty and choosing trial steps from cubic and quadratic interpolants
 * of the function and derivative values seen so far.
 *
 * @module
 */
import { MlopsError } from '../errors';

/** The function along the search line and its derivative at one step. */
export interface LinePoint {
  /** φ(stp) = f(x + stp·d). */
  f: number;
  /** φ'(stp) = ∇f(x + stp·d) · d. */
  dg: number;
}

/** Options of {@link moreThuente}. */
export interface LineSearchOptions {
  /** Sufficient-decrease constant (default 1e-3, as L-BFGS-B). */
  ftol?: number;
  /** Curvature constant (default 0.9, as L-BFGS-B). */
  gtol?: number;
  /** Relative width of the interval below which the search stops (default 0.1). */
  xtol?: number;
  /** Smallest step (default 0). */
  stpmin?: number;
  /** Largest step (default 1e10). */
  stpmax?: number;
  /** Most function evaluations (default 20). */
  maxEvaluations?: number;
}

/** Outcome of {@link moreThuente}. The last evaluated point is always the returned step. */
export interface LineSearchResult extends LinePoint {
  /** The step taken. */
  stp: number;
  /** Function evaluations used. */
  evaluations: number;
  /**
   * `converged`: the strong Wolfe conditions hold. `xtol`, `stpmax`, `stpmin`,
   * `rounding`, `maxEvaluations`: the search stopped early; the step may still decrease
   * the function (check `f`).
   */
  status: 'converged' | 'xtol' | 'stpmax' | 'stpmin' | 'rounding' | 'maxEvaluations';
}

/** Internal state of the safeguarded step (`dcstep`). */
interface StepState {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  brackt: boolean;
}

/**
 * Searches along a line from φ(0) = `f0` with slope `dg0 < 0`, starting at step `stp0`.
 * `phi(stp)` evaluates the function (and typically records the gradient at that point for
 * the caller); the result's step is the last one evaluated.
 */
export async function moreThuente(phi: (stp: number) => Promise<LinePoint>, f0: number, dg0: number, stp0: number, options: LineSearchOptions = {}): Promise<LineSearchResult> {
  const ftol = options.ftol ?? 1e-3;
  const gtol = options.gtol ?? 0.9;
  const xtol = options.xtol ?? 0.1;
  const stpmin = options.stpmin ?? 0;
  const stpmax = options.stpmax ?? 1e10;
  const maxEvaluations = options.maxEvaluations ?? 20;
  if (!(dg0 < 0)) throw new MlopsError('INTERNAL', `moreThuente: the search direction is not a descent direction (slope ${dg0}).`);

  const xtrapl = 1.1;
  const xtrapu = 4.0;
  let stp = Math.min(Math.max(stp0, stpmin), stpmax);
  let stage = 1;
  const gtest = ftol * dg0;
  let width = stpmax - stpmin;
  let width1 = width / 0.5;
  const s: StepState = { stx: 0, fx: f0, dx: dg0, sty: 0, fy: f0, dy: dg0, brackt: false };
  let stmin = 0;
  let stmax = stp + xtrapu * stp;

  for (let evaluations = 1; ; evaluations++) {
    const { f, dg } = await phi(stp);
    const ftest = f0 + stp * gtest;
    if (stage === 1 && f <= ftest && dg >= 0) stage = 2;

    let status: LineSearchResult['status'] | undefined;
    if (s.brackt && (stp <= stmin || stp >= stmax)) status = 'rounding';
    if (s.brackt && stmax - stmin <= xtol * stmax) status = 'xtol';
    if (stp === stpmax && f <= ftest && dg <= gtest) status = 'stpmax';
    if (stp === stpmin && (f > ftest || dg >= gtest)) status = 'stpmin';
    if (f <= ftest && Math.abs(dg) <= gtol * -dg0) status = 'converged';
    if (status === undefined && evaluations >= maxEvaluations) status = 'maxEvaluations';
    if (status !== undefined) return { stp, f, dg, evaluations, status };

    if (stage === 1 && f <= s.fx && f > ftest) {
      // Work with the modified function ψ(stp) = φ(stp) - φ(0) - gtest·stp until a step
      // with sufficient decrease and non-negative slope is found.
      const m: StepState = { stx: s.stx, fx: s.fx - s.stx * gtest, dx: s.dx - gtest, sty: s.sty, fy: s.fy - s.sty * gtest, dy: s.dy - gtest, brackt: s.brackt };
      stp = dcstep(m, stp, f - stp * gtest, dg - gtest, stmin, stmax);
      s.stx = m.stx;
      s.sty = m.sty;
      s.brackt = m.brackt;
      s.fx = m.fx + m.stx * gtest;
      s.fy = m.fy + m.sty * gtest;
      s.dx = m.dx + gtest;
      s.dy = m.dy + gtest;
    } else {
      stp = dcstep(s, stp, f, dg, stmin, stmax);
    }

    if (s.brackt) {
      // Force a sufficient shrink of the interval: bisect when it did not shrink enough.
      if (Math.abs(s.sty - s.stx) >= 0.66 * width1) stp = s.stx + 0.5 * (s.sty - s.stx);
      width1 = width;
      width = Math.abs(s.sty - s.stx);
      stmin = Math.min(s.stx, s.sty);
      stmax = Math.max(s.stx, s.sty);
    } else {
      stmin = stp + xtrapl * (stp - s.stx);
      stmax = stp + xtrapu * (stp - s.stx);
    }
    stp = Math.min(Math.max(stp, stpmin), stpmax);
    // When further progress is not possible, the best step so far is the last trial.
    if ((s.brackt && (stp <= stmin || stp >= stmax)) || (s.brackt && stmax - stmin <= xtol * stmax)) stp = s.stx;
  }
}

/**
 * One safeguarded step (`dcstep`): updates the interval `[stx, sty]` with the trial
 * `(stp, fp, dp)` and returns the next trial step.
 */
function dcstep(s: StepState, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, dx, sty, fy, dy } = s;
  const sgnd = dp * Math.sign(dx);
  let stpf: number;
  if (fp > fx) {
    // Case 1: higher function value; the minimum is bracketed.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const stpc = stx + (p / q) * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    s.brackt = true;
  } else if (sgnd < 0) {
    // Case 2: lower value and derivatives of opposite sign; the minimum is bracketed.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dx / sc) * (dp / sc));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const stpc = stp + (p / q) * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    s.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // Case 3: lower value, same-sign derivative that decreases in magnitude.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt(Math.max(0, (theta / sc) ** 2 - (dx / sc) * (dp / sc)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else stpc = stp > stx ? stpmax : stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (s.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.max(stpmin, Math.min(stpmax, stpf));
    }
  } else if (s.brackt) {
    // Case 4: lower value, derivative does not decrease; bracketed: cubic step towards sty.
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) ** 2 - (dy / sc) * (dp / sc));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    stpf = stp + (p / q) * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }

  if (fp > fx) {
    s.sty = stp;
    s.fy = fp;
    s.dy = dp;
  } else {
    if (sgnd < 0) {
      s.sty = stx;
      s.fy = fx;
      s.dy = dx;
    }
    s.stx = stp;
    s.fx = fp;
    s.dx = dp;
  }
  return stpf;
}
