/**
 * The `logistic` model family: binary logistic regression with an L2, L1 or elastic-net
 * penalty and row/class weights, fitted by L-BFGS (OWL-QN with an L1 term) to a
 * tolerance. Agrees with scikit-learn's `LogisticRegression(C = 1 / regularization)`.
 *
 * @module
 */
import type { GlmParams } from '../glm/params';
import type { ModelFamily } from '../types';
import { fitLogistic } from './fit';
import { validateLogisticParams } from './params';
import { LogisticPredictor } from './predictor';

export type { LogisticParams } from './params';
export { LogisticPredictor } from './predictor';

/**
 * The `logistic` family.
 *
 * @example
 * ```ts
 * const model = await new Trainer({ model: { type: 'logistic', regularization: 0.1 }, target: 'churned' }).fit(train);
 * model.runRecord.converged; // true: stopped on its tolerance
 * ```
 */
export const logisticFamily: ModelFamily<GlmParams> = {
  type: 'logistic',
  tasks: ['binary'],
  defaultPreprocess: { numeric: { impute: 'mean', scale: 'standard' }, categorical: { encode: 'onehot' } },
  usesBackend: true,
  validateParams: (params) => validateLogisticParams(params),
  fit: fitLogistic,
  load: (state) => new LogisticPredictor(state),
};
