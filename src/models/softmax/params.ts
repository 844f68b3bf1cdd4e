/**
 * Parameters of the `softmax` family.
 *
 * @module
 */
import { type GlmParams, validateGlmParams } from '../glm/params';

/**
 * Parameters of `{ type: 'softmax' }` (all optional).
 *
 * The model minimises `Σᵢ wᵢ·logLossᵢ + regularization·(l1Ratio·‖B‖₁ + (1 − l1Ratio)/2·‖B‖²)`
 * over one coefficient vector per class, which is scikit-learn's
 * `LogisticRegression(multi_class='multinomial', C = 1 / regularization)`.
 */
export interface SoftmaxParams {
  /** `'l2'` (default), `'l1'` or `'elasticnet'`. */
  penalty?: 'l2' | 'l1' | 'elasticnet';
  /** Penalty strength (default 1, scikit-learn's `C = 1`); 0 turns the penalty off. */
  regularization?: number;
  /** With `penalty: 'elasticnet'`: the share of L1, from 0 to 1 (default 0.5). */
  l1Ratio?: number;
  /** Fit one intercept per class (default true). */
  fitIntercept?: boolean;
  /** Most L-BFGS iterations (default 100). */
  maxIterations?: number;
  /**
   * Stop when no coefficient's gradient of the per-row average objective exceeds this
   * (default 1e-6), or when an iteration improves the objective by less than a relative
   * `tolerance²` (progress has stalled at the precision limit).
   */
  tolerance?: number;
}

/** Defaults of the softmax family. */
export const SOFTMAX_DEFAULTS = { regularization: 1, maxIterations: 100, tolerance: 1e-6 };

/** Validates `{ type: 'softmax', ... }` parameters. */
export function validateSoftmaxParams(params: Record<string, unknown>): GlmParams {
  return validateGlmParams('softmax', params, SOFTMAX_DEFAULTS);
}
