/**
 * Parameters shared by the linear model families (`linear`, `logistic`, `softmax`) and
 * their validation.
 *
 * Every family minimises the same kind of objective:
 *
 *     Σᵢ wᵢ·lossᵢ + regularization · (l1Ratio·‖β‖₁ + (1 − l1Ratio)/2·‖β‖²)
 *
 * with `wᵢ` the row weights, `lossᵢ` half the squared error (linear) or the log loss
 * (logistic, softmax), and `β` the coefficients (the intercept is never penalised).
 * `penalty: 'l2'` means l1Ratio = 0, `'l1'` means l1Ratio = 1.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import { suggestName } from '../param-names';

/** The kind of penalty on the coefficients. */
export type Penalty = 'l2' | 'l1' | 'elasticnet';

/** Validated parameters of a linear family. */
export interface GlmParams {
  /** `l2` (ridge), `l1` (lasso) or `elasticnet` (a mix set by `l1Ratio`). */
  penalty: Penalty;
  /** Penalty strength λ ≥ 0 (0: no penalty). */
  regularization: number;
  /** Share of L1 in the penalty: 0 for `l2`, 1 for `l1`, the given value for `elasticnet`. */
  l1Ratio: number;
  /** Whether to fit an (unpenalised) intercept. */
  fitIntercept: boolean;
  /** Most optimiser iterations (sweeps for coordinate descent). */
  maxIterations: number;
  /** Convergence tolerance (see each family). */
  tolerance: number;
}

/** Family-specific defaults. */
export interface GlmDefaults {
  /** Default penalty strength. */
  regularization: number;
  /** Default iteration budget. */
  maxIterations: number;
  /** Default tolerance. */
  tolerance: number;
}

const PENALTIES: readonly Penalty[] = ['l2', 'l1', 'elasticnet'];
const NAMES = ['penalty', 'regularization', 'l1Ratio', 'fitIntercept', 'maxIterations', 'tolerance'] as const;

/** Names users bring from scikit-learn and other libraries, with what to use instead. */
const FOREIGN: Record<string, string> = {
  C: 'regularization (= 1 / C)',
  alpha: 'regularization (Ridge: = alpha; Lasso/ElasticNet: = alpha × number of rows)',
  lambda: 'regularization',
  l1_ratio: 'l1Ratio',
  max_iter: 'maxIterations',
  maxIter: 'maxIterations',
  epochs: 'maxIterations (these models stop on a tolerance, not after a number of epochs)',
  tol: 'tolerance',
  fit_intercept: 'fitIntercept',
  learningRate: 'nothing: these models use L-BFGS or coordinate descent, which need no learning rate',
};

/** The penalty split into its L1 and L2 strengths (on the summed loss). */
export function penaltyStrengths(p: GlmParams): { l1: number; l2: number } {
  return { l1: p.regularization * p.l1Ratio, l2: p.regularization * (1 - p.l1Ratio) };
}

/**
 * Checks a linear family's parameters: unknown names (with a suggestion for typos and
 * scikit-learn names) and bad values throw `TRAIN_INVALID_PARAMS` naming the parameter
 * and the allowed values.
 */
export function validateGlmParams(family: string, params: Record<string, unknown>, defaults: GlmDefaults): GlmParams {
  if (typeof params !== 'object' || params === null) invalid(family, 'model', params, 'an object of parameters');
  for (const key of Object.keys(params)) {
    if ((NAMES as readonly string[]).includes(key)) continue;
    const hint = FOREIGN[key] ?? suggestName(key, NAMES);
    throw new MlopsError(
      'TRAIN_INVALID_PARAMS',
      `Unknown parameter "${key}" for the ${family} model.${hint !== undefined ? ` Did you mean ${hint.includes(' ') ? hint : `"${hint}"`}?` : ''} Allowed: ${NAMES.join(', ')}.`,
      { details: { parameter: key, allowed: [...NAMES] } },
    );
  }
  const penalty = params.penalty ?? 'l2';
  if (!PENALTIES.includes(penalty as Penalty)) invalid(family, 'penalty', penalty, PENALTIES.map((p) => `'${p}'`).join(', '));
  const regularization = params.regularization ?? defaults.regularization;
  if (typeof regularization !== 'number' || !Number.isFinite(regularization) || regularization < 0) {
    invalid(family, 'regularization', regularization, 'a finite number >= 0 (0 means no penalty)');
  }
  let l1Ratio = penalty === 'l1' ? 1 : 0;
  if (params.l1Ratio !== undefined) {
    if (penalty !== 'elasticnet') {
      throw new MlopsError('TRAIN_INVALID_PARAMS', `l1Ratio only applies to penalty 'elasticnet' (the ${family} model has penalty '${String(penalty)}'). Set penalty: 'elasticnet' or remove l1Ratio.`, {
        details: { parameter: 'l1Ratio', value: params.l1Ratio },
      });
    }
    const r = params.l1Ratio;
    if (typeof r !== 'number' || !(r >= 0 && r <= 1)) invalid(family, 'l1Ratio', r, 'a number from 0 (all L2) to 1 (all L1)');
    l1Ratio = r as number;
  } else if (penalty === 'elasticnet') {
    l1Ratio = 0.5;
  }
  const fitIntercept = params.fitIntercept ?? true;
  if (typeof fitIntercept !== 'boolean') invalid(family, 'fitIntercept', fitIntercept, 'true or false');
  const maxIterations = params.maxIterations ?? defaults.maxIterations;
  if (typeof maxIterations !== 'number' || !Number.isInteger(maxIterations) || maxIterations < 1) {
    invalid(family, 'maxIterations', maxIterations, 'an integer >= 1');
  }
  const tolerance = params.tolerance ?? defaults.tolerance;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance <= 0) invalid(family, 'tolerance', tolerance, 'a finite number > 0');
  return {
    penalty: penalty as Penalty,
    regularization: regularization as number,
    l1Ratio,
    fitIntercept: fitIntercept as boolean,
    maxIterations: maxIterations as number,
    tolerance: tolerance as number,
  };
}

function invalid(family: string, name: string, value: unknown, allowed: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new MlopsError('TRAIN_INVALID_PARAMS', `Invalid ${name} ${shown} for the ${family} model; use ${allowed}.`, {
    details: { parameter: name, value: typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : String(value), allowed },
  });
}
