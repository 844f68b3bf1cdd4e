/**
 * The `linear` model family: linear regression by ordinary least squares, ridge (L2),
 * lasso (L1) or elastic net, with row weights. Least squares and ridge are solved in
 * closed form (Cholesky on the `d x d` normal equations); lasso and elastic net by cyclic
 * coordinate descent, in float64 on the CPU whatever the compute backend. Agrees with
 * scikit-learn's `LinearRegression`, `Ridge`, `Lasso` and `ElasticNet` (see
 * {@link LinearParams} for the mapping).
 *
 * @module
 */
import type { GlmParams } from '../glm/params';
import type { ModelFamily } from '../types';
import { fitLinear } from './fit';
import { validateLinearParams } from './params';
import { LinearPredictor } from './predictor';

export type { LinearParams } from './params';
export { LinearPredictor } from './predictor';
export { linearCoefficients, type FeatureCoefficients, type LinearCoefficients } from './coefficients';

/**
 * The `linear` family.
 *
 * @example
 * ```ts
 * const model = await new Trainer({ model: { type: 'linear', penalty: 'l1', regularization: 50 }, target: 'latencyMs' }).fit(train);
 * (await model.predict({ rps: 1200, region: 'eu-west-1' })).values; // Float64Array [ 83.4 ]
 * ```
 */
export const linearFamily: ModelFamily<GlmParams> = {
  type: 'linear',
  tasks: ['regression'],
  defaultPreprocess: { numeric: { impute: 'mean', scale: 'standard' }, categorical: { encode: 'onehot' } },
  // The d x d statistics are float64 on the CPU: float32 backends would lose the digits
  // the normal equations need (see stats.ts).
  usesBackend: false,
  validateParams: (params) => validateLinearParams(params),
  fit: fitLinear,
  load: (state) => new LinearPredictor(state),
};
