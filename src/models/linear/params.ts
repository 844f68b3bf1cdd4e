/**
 * Parameters of the `linear` family.
 *
 * @module
 */
import { type GlmParams, validateGlmParams } from '../glm/params';

/**
 * Parameters of `{ type: 'linear' }` (all optional). The default is ordinary least
 * squares.
 *
 * The model minimises `½·Σᵢ wᵢ·(yᵢ − ŷᵢ)² + regularization·(l1Ratio·‖β‖₁ + (1 − l1Ratio)/2·‖β‖²)`.
 * In scikit-learn terms: `penalty: 'l2'` is `Ridge(alpha = regularization)`;
 * `penalty: 'l1'` is `Lasso(alpha = regularization / n)` and `'elasticnet'` is
 * `ElasticNet(alpha = regularization / n, l1_ratio = l1Ratio)`, with n the number of rows
 * (the sum of the row weights); `regularization: 0` is `LinearRegression`.
 */
export interface LinearParams {
  /**
   * `'l2'` (default; ridge), `'l1'` (lasso: drives weak features' coefficients to exactly
   * 0) or `'elasticnet'` (a mix).
   */
  penalty?: 'l2' | 'l1' | 'elasticnet';
  /** Penalty strength; 0 (the default) fits plain least squares. */
  regularization?: number;
  /** With `penalty: 'elasticnet'`: the share of L1, from 0 to 1 (default 0.5). */
  l1Ratio?: number;
  /** Fit an intercept (default true). */
  fitIntercept?: boolean;
  /** Most coordinate-descent sweeps for `l1`/`elasticnet` (default 1000). */
  maxIterations?: number;
  /**
   * For `l1`/`elasticnet`: stop when the duality gap (a bound on how far the objective
   * is from its minimum) is at most this times `Σ wᵢ(yᵢ − ȳ)²` (default 1e-8).
   */
  tolerance?: number;
}

/** Defaults of the linear family. */
export const LINEAR_DEFAULTS = { regularization: 0, maxIterations: 1000, tolerance: 1e-8 };

/** Validates `{ type: 'linear', ... }` parameters. */
export function validateLinearParams(params: Record<string, unknown>): GlmParams {
  return validateGlmParams('linear', params, LINEAR_DEFAULTS);
}
