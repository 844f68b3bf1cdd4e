/**
 * The model registry and the storage contracts its adapters implement.
 *
 * Adapters are subpath entries: `mlops-kit/storage/memory`, `mlops-kit/storage/fs`,
 * `mlops-kit/storage/sqlite`, `mlops-kit/storage/postgres`, `mlops-kit/storage/s3`.
 *
 * @module
 */
export { Registry } from './registry';
export type { DefaultArtifact } from './default-decoder';
export type {
  ModelVersion,
  RegistrableArtifact,
  RegistrableManifest,
  ArtifactDecoder,
  RegistryOptions,
  RegisterOptions,
  SetAliasOptions,
  AliasOptions,
  ListVersionsOptions,
  ListModelsOptions,
  CopyVersionOptions,
} from './types';
export { parseReference, formatReference, type ModelReference } from './reference';
export { validateModelName, validateAlias, MAX_NAME_LENGTH, MAX_ALIAS_LENGTH } from './names';
export { DEFAULT_GC_GRACE_MS, type GcOptions, type GcReport } from './gc';
export type { AliasChange, AliasWatcher, WatchOptions } from './watch';
export type {
  BlobStore,
  BlobInfo,
  BlobDeleteOptions,
  MetadataStore,
  VersionRecord,
  NewVersion,
  VersionPatch,
  VersionQuery,
  VersionSource,
  ArtifactSummary,
  ModelRecord,
  ModelQuery,
  AliasRecord,
  AliasEvent,
  AliasAction,
  AliasMove,
  AliasNotice,
  Page,
  Tags,
} from '../storage/contracts';
export { selectVersions, selectModels, versionMatches, tagsMatch } from '../storage/select';
export { planAliasMove } from '../storage/alias-move';
