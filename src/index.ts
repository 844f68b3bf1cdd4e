/**
 * mlops-kit: the MLOps lifecycle for TypeScript services.
 *
 * This is the light core: it imports no native module and no optional dependency.
 * Heavy or optional pieces are subpath entries (`mlops-kit/storage/postgres`,
 * `mlops-kit/backend/webgpu`, `mlops-kit/testing`, ...).
 *
 * @packageDocumentation
 */
export { MlopsError, isMlopsError, type ErrorCode, type MlopsErrorOptions } from './errors';
export { createRng, DEFAULT_SEED, type Rng, type Seed } from './random';
export * from './dataset/index';
export * from './preprocess/index';
export * from './models/index';
export * from './trainer/index';
export { VERSION } from './version';
export * from './backend/index';
export * from './evaluator/index';
export * from './artifact/index';
export * from './registry/index';
export * from './monitor/index';
export * from './serve/index';
export * from './demo/index';
