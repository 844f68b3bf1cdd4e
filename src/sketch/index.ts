export {
  QuantileSketch,
  DEFAULT_SKETCH_K,
  type QuantileSketchOptions,
  type QuantileSketchJSON,
  type WeightedValues,
  type RankErrorOptions,
} from './quantile-sketch';
export { FrequencySketch, DEFAULT_MAX_CATEGORIES, type FrequencySketchOptions, type FrequencySketchJSON, type FrequencyItem } from './frequency-sketch';
export { MomentsSketch, type MomentsJSON } from './moments-sketch';
