/**
 * Fitting the `linear` family from the least-squares statistics: Cholesky for ordinary
 * least squares and ridge (the minimum-norm solution when the features are collinear),
 * cyclic coordinate descent for lasso and elastic net. Everything is float64 on the CPU
 * (the family declares no backend use; the losses go through the SDK's design matrix).
 *
 * @module
 */
import { MlopsError, throwIfAborted } from '../../errors';
import { JS_BACKEND } from '../../backend/handle';
import { cholesky, choleskySolve, solveMinNorm } from '../../optim/dense';
import { elasticNetCD } from '../../optim/coordinate-descent';
import { penaltyStrengths, type GlmParams } from '../glm/params';
import { EventLoopPacer, diverged } from '../glm/fit';
import type { DesignMatrix, EpochRecord, FitContext, FitData, FitResult } from '../types';
import { leastSquaresStats } from './stats';

/** How the coefficients were found. */
type Solver = 'cholesky' | 'min-norm' | 'coordinate-descent';

/** Trains a linear regression (OLS, ridge, lasso or elastic net). */
export async function fitLinear(ctx: FitContext<GlmParams>): Promise<FitResult> {
  const p = ctx.params;
  const { l1, l2 } = penaltyStrengths(p);
  const backend = ctx.backend ?? JS_BACKEND;
  const d = ctx.train.X.cols;
  throwIfAborted(ctx.signal, 'training');
  const m = backend.matrix(ctx.train.X);
  try {
    const stats = leastSquaresStats(ctx.train, p.fitIntercept);
    if (!(stats.weightSum > 0)) {
      throw new MlopsError('TRAIN_INVALID_PARAMS', 'Every row has weight 0, so there is nothing to fit. Check the sampleWeight column.');
    }
    if (!stats.G.every(Number.isFinite) || !stats.q.every(Number.isFinite) || !Number.isFinite(stats.yy)) throw diverged('linear', NaN);
    throwIfAborted(ctx.signal, 'training');
    const history: EpochRecord[] = [];
    const totalEpochs = l1 > 0 ? p.maxIterations : 1;
    ctx.progress({ phase: 'start', epoch: 0, totalEpochs });

    let beta: Float64Array;
    let solver: Solver;
    let rank = d;
    let iterations = 1;
    let converged = true;
    let gap: number | undefined;
    if (l1 > 0) {
      solver = 'coordinate-descent';
      const pacer = new EventLoopPacer();
      const cd = await elasticNetCD(stats, {
        l1,
        l2,
        tolerance: p.tolerance,
        maxIterations: p.maxIterations,
        onSweep: async (sweep, residualSquares) => {
          await pacer.maybeYield();
          throwIfAborted(ctx.signal, 'training');
          const loss = residualSquares / stats.weightSum;
          history.push({ epoch: sweep, loss });
          ctx.progress({ phase: 'epoch', epoch: sweep, totalEpochs, loss });
        },
      });
      ({ beta, iterations, converged, gap } = cd);
    } else {
      const A = Float64Array.from(stats.G);
      for (let i = 0; i < d; i++) A[i * d + i] += l2;
      if (cholesky(A, d)) {
        solver = 'cholesky';
        beta = choleskySolve(A, d, Float64Array.from(stats.q));
      } else {
        // Collinear features (e.g. every level of a one-hot column next to the intercept):
        // the least-squares solution of minimum norm, as scikit-learn's LinearRegression.
        solver = 'min-norm';
        const A2 = Float64Array.from(stats.G);
        for (let i = 0; i < d; i++) A2[i * d + i] += l2;
        ({ x: beta, rank } = solveMinNorm(A2, d, stats.q));
      }
    }
    if (!beta.every(Number.isFinite)) throw diverged('linear', NaN);
    let intercept = 0;
    if (p.fitIntercept) {
      intercept = stats.yMean;
      for (let c = 0; c < d; c++) intercept -= stats.mean[c] * beta[c];
    }

    // Exact losses at the solution (one more pass each).
    const trainLoss = await meanSquaredError(m, ctx.train, beta, intercept);
    let valLoss: number | undefined;
    if (ctx.validation !== undefined) {
      const mv = backend.matrix(ctx.validation.X);
      try {
        valLoss = await meanSquaredError(mv, ctx.validation, beta, intercept);
      } finally {
        mv.dispose();
      }
    }
    if (!Number.isFinite(trainLoss)) throw diverged('linear', trainLoss);
    if (solver !== 'coordinate-descent') {
      history.push({ epoch: 1, loss: trainLoss });
      ctx.progress({ phase: 'epoch', epoch: 1, totalEpochs, loss: trainLoss, valLoss });
    }
    const last = history[history.length - 1];
    last.loss = trainLoss;
    if (valLoss !== undefined) last.valLoss = valLoss;
    ctx.progress({ phase: 'done', epoch: iterations, totalEpochs, loss: trainLoss, valLoss });
    throwIfAborted(ctx.signal, 'training');

    return {
      state: {
        type: 'linear',
        task: 'regression',
        numFeatures: d,
        params: { penalty: p.penalty, regularization: p.regularization, l1Ratio: p.l1Ratio, fitIntercept: p.fitIntercept, solver },
        tensors: [
          { name: 'coef', dtype: 'float64', shape: [d], data: beta },
          { name: 'intercept', dtype: 'float64', shape: [1], data: Float64Array.of(intercept) },
        ],
      },
      history,
      iterations,
      converged,
      extras: { solver, rank, trainLoss, ...(gap !== undefined ? { dualityGap: gap } : {}) },
    };
  } finally {
    m.dispose();
  }
}

/** Weighted mean squared error of `intercept + X·beta` against `data.y`. */
async function meanSquaredError(m: DesignMatrix, data: FitData, beta: Float64Array, intercept: number): Promise<number> {
  const z = await m.mul(beta, 1);
  const { y, sampleWeight: w } = data;
  let sum = 0;
  let ws = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    sum += wi * (y[i] - z[i] - intercept) ** 2;
    ws += wi;
  }
  return sum / ws;
}
