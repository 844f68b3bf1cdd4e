/**
 * The built-in model families, by name. Imported explicitly by the Trainer and the
 * artifact loader; nothing registers itself on import.
 *
 * @module
 */
import { MlopsError } from '../errors';
import { gbdtFamily } from './gbdt/index';
import { linearFamily } from './linear/index';
import { logisticFamily } from './logistic/index';
import { mlpFamily } from './mlp/index';
import { softmaxFamily } from './softmax/index';
import type { ModelFamily, ModelState, ModelType, Predictor } from './types';

const FAMILIES: Record<ModelType, ModelFamily<never>> = {
  linear: linearFamily as ModelFamily<never>,
  logistic: logisticFamily as ModelFamily<never>,
  softmax: softmaxFamily as ModelFamily<never>,
  mlp: mlpFamily as ModelFamily<never>,
  gbdt: gbdtFamily as ModelFamily<never>,
};

/** The names of the built-in families. */
export const MODEL_TYPES: readonly ModelType[] = Object.keys(FAMILIES) as ModelType[];

/** The family of this name; throws `TRAIN_INVALID_PARAMS` listing the families otherwise. */
export function getFamily(type: string): ModelFamily<Record<string, unknown>> {
  const f = Object.hasOwn(FAMILIES, type) ? (FAMILIES as Record<string, ModelFamily<never>>)[type] : undefined;
  if (f === undefined) {
    throw new MlopsError('TRAIN_INVALID_PARAMS', `Unknown model type ${JSON.stringify(type)}; use one of ${MODEL_TYPES.map((t) => `'${t}'`).join(', ')}.`, {
      details: { type },
    });
  }
  return f as unknown as ModelFamily<Record<string, unknown>>;
}

/** Rebuilds a predictor from a serialised state with the right family (pure TypeScript). */
export function loadPredictor(state: ModelState): Predictor {
  return getFamily(state.type).load(state);
}
