/**
 * Fitting the `logistic` family: L-BFGS (L2 or no penalty) or OWL-QN (L1, elastic net)
 * on the weighted binary log loss, through the backend's design matrix.
 *
 * @module
 */
import type { GlmParams } from '../glm/params';
import { penaltyStrengths } from '../glm/params';
import { fitGlm } from '../glm/fit';
import type { FitContext, FitResult } from '../types';
import { BinaryLogLoss, positiveRate } from './loss';

/** Trains a binary logistic regression. */
export async function fitLogistic(ctx: FitContext<GlmParams>): Promise<FitResult> {
  const p = ctx.params;
  const { l1, l2 } = penaltyStrengths(p);
  // Start from the best constant model: the intercept at the log-odds of the positive
  // class, where the loss's curvature is p(1 - p) per unit-variance feature (p = 1/2
  // without an intercept).
  const rate = p.fitIntercept ? Math.min(1 - 1e-12, Math.max(1e-12, positiveRate(ctx.train))) : 0.5;
  const fit = await fitGlm(ctx, 'logistic', {
    k: 1,
    makeLoss: (data) => new BinaryLogLoss(data),
    l1,
    l2,
    fitIntercept: p.fitIntercept,
    maxIterations: p.maxIterations,
    tolerance: p.tolerance,
    initialIntercept: Float64Array.of(Math.log(rate / (1 - rate))),
    initialCurvature: Float64Array.of(Math.max(rate * (1 - rate), 1e-3)),
  });
  const d = ctx.train.X.cols;
  return {
    state: {
      type: 'logistic',
      task: 'binary',
      numFeatures: d,
      classes: ctx.classes,
      params: { penalty: p.penalty, regularization: p.regularization, l1Ratio: p.l1Ratio, fitIntercept: p.fitIntercept },
      tensors: [
        { name: 'coef', dtype: 'float64', shape: [d], data: fit.coef },
        { name: 'intercept', dtype: 'float64', shape: [1], data: fit.intercept },
      ],
    },
    history: fit.history,
    iterations: fit.iterations,
    converged: fit.converged,
    extras: fit.extras,
  };
}
