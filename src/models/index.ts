export * from './types';
export * from './model';
export { MODEL_TYPES, getFamily, loadPredictor } from './families';
export { linearCoefficients, type FeatureCoefficients, type LinearCoefficients, type LinearParams } from './linear/index';
export type { LogisticParams } from './logistic/index';
export type { SoftmaxParams } from './softmax/index';
export type { EarlyStoppingOptions, LearningRateSchedule, MlpActivation, MlpParamsInput } from './mlp/index';
export { GbdtPredictor, isGbdtPredictor, type FeatureImportance, type GbdtFeature, type GbdtLink, type GbdtObjective, type GbdtParams, type GrowPolicy } from './gbdt/index';
