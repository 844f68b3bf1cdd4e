/**
 * The `softmax` model family: multinomial logistic regression (one coefficient vector
 * per class, probabilities by softmax) with an L2, L1 or elastic-net penalty, fitted by
 * L-BFGS (OWL-QN with an L1 term) to a tolerance. Agrees with scikit-learn's
 * `LogisticRegression(multi_class='multinomial', C = 1 / regularization)`. Works for two
 * or more classes.
 *
 * @module
 */
import type { GlmParams } from '../glm/params';
import type { ModelFamily } from '../types';
import { fitSoftmax } from './fit';
import { validateSoftmaxParams } from './params';
import { SoftmaxPredictor } from './predictor';

export type { SoftmaxParams } from './params';
export { SoftmaxPredictor } from './predictor';

/**
 * The `softmax` family.
 *
 * @example
 * ```ts
 * const model = await new Trainer({ model: { type: 'softmax' }, target: 'plan' }).fit(train);
 * (await model.predict({ seats: 12, region: 'EU' })).toRows(); // [{ label: 'team', probabilities: {...} }]
 * ```
 */
export const softmaxFamily: ModelFamily<GlmParams> = {
  type: 'softmax',
  tasks: ['multiclass'],
  defaultPreprocess: { numeric: { impute: 'mean', scale: 'standard' }, categorical: { encode: 'onehot' } },
  usesBackend: true,
  validateParams: (params) => validateSoftmaxParams(params),
  fit: fitSoftmax,
  load: (state) => new SoftmaxPredictor(state),
};
