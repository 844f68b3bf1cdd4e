export { ModelArtifact, ARTIFACT_FORMAT_VERSION, type CreateArtifactOptions, type LoadArtifactOptions, type PredictionRow } from './model-artifact';
export type { ArtifactManifest, TrainingDataInfo } from './manifest';
export type { ArtifactSignature, SignatureInput, SignatureOutput, InputColumns } from './signature';
export { registerRuntime, unregisterRuntime, type ArtifactRuntime, type RuntimeSession, type RuntimeLoadContext, type ModelDescription } from './runtime';
