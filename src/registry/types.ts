/**
 * Public types of the registry.
 *
 * @module
 */
import type { GateRules } from '../evaluator/index';
import type { BlobStore, MetadataStore, Tags, VersionRecord } from '../storage/contracts';

/** A registered version, with the aliases that point at it now. */
export interface ModelVersion extends VersionRecord {
  /** Current aliases pointing at this version, sorted. */
  aliases: string[];
  /** Its canonical reference, `name/version`. */
  ref: string;
}

/**
 * The part of a manifest the registry reads (a structural subset of
 * `ArtifactManifest`, so the registry depends on no artifact internals).
 */
export interface RegistrableManifest {
  /** Model family. */
  modelType?: string;
  /** What the model predicts. */
  task?: string;
  /** When the artifact was created (ISO). */
  createdAt?: string;
  /** Training data identity. */
  trainingData?: { fingerprint?: string };
  /** The training run. */
  runRecord?: { runId?: string };
  /** Headline metrics. */
  metrics?: Record<string, number>;
  /** The full evaluation report, checked by `setAlias(..., { requireGate })`. */
  evaluation?: unknown;
}

/** What `register` accepts: anything with verifiable bytes and a manifest, such as a `ModelArtifact`. */
export interface RegistrableArtifact {
  /** SHA-256 hex of `toBytes()`. */
  readonly digest: string;
  /** The serialized artifact. */
  toBytes(): Uint8Array;
  /** Its manifest. */
  readonly manifest: RegistrableManifest;
}

/**
 * Turns verified bytes back into an artifact (default: `ModelArtifact.fromBytes`).
 * It must throw when the bytes do not match `expectedDigest`.
 */
export type ArtifactDecoder<A> = (bytes: Uint8Array, options: { expectedDigest: string }) => Promise<A>;

/** Options of the {@link Registry} constructor. */
export interface RegistryOptions<A> {
  /** A store implementing both contracts (`MemoryStore`, `FsStore`, `SqliteStore`, `PostgresStore`). */
  store?: MetadataStore & BlobStore;
  /** The metadata store, when blobs live elsewhere (for example PostgreSQL + S3). */
  metadata?: MetadataStore;
  /** The blob store, with `metadata`. */
  blobs?: BlobStore;
  /**
   * Who is acting, recorded in `createdBy` and the alias history when a call passes no
   * `by` (default: the `USER` environment variable, else `"unknown"`). Typically the CI
   * job or service identity: `"github-actions:deploy"`.
   */
  actor?: string;
  /** This registry's name in the lineage of versions copied out of it (`"staging"`). */
  label?: string;
  /** Decodes loaded bytes (default: `ModelArtifact.fromBytes`). */
  decode?: ArtifactDecoder<A>;
  /** Clock in epoch ms (default `Date.now`): creation times and the gc cutoff. */
  now?: () => number;
}

/** Options of `register`. */
export interface RegisterOptions {
  /** Labels on the version (string values). */
  tags?: Tags;
  /** Free text. */
  description?: string;
  /** Who registers (default: the registry's `actor`). */
  by?: string;
  /** Cancels before the write. */
  signal?: AbortSignal;
}

/** Options of `setAlias`. */
export interface SetAliasOptions {
  /** Who moves it (default: the registry's `actor`). */
  by?: string;
  /** Why (kept in the history). */
  reason?: string;
  /**
   * Refuse the move (`REGISTRY_GATE_FAILED`) unless the version's stored evaluation
   * (`manifest.evaluation`) passes these rules, exactly as `gate(report, rules)` would.
   */
  requireGate?: GateRules;
  /**
   * Compare-and-swap: move only if the alias currently points at this version (`null`:
   * only if unset); otherwise `REGISTRY_CONFLICT`.
   */
  ifCurrent?: number | null;
}

/** Options of `removeAlias` and `rollback`. */
export interface AliasOptions {
  /** Who moves it (default: the registry's `actor`). */
  by?: string;
  /** Why (kept in the history). */
  reason?: string;
}

/** Options of `listVersions`. */
export interface ListVersionsOptions {
  /** Page size, 1..1000 (default 100). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** `desc` (newest first, default) or `asc`. */
  order?: 'asc' | 'desc';
  /** Only versions carrying all these tags. */
  tags?: Tags;
  /** Only the version this alias points at (`latest` allowed). */
  alias?: string;
  /** Only versions created at or after this time. */
  createdFrom?: Date | string | number;
  /** Only versions created before this time. */
  createdTo?: Date | string | number;
}

/** Options of `listModels`. */
export interface ListModelsOptions {
  /** Page size, 1..1000 (default 100). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Only names starting with this prefix. */
  prefix?: string;
}

/** Options of `copyVersion`. */
export interface CopyVersionOptions {
  /** Name in the target registry (default: the same name). */
  name?: string;
  /** Who copies (default: the target registry's `actor`). */
  by?: string;
  /** Tags of the new version (default: the source version's tags). */
  tags?: Tags;
  /** Description of the new version (default: the source's). */
  description?: string;
}
