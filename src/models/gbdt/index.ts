/**
 * The `gbdt` model family: histogram-based gradient-boosted decision trees, trained in
 * plain TypeScript on the calling thread plus worker threads, predicted from flat typed
 * arrays. See docs/models-gbdt.md.
 *
 * @module
 */
import type { ModelFamily } from '../types';
import { fitGbdt } from './boosting';
import { type GbdtParams, type ResolvedGbdtParams, resolveGbdtParams } from './params';
import { GbdtPredictor } from './predictor';

export type { FeatureImportance } from './importance';
export type { GbdtObjective, GbdtParams, GrowPolicy } from './params';
export { GbdtPredictor, isGbdtPredictor, type GbdtFeature, type GbdtLink } from './predictor';

/**
 * The `gbdt` family, used by `Trainer({ model: { type: 'gbdt', ...params } })`.
 * Parameters: {@link GbdtParams}. Feature importance is in the run record's
 * `extras.featureImportance`; staged prediction is on {@link GbdtPredictor}.
 *
 * @example
 * ```ts
 * import { Trainer } from 'mlops-kit';
 * const trainer = new Trainer({
 *   model: { type: 'gbdt', numTrees: 300, learningRate: 0.05, maxDepth: 6 },
 *   target: 'churned',
 * });
 * const model = await trainer.fit(train, { validation: holdout }); // early stopping
 * model.runRecord.bestIteration;             // round kept
 * model.runRecord.extras?.featureImportance; // [{ feature, gain, gainShare, splits }, ...]
 * ```
 */
export const gbdtFamily: ModelFamily<ResolvedGbdtParams> = {
  type: 'gbdt',
  tasks: ['regression', 'binary', 'multiclass'],
  // Trees need no scaling; missing values stay NaN so splits learn where they go;
  // categories become ordinal codes for native categorical splits.
  defaultPreprocess: {
    numeric: { impute: 'none', scale: 'none' },
    categorical: { encode: 'ordinal' },
  },
  usesBackend: false,
  validateParams: (params, task) => resolveGbdtParams(params as GbdtParams & Record<string, unknown>, task),
  fit: (ctx) => fitGbdt(ctx),
  load: (state) => new GbdtPredictor(state),
};
