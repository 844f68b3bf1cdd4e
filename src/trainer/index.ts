export * from './trainer';
export { type CrossValidateOptions, type CrossValidationResult, type FoldResult, defaultMetric } from './cross-validate';
export { type ParamRange, type ParamSpace, type SearchOptions, type SearchResult, type Trial } from './search';
