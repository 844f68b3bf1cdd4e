/**
 * The coefficients of a trained linear model (`linear`, `logistic`, `softmax`), per
 * feature, both in the scaled space the model was fitted in and in the original units of
 * the input columns.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { Model } from '../model';

/** One pipeline output feature and its weights. */
export interface FeatureCoefficients {
  /** Feature name: the column, or `column=category` for a one-hot indicator. */
  name: string;
  /** The input column it comes from. */
  source: string;
  /** Weight per output, as fitted (on the standardised feature). */
  weights: number[];
  /**
   * Weight per output in the column's original units: the change of the output (the
   * prediction, or the log-odds / class score) per unit of the raw value. Equals
   * `weights` for one-hot indicators and unscaled columns.
   */
  weightsOriginal: number[];
}

/** What {@link linearCoefficients} returns. */
export interface LinearCoefficients {
  /**
   * What each weight position refers to: `['value']` (regression), the positive class
   * (binary: weights act on its log-odds), or every class (multiclass: weights act on
   * each class's score).
   */
  outputs: string[];
  /** Intercept per output, as fitted. */
  intercept: number[];
  /** Intercept per output for inputs in original units. */
  interceptOriginal: number[];
  /** One entry per pipeline output feature, in order. */
  features: FeatureCoefficients[];
}

/**
 * The coefficients of a `linear`, `logistic` or `softmax` model.
 *
 * The default pipeline standardises numeric columns (`x' = (x − center) / scale`), so the
 * fitted weights compare features on one scale (the size of a weight is the effect of one
 * standard deviation). `weightsOriginal = weights / scale` and `interceptOriginal =
 * intercept − Σ weights·center / scale` give the same model in the columns' own units
 * (a missing value still counts as the imputed fill value).
 *
 * @example
 * ```ts
 * const model = await new Trainer({ model: { type: 'linear' }, target: 'latencyMs' }).fit(ds);
 * const { features, interceptOriginal } = linearCoefficients(model);
 * features.find((f) => f.name === 'rps')?.weightsOriginal[0]; // ms per extra request/s
 * ```
 */
export function linearCoefficients(model: Model): LinearCoefficients {
  const state = model.state;
  if (state.type !== 'linear' && state.type !== 'logistic' && state.type !== 'softmax') {
    throw new MlopsError('INVALID_ARGUMENT', `linearCoefficients needs a linear, logistic or softmax model; this one is ${state.type}.`);
  }
  const coef = state.tensors.find((t) => t.name === 'coef')!.data as Float64Array;
  const b = state.tensors.find((t) => t.name === 'intercept')!.data as Float64Array;
  const k = b.length;
  const outputs = state.type === 'linear' ? ['value'] : state.type === 'logistic' ? [String(state.classes![1])] : state.classes!.map(String);
  const intercept = Array.from(b);
  const interceptOriginal = Array.from(b);
  const steps = new Map(model.pipeline.steps.map((s) => [s.column, s]));
  const features = model.pipeline.features.map((f, j): FeatureCoefficients => {
    const weights = Array.from(coef.subarray(j * k, j * k + k));
    const step = steps.get(f.source);
    if (f.kind !== 'numeric' || step === undefined || step.kind !== 'numeric') return { name: f.name, source: f.source, weights, weightsOriginal: [...weights] };
    const weightsOriginal = weights.map((w) => w / step.scale);
    for (let o = 0; o < k; o++) interceptOriginal[o] -= weightsOriginal[o] * step.center;
    return { name: f.name, source: f.source, weights, weightsOriginal };
  });
  return { outputs, intercept, interceptOriginal, features };
}
