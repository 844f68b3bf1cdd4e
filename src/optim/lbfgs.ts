/**
 * Limited-memory BFGS (Nocedal, 1980; Liu and Nocedal, 1989) with the Moré-Thuente line
 * search, and its orthant-wise variant OWL-QN (Andrew and Gao, "Scalable training of
 * L1-regularized log-linear models", ICML 2007) for objectives with an L1 term.
 *
 * Minimises `f(x) + Σ l1[i]·|x[i]|` where `f` is smooth and evaluated (with its gradient)
 * by an async callback, so the same optimiser runs on any compute backend. Stops on a
 * tolerance, not an iteration count:
 * - the largest component of the (pseudo-)gradient is at most `gradientTolerance`, or
 * - an iteration lowers the objective by at most `relativeTolerance · max(|f|, 1)` (the
 *   `factr` test of L-BFGS-B), or the next quasi-Newton step is predicted to, or
 * - `maxIterations` is reached (then `converged` is false).
 *
 * @module
 */
import { moreThuente } from './line-search';

/** Evaluates the smooth part at `x`: writes the gradient into `grad`, returns the value. */
export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => Promise<number>;

/** What an iteration callback sees. */
export interface IterationInfo {
  /** 1-based iteration number. */
  iteration: number;
  /** Objective value (L1 term included). */
  f: number;
  /** Largest absolute component of the (pseudo-)gradient. */
  gradientNorm: number;
  /** Current point (do not keep a reference; it is reused). */
  x: Float64Array;
  /** Objective evaluations so far. */
  evaluations: number;
}

/** Why {@link minimize} stopped. */
export type StopReason = 'gradient' | 'objective' | 'maxIterations' | 'lineSearch';

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Most iterations. */
  maxIterations: number;
  /** Stop when the largest (pseudo-)gradient component is at most this. */
  gradientTolerance: number;
  /** Stop when an iteration improves the objective by at most this times `max(|f|, 1)`. */
  relativeTolerance: number;
  /** Correction pairs kept (default 10, as L-BFGS-B). */
  memory?: number;
  /** Per-coordinate L1 weights (0 for unpenalised coordinates). OWL-QN when any is > 0. */
  l1?: Float64Array;
  /**
   * Diagonal of the initial inverse Hessian, used for the first step (a good guess, such
   * as the inverse curvature of the loss at the start, saves line-search evaluations).
   * Without it the first step has length 1/‖g‖ as in L-BFGS-B.
   */
  initialInverseHessian?: Float64Array;
  /** Called after every iteration; may throw (to abort) or await. */
  onIteration?: (info: IterationInfo) => void | Promise<void>;
}

/** Outcome of {@link minimize}. */
export interface MinimizeResult {
  /** The minimiser found. */
  x: Float64Array;
  /** Objective value there (L1 term included). */
  f: number;
  /** Largest (pseudo-)gradient component there. */
  gradientNorm: number;
  /** Iterations run. */
  iterations: number;
  /** Objective evaluations. */
  evaluations: number;
  /** True when a tolerance stopped it. */
  converged: boolean;
  /** Why it stopped. `lineSearch`: no further decrease was possible (precision limit). */
  reason: StopReason;
}

/**
 * Minimises `f(x) + Σ l1[i]·|x[i]|` from `x0` (not modified).
 *
 * @example
 * ```ts
 * // f(x) = (x0 - 3)² + 10·(x1 + 1)²
 * const r = await minimize(async (x, g) => {
 *   g[0] = 2 * (x[0] - 3);
 *   g[1] = 20 * (x[1] + 1);
 *   return (x[0] - 3) ** 2 + 10 * (x[1] + 1) ** 2;
 * }, new Float64Array(2), { maxIterations: 100, gradientTolerance: 1e-10, relativeTolerance: 0 });
 * r.x; // ≈ [3, -1]
 * ```
 */
export async function minimize(fg: ObjectiveFn, x0: Float64Array, options: MinimizeOptions): Promise<MinimizeResult> {
  const n = x0.length;
  const m = options.memory ?? 10;
  const l1 = options.l1 !== undefined && options.l1.some((v) => v > 0) ? options.l1 : undefined;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const pg = new Float64Array(n); // pseudo-gradient (= g without L1)
  const d = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);

  let evaluations = 1;
  let f = (await fg(x, g)) + l1Term(x, l1);
  pseudoGradient(x, g, l1, pg);
  let gnorm = maxAbs(pg);
  if (gnorm <= options.gradientTolerance) return { x, f, gradientNorm: gnorm, iterations: 0, evaluations, converged: true, reason: 'gradient' };

  let iteration = 0;
  while (iteration < options.maxIterations) {
    // Search direction d = -H·pg by the two-loop recursion.
    for (let i = 0; i < n; i++) d[i] = -pg[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], d);
      axpy(-alpha[j], Y[j], d);
    }
    let firstStep = 1;
    if (k > 0) {
      const yy = dot(Y[k - 1], Y[k - 1]);
      scale(1 / (rho[k - 1] * yy), d);
    } else if (options.initialInverseHessian !== undefined) {
      for (let i = 0; i < n; i++) d[i] *= options.initialInverseHessian[i];
    } else {
      firstStep = 1 / Math.sqrt(dot(d, d));
    }
    for (let j = 0; j < k; j++) {
      const beta = rho[j] * dot(Y[j], d);
      axpy(alpha[j] - beta, S[j], d);
    }
    if (l1 !== undefined) {
      // OWL-QN: keep only components that agree in sign with the steepest descent.
      for (let i = 0; i < n; i++) if (d[i] * pg[i] >= 0) d[i] = 0;
    }
    const slope = dot(pg, d);
    if (!(slope < 0)) {
      if (k === 0) return { x, f, gradientNorm: gnorm, iterations: iteration, evaluations, converged: false, reason: 'lineSearch' };
      clearMemory(S, Y, rho);
      continue;
    }
    // The quasi-Newton step is predicted to lower f by about -slope/2: when that is below
    // the objective tolerance, the next iteration cannot pass the objective test either
    // (and may be lost in rounding, which would only waste line-search evaluations).
    if (k > 0 && -0.5 * slope <= options.relativeTolerance * Math.max(Math.abs(f), 1)) {
      return { x, f, gradientNorm: gnorm, iterations: iteration, evaluations, converged: true, reason: 'objective' };
    }

    const fPrev = f;
    let accepted: boolean;
    if (l1 === undefined) {
      const ls = await moreThuente(
        async (stp) => {
          for (let i = 0; i < n; i++) xt[i] = x[i] + stp * d[i];
          evaluations++;
          const ft = await fg(xt, gt);
          return { f: ft, dg: dot(gt, d) };
        },
        f,
        slope,
        firstStep,
      );
      accepted = ls.f < f || (ls.status === 'converged' && ls.f <= f);
      if (accepted) f = ls.f;
    } else {
      accepted = false;
      let stp = firstStep;
      for (let tries = 0; tries < 40; tries++, stp *= 0.5) {
        for (let i = 0; i < n; i++) {
          const v = x[i] + stp * d[i];
          // Project onto the orthant of x (or of the steepest descent for zeros).
          const orthant = x[i] !== 0 ? Math.sign(x[i]) : -Math.sign(pg[i]);
          xt[i] = Math.sign(v) === orthant ? v : 0;
        }
        evaluations++;
        const ft = (await fg(xt, gt)) + l1Term(xt, l1);
        let decrease = 0;
        for (let i = 0; i < n; i++) decrease += pg[i] * (xt[i] - x[i]);
        if (ft <= f + 1e-4 * decrease) {
          accepted = ft < f || decrease === 0;
          f = ft;
          break;
        }
      }
    }

    if (!accepted) {
      // No decrease along this direction: retry once from steepest descent, else stop.
      if (k > 0) {
        clearMemory(S, Y, rho);
        continue;
      }
      return { x, f, gradientNorm: gnorm, iterations: iteration, evaluations, converged: false, reason: 'lineSearch' };
    }

    // Update the memory with s = xt - x, y = gt - g (smooth gradients).
    const s = S.length === m ? S.shift()! : new Float64Array(n);
    const y = Y.length === m ? Y.shift()! : new Float64Array(n);
    if (rho.length === m) rho.shift();
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      y[i] = gt[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 2.220446049250313e-16 * dot(y, y)) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    x.set(xt);
    g.set(gt);
    pseudoGradient(x, g, l1, pg);
    gnorm = maxAbs(pg);
    iteration++;
    await options.onIteration?.({ iteration, f, gradientNorm: gnorm, x, evaluations });

    if (gnorm <= options.gradientTolerance) return { x, f, gradientNorm: gnorm, iterations: iteration, evaluations, converged: true, reason: 'gradient' };
    if (fPrev - f <= options.relativeTolerance * Math.max(Math.abs(fPrev), Math.abs(f), 1)) {
      return { x, f, gradientNorm: gnorm, iterations: iteration, evaluations, converged: true, reason: 'objective' };
    }
  }
  return { x, f, gradientNorm: gnorm, iterations: iteration, evaluations, converged: false, reason: 'maxIterations' };
}

/**
 * The pseudo-gradient of `f + Σ l1|x|` (OWL-QN): the gradient where the L1 term is
 * differentiable; at zero, the one-sided derivative that points downhill, or 0 when
 * neither side descends.
 */
function pseudoGradient(x: Float64Array, g: Float64Array, l1: Float64Array | undefined, out: Float64Array): void {
  if (l1 === undefined) {
    out.set(g);
    return;
  }
  for (let i = 0; i < x.length; i++) {
    const c = l1[i];
    if (x[i] > 0) out[i] = g[i] + c;
    else if (x[i] < 0) out[i] = g[i] - c;
    else if (g[i] + c < 0) out[i] = g[i] + c;
    else if (g[i] - c > 0) out[i] = g[i] - c;
    else out[i] = 0;
  }
}

function l1Term(x: Float64Array, l1: Float64Array | undefined): number {
  if (l1 === undefined) return 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += l1[i] * Math.abs(x[i]);
  return s;
}

function clearMemory(S: Float64Array[], Y: Float64Array[], rho: number[]): void {
  S.length = 0;
  Y.length = 0;
  rho.length = 0;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function scale(a: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= a;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}
