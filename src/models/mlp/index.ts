/**
 * The `mlp` model family: a fully connected neural network (multi-layer perceptron) for
 * regression, binary and multiclass classification.
 *
 * Training runs on the selected backend: the SDK's own typed-array code on `cpu`, tfjs
 * ops on `wasm`, `webgpu` and custom tfjs backends (hand-written backward pass in both).
 * Prediction is pure TypeScript over the saved weights (see `predictor.ts` for the state
 * layout). Parameters: {@link MlpParamsInput}.
 *
 * @module
 */
import type { ModelFamily } from '../types';
import { type MlpParams, validateMlpParams } from './params';
import { loadMlp } from './predictor';
import { fitMlp } from './train';

export type { EarlyStoppingOptions, LearningRateSchedule, MlpActivation, MlpParamsInput } from './params';

/**
 * The `mlp` family.
 *
 * @example
 * ```ts
 * import { Trainer } from 'mlops-kit';
 * const trainer = new Trainer({
 *   model: { type: 'mlp', hiddenLayers: [64, 32], dropout: 0.1, epochs: 50, schedule: 'cosine' },
 *   target: 'churned',
 *   backend: 'auto',
 *   seed: 7,
 * });
 * const model = await trainer.fit(train, { validation: test }); // early stopping on test loss
 * ```
 */
export const mlpFamily: ModelFamily<MlpParams> = {
  type: 'mlp',
  tasks: ['regression', 'binary', 'multiclass'],
  defaultPreprocess: { numeric: { impute: 'mean', scale: 'standard' }, categorical: { encode: 'onehot' } },
  usesBackend: true,
  validateParams: (params) => validateMlpParams(params),
  fit: (ctx) => fitMlp(ctx),
  load: (state) => loadMlp(state),
};
