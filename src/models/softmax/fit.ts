/**
 * Fitting the `softmax` family: multinomial logistic regression by L-BFGS (OWL-QN with
 * an L1 term) through the backend's design matrix.
 *
 * @module
 */
import type { GlmParams } from '../glm/params';
import { penaltyStrengths } from '../glm/params';
import { fitGlm } from '../glm/fit';
import type { FitContext, FitResult } from '../types';
import { MultinomialLogLoss, classShares } from './loss';

/** Trains a multinomial logistic regression over `ctx.classes`. */
export async function fitSoftmax(ctx: FitContext<GlmParams>): Promise<FitResult> {
  const p = ctx.params;
  const k = ctx.classes!.length;
  const { l1, l2 } = penaltyStrengths(p);
  // Start from the best constant model: intercepts at the log class shares (centred: the
  // model is unchanged by adding a constant to every class, and sum-zero intercepts are
  // the convention), where the loss's curvature per class is share·(1 - share). Without
  // intercepts the start predicts 1/k for every class.
  const shares = p.fitIntercept ? classShares(ctx.train, k) : new Float64Array(k).fill(1 / k);
  const intercept0 = new Float64Array(k);
  const curvature = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const s = Math.min(1 - 1e-12, Math.max(1e-12, shares[j]));
    intercept0[j] = Math.log(s);
    curvature[j] = Math.max(s * (1 - s), 1e-3);
  }
  centre(intercept0);
  const fit = await fitGlm(ctx, 'softmax', {
    k,
    makeLoss: (data) => new MultinomialLogLoss(data, k),
    l1,
    l2,
    fitIntercept: p.fitIntercept,
    maxIterations: p.maxIterations,
    tolerance: p.tolerance,
    initialIntercept: intercept0,
    initialCurvature: curvature,
  });
  if (p.fitIntercept) centre(fit.intercept);
  const d = ctx.train.X.cols;
  return {
    state: {
      type: 'softmax',
      task: 'multiclass',
      numFeatures: d,
      classes: ctx.classes,
      params: { penalty: p.penalty, regularization: p.regularization, l1Ratio: p.l1Ratio, fitIntercept: p.fitIntercept },
      tensors: [
        { name: 'coef', dtype: 'float64', shape: [d, k], data: fit.coef },
        { name: 'intercept', dtype: 'float64', shape: [k], data: fit.intercept },
      ],
    },
    history: fit.history,
    iterations: fit.iterations,
    converged: fit.converged,
    extras: fit.extras,
  };
}

function centre(v: Float64Array): void {
  let mean = 0;
  for (let j = 0; j < v.length; j++) mean += v[j] / v.length;
  for (let j = 0; j < v.length; j++) v[j] -= mean;
}
