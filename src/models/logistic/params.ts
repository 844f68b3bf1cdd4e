/**
 * Parameters of the `logistic` family.
 *
 * @module
 */
import { type GlmParams, validateGlmParams } from '../glm/params';

/**
 * Parameters of `{ type: 'logistic' }` (all optional).
 *
 * The model minimises `Σᵢ wᵢ·logLossᵢ + regularization·(l1Ratio·‖β‖₁ + (1 − l1Ratio)/2·‖β‖²)`,
 * which is scikit-learn's `LogisticRegression` objective with `C = 1 / regularization`.
 */
export interface LogisticParams {
  /** `'l2'` (default), `'l1'` (drives weak features' coefficients to exactly 0) or `'elasticnet'`. */
  penalty?: 'l2' | 'l1' | 'elasticnet';
  /**
   * Penalty strength; larger values give smaller coefficients and a smoother model.
   * Default 1 (scikit-learn's `C = 1`). 0 turns the penalty off.
   */
  regularization?: number;
  /** With `penalty: 'elasticnet'`: the share of L1, from 0 to 1 (default 0.5). */
  l1Ratio?: number;
  /** Fit an intercept (bias) term (default true). */
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

/** Defaults of the logistic family. */
export const LOGISTIC_DEFAULTS = { regularization: 1, maxIterations: 100, tolerance: 1e-6 };

/** Validates `{ type: 'logistic', ... }` parameters. */
export function validateLogisticParams(params: Record<string, unknown>): GlmParams {
  return validateGlmParams('logistic', params, LOGISTIC_DEFAULTS);
}
