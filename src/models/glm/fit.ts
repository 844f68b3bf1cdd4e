/**
 * Fitting a log-linear model (binary logistic or multinomial) by L-BFGS / OWL-QN over a
 * backend's {@link DesignMatrix}: the driver shared by the `logistic` and `softmax`
 * families. It owns the parameter layout, the penalty, the progress events, the history,
 * validation loss, cancellation and the divergence check; the family supplies the
 * per-row loss.
 *
 * Parameters are laid out as `[B (d x k, row-major), b (k)]`: the coefficient matrix in
 * the layout `DesignMatrix.mul` expects, then the intercepts. The objective minimised is
 * the family's summed weighted loss plus the penalty, divided by the sum of the weights
 * (so tolerances do not depend on the number of rows).
 *
 * @module
 */
import { MlopsError, throwIfAborted } from '../../errors';
import { JS_BACKEND } from '../../backend/handle';
import { type BlockLoss, hasFusedLossGrad } from '../../backend/js-matrix';
import type { BackendHandle, DesignMatrix, EpochRecord, FitContext, FitData } from '../types';
import { minimize, type StopReason } from '../../optim/lbfgs';

/** A per-row loss over `k` scores per row, with the intercepts applied inside. */
export interface RowLoss {
  /** Intercepts added to each row's scores (length k); set before a pass. */
  readonly intercept: Float64Array;
  /** Σ dLoss/dscore per output, accumulated by `block` (length k); zeroed before a pass. */
  readonly interceptGrad: Float64Array;
  /** The block loss (see {@link BlockLoss}). */
  readonly block: BlockLoss;
}

/** What the driver needs from a family. */
export interface GlmProblem {
  /** Scores per row (1 for binary, the number of classes for multinomial). */
  k: number;
  /** Builds the loss for a data set. */
  makeLoss(data: FitData): RowLoss;
  /** L1 strength on the summed loss. */
  l1: number;
  /** L2 strength on the summed loss. */
  l2: number;
  /** Fit intercepts. */
  fitIntercept: boolean;
  /** Most L-BFGS iterations. */
  maxIterations: number;
  /** Largest allowed gradient component of the per-row objective. */
  tolerance: number;
  /** Starting intercepts (length k), e.g. the log-odds of the classes. */
  initialIntercept: Float64Array;
  /** Curvature of the loss per output at the start (for the first step's scale). */
  initialCurvature: Float64Array;
}

/** Result of {@link fitGlm}. */
export interface GlmFit {
  /** Coefficients, `d x k` row-major. */
  coef: Float64Array;
  /** Intercepts (length k; zeros without an intercept). */
  intercept: Float64Array;
  /** One record per iteration. */
  history: EpochRecord[];
  /** Iterations run. */
  iterations: number;
  /** Whether a tolerance stopped it. */
  converged: boolean;
  /** Run-record extras: why it stopped, final objective and gradient size, evaluations. */
  extras: { stopReason: StopReason; objective: number; gradientNorm: number; evaluations: number; trainLoss: number; fused: boolean };
}

/**
 * The relative objective-change tolerance that goes with a gradient tolerance ε: near the
 * minimum the objective's excess is of order ε², so an iteration that improves it by less
 * than ε² (relative) cannot be expected to bring the gradient under ε. Never below the
 * rounding level of the backend's products: 1e-15 in float64 (the SDK's kernels), 1e-9 in
 * float32 (tfjs backends, whose loss values are only that precise). It ends runs whose
 * gradient test rounding keeps out of reach.
 */
function relativeTolerance(gradientTolerance: number, backend: BackendHandle): number {
  return Math.max(gradientTolerance * gradientTolerance, backend.kind === 'tfjs' ? 1e-9 : 1e-15);
}

/** Runs the fit. Disposes every design matrix it creates, also on error or abort. */
export async function fitGlm(ctx: FitContext<unknown>, family: string, problem: GlmProblem): Promise<GlmFit> {
  const { k, l1, l2, fitIntercept } = problem;
  const X = ctx.train.X;
  const d = X.cols;
  const nb = d * k;
  const np = nb + (fitIntercept ? k : 0);
  const sw = weightSum(ctx.train);
  const backend = ctx.backend ?? JS_BACKEND;
  throwIfAborted(ctx.signal, 'training');

  const matrices: DesignMatrix[] = [];
  try {
    const m = backend.matrix(X);
    matrices.push(m);
    const loss = problem.makeLoss(ctx.train);
    const fused = hasFusedLossGrad(m) ? m : undefined;
    const B = new Float64Array(nb);
    const gradB = new Float64Array(nb);
    const R = fused === undefined ? new Float64Array(X.rows * k) : undefined;
    // Data loss (without penalty) at the last evaluated point and at the current iterate.
    let lastDataLoss = NaN;
    let currentDataLoss = NaN;

    const evaluate = async (theta: Float64Array, grad: Float64Array): Promise<number> => {
      B.set(theta.subarray(0, nb));
      if (fitIntercept) loss.intercept.set(theta.subarray(nb));
      loss.interceptGrad.fill(0);
      let total: number;
      if (fused !== undefined) {
        total = fused.lossGrad(B, k, loss.block, gradB);
      } else {
        const Z = await m.mul(B, k);
        total = loss.block(0, X.rows, Z, R!);
        gradB.set(await m.mulT(R!, k));
      }
      let bb = 0;
      for (let i = 0; i < nb; i++) {
        bb += B[i] * B[i];
        grad[i] = (gradB[i] + l2 * B[i]) / sw;
      }
      if (fitIntercept) for (let j = 0; j < k; j++) grad[nb + j] = loss.interceptGrad[j] / sw;
      lastDataLoss = total / sw;
      if (Number.isNaN(currentDataLoss)) currentDataLoss = lastDataLoss; // the starting point
      const f = (total + 0.5 * l2 * bb) / sw;
      if (!Number.isFinite(f)) throw diverged(family, f);
      return f;
    };

    let validate: ((theta: Float64Array) => Promise<number>) | undefined;
    if (ctx.validation !== undefined) {
      const v = ctx.validation;
      const mv = backend.matrix(v.X);
      matrices.push(mv);
      const vloss = problem.makeLoss(v);
      const vsw = weightSum(v);
      const Rv = new Float64Array(v.X.rows * k);
      validate = async (theta) => {
        B.set(theta.subarray(0, nb));
        if (fitIntercept) vloss.intercept.set(theta.subarray(nb));
        vloss.interceptGrad.fill(0);
        const Z = await mv.mul(B, k);
        return vloss.block(0, v.X.rows, Z, Rv) / vsw;
      };
    }

    const theta0 = new Float64Array(np);
    const h0 = new Float64Array(np);
    for (let c = 0; c < d; c++) for (let j = 0; j < k; j++) h0[c * k + j] = 1 / (problem.initialCurvature[j] + l2 / sw);
    if (fitIntercept) {
      theta0.set(problem.initialIntercept, nb);
      for (let j = 0; j < k; j++) h0[nb + j] = 1 / problem.initialCurvature[j];
    }
    const l1Weights = new Float64Array(np);
    l1Weights.fill(l1 / sw, 0, nb);

    const history: EpochRecord[] = [];
    ctx.progress({ phase: 'start', epoch: 0, totalEpochs: problem.maxIterations });
    const pacer = new EventLoopPacer();
    const result = await minimize(evaluate, theta0, {
      maxIterations: problem.maxIterations,
      gradientTolerance: problem.tolerance,
      relativeTolerance: relativeTolerance(problem.tolerance, backend),
      l1: l1 > 0 ? l1Weights : undefined,
      initialInverseHessian: h0,
      onIteration: async ({ iteration, f, gradientNorm, x }) => {
        await pacer.maybeYield();
        throwIfAborted(ctx.signal, 'training');
        // The accepted point is the last one the line search evaluated.
        currentDataLoss = lastDataLoss;
        const record: EpochRecord = { epoch: iteration, loss: currentDataLoss, metrics: { objective: f, gradientNorm } };
        if (validate !== undefined) record.valLoss = await validate(x);
        history.push(record);
        ctx.progress({ phase: 'epoch', epoch: iteration, totalEpochs: problem.maxIterations, loss: record.loss, valLoss: record.valLoss, metrics: record.metrics });
      },
    });
    throwIfAborted(ctx.signal, 'training');
    const coef = result.x.slice(0, nb);
    const intercept = fitIntercept ? result.x.slice(nb) : new Float64Array(k);
    const finalLoss = currentDataLoss;
    ctx.progress({ phase: 'done', epoch: result.iterations, totalEpochs: problem.maxIterations, loss: finalLoss, valLoss: history[history.length - 1]?.valLoss });
    return {
      coef,
      intercept,
      history,
      iterations: result.iterations,
      converged: result.converged,
      extras: { stopReason: result.reason, objective: result.f, gradientNorm: result.gradientNorm, evaluations: result.evaluations, trainLoss: finalLoss, fused: fused !== undefined },
    };
  } finally {
    for (const mat of matrices) mat.dispose();
  }
}

/** Σ of the row weights (the row count when unweighted). */
export function weightSum(data: FitData): number {
  const w = data.sampleWeight;
  if (w === undefined) return data.X.rows;
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  if (!(s > 0)) {
    throw new MlopsError('TRAIN_INVALID_PARAMS', 'Every row has weight 0 (sample weights times class weights), so there is nothing to fit. Check sampleWeight and classWeight.');
  }
  return s;
}

/** A `TRAIN_DIVERGED` error with advice. */
export function diverged(family: string, value: number): MlopsError {
  return new MlopsError(
    'TRAIN_DIVERGED',
    `Training the ${family} model produced a non-finite loss (${value}). The features probably contain NaN or Infinity (imputation turned off with impute: 'none'?) or extreme values; keep the default imputation and standard scaling, or raise regularization.`,
    { details: { family, value: String(value) } },
  );
}

/**
 * Yields to the event loop (timers, I/O, AbortSignal listeners) when more than 20 ms
 * passed since the last yield, so a long fit on the synchronous JS kernels stays
 * cancellable without paying for a yield on every iteration.
 */
export class EventLoopPacer {
  private last = performance.now();

  async maybeYield(): Promise<void> {
    const now = performance.now();
    if (now - this.last < 20) return;
    await new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
    this.last = performance.now();
  }
}
