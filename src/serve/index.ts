/**
 * Serving: a web-standard prediction handler with health, readiness, metrics and hot
 * reload. The Node adapter is `mlops-kit/serve/node`.
 *
 * @module
 */
export { createPredictHandler, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ROWS } from './handler';
export type { PredictHandler, PredictHandlerOptions, PredictionSink, ServedModel, ServeEvent, CandidateModel, VerifyHook } from './types';
export type { ServingRegistry } from './model-slot';
export { DEFAULT_LATENCY_BUCKETS, type ServeMetricsOptions } from './metrics';
