/**
 * The two storage contracts the {@link Registry} runs on. A custom adapter implements
 * these interfaces and runs the conformance suites from `mlops-kit/testing`.
 *
 * - {@link BlobStore}: content-addressed bytes, keyed by the SHA-256 of the content.
 * - {@link MetadataStore}: models, versions, aliases, the append-only alias history and
 *   tags. Version allocation and alias moves are atomic.
 *
 * Timestamps are ISO 8601 UTC strings as produced by `Date.prototype.toISOString()`
 * (they sort lexicographically). Adapters throw {@link MlopsError} with the codes named
 * on each method.
 *
 * @module
 */

/** Facts about one stored blob, as {@link BlobStore.list} yields them. */
export interface BlobInfo {
  /** SHA-256 of the content, 64 lowercase hex characters. */
  digest: string;
  /** Size in bytes. */
  size: number;
  /** Epoch milliseconds of the last `put` of this digest (creation or refresh). */
  storedAt: number;
}

/** Options of {@link BlobStore.delete}. */
export interface BlobDeleteOptions {
  /**
   * Delete only when the blob's last `put` happened before this time (epoch ms). The
   * check and the delete are one atomic step where the store allows it; garbage
   * collection relies on it to spare blobs that a concurrent `register` has just
   * written or refreshed.
   */
  storedBefore?: number;
}

/**
 * Content-addressed byte storage. The key is the SHA-256 hex digest of the bytes; the
 * caller computes it and the store trusts it (the registry verifies every read).
 *
 * @example
 * ```ts
 * const blobs: BlobStore = new MemoryStore();
 * await blobs.put(digest, bytes);          // idempotent
 * const back = await blobs.get(digest);    // Uint8Array | undefined
 * ```
 */
export interface BlobStore {
  /**
   * Stores `bytes` under `digest`. Idempotent: putting a digest that exists keeps one
   * copy, and refreshes its `storedAt` to now (garbage collection spares recently put
   * blobs). When the call resolves, the bytes are durable and readable in full; a crash
   * or error never leaves a partial blob readable under `digest`.
   */
  put(digest: string, bytes: Uint8Array): Promise<void>;
  /** The bytes stored under `digest`, or `undefined`. Verifies nothing. */
  get(digest: string): Promise<Uint8Array | undefined>;
  /** Whether a blob is stored under `digest`. */
  has(digest: string): Promise<boolean>;
  /**
   * Deletes the blob; resolves `true` when something was deleted, `false` when nothing
   * was there or the `storedBefore` condition spared it.
   */
  delete(digest: string, options?: BlobDeleteOptions): Promise<boolean>;
  /** Every stored blob, in no particular order (used by garbage collection). */
  list(): AsyncIterable<BlobInfo>;
  /** Releases connections, handles or timers. Idempotent. */
  close?(): Promise<void>;
}

/** Free-form string labels on a version (`team: risk`, `dataset: 2024-06`). */
export type Tags = Record<string, string>;

/** Where a copied version came from (see `Registry.copyVersion`). */
export interface VersionSource {
  /** Label of the source registry (its `label` option), when it has one. */
  registry?: string;
  /** Model name in the source registry. */
  name: string;
  /** Version number in the source registry. */
  version: number;
}

/**
 * A short, JSON-serialisable summary of the artifact kept with each version so that
 * listings and audits do not have to download blobs. The artifact itself stays the
 * authority (its bytes are verified on every load).
 */
export interface ArtifactSummary {
  /** Model family (`logistic`, `gbdt`, ...). */
  modelType?: string;
  /** `regression`, `binary` or `multiclass`. */
  task?: string;
  /** When the artifact was created (ISO). */
  createdAt?: string;
  /** SHA-256 fingerprint of the training data. */
  dataFingerprint?: string;
  /** Identifier of the training run. */
  runId?: string;
  /** Headline evaluation metrics, when the artifact carries an evaluation. */
  metrics?: Record<string, number>;
}

/** A version as the metadata store records it. Immutable except `tags` and `description`. */
export interface VersionRecord {
  /** Model name. */
  name: string;
  /** Version number, from 1, allocated by the store, never reused. */
  version: number;
  /** SHA-256 hex of the artifact bytes. */
  digest: string;
  /** Size of the artifact in bytes. */
  size: number;
  /** When the version was registered (ISO). */
  createdAt: string;
  /** Who registered it. */
  createdBy: string;
  /** Free text. */
  description: string;
  /** Labels; replaceable with `updateVersion`. */
  tags: Tags;
  /** Summary of the artifact's manifest. */
  artifact: ArtifactSummary;
  /** Set when the version was copied from another registry. */
  source?: VersionSource;
}

/** What {@link MetadataStore.createVersion} receives: a version without its number. */
export type NewVersion = Omit<VersionRecord, 'version'>;

/** A patch for {@link MetadataStore.updateVersion}. */
export interface VersionPatch {
  /** Replaces the tags entirely. */
  tags?: Tags;
  /** Replaces the description. */
  description?: string;
}

/** A model, as {@link MetadataStore.listModels} yields it. */
export interface ModelRecord {
  /** Model name. */
  name: string;
  /** When its first version was registered (ISO). */
  createdAt: string;
  /** Highest live version, or `null` when every version was deleted. */
  latestVersion: number | null;
  /** Number of live (not deleted) versions. */
  versionCount: number;
}

/** An alias and the version it points at. */
export interface AliasRecord {
  /** Alias name (`production`). */
  alias: string;
  /** Target version. */
  version: number;
  /** When it was last moved (ISO). */
  updatedAt: string;
  /** Who moved it last. */
  updatedBy: string;
}

/** Why an alias moved. */
export type AliasAction = 'set' | 'remove' | 'rollback';

/** One entry of the append-only alias history. */
export interface AliasEvent {
  /** Model name. */
  name: string;
  /** Alias name. */
  alias: string;
  /** Previous target (`null`: the alias did not exist). */
  from: number | null;
  /** New target (`null`: the alias was removed). */
  to: number | null;
  /** What kind of move. */
  action: AliasAction;
  /** Who moved it. */
  by: string;
  /** When (ISO). */
  at: string;
  /** Why (free text, may be empty). */
  reason: string;
}

/** What {@link MetadataStore.moveAlias} receives. */
export interface AliasMove {
  /** Model name. */
  name: string;
  /** Alias name. */
  alias: string;
  /** New target, or `null` to remove the alias. */
  to: number | null;
  /**
   * Compare-and-swap: when not `undefined`, the move happens only if the alias currently
   * points at this version (`null`: only if the alias is unset); otherwise the store
   * throws `REGISTRY_CONFLICT`.
   */
  expected?: number | null;
  /** Recorded in the history entry. */
  action: AliasAction;
  /** Recorded in the history entry. */
  by: string;
  /** Recorded in the history entry (ISO). */
  at: string;
  /** Recorded in the history entry. */
  reason: string;
}

/** A page of results and the cursor of the next page (absent on the last page). */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** Pass as `cursor` to get the next page; absent when there is none. */
  nextCursor?: string;
}

/** Query of {@link MetadataStore.listVersions}. */
export interface VersionQuery {
  /** Page size, 1..1000 (the registry defaults it to 100). */
  limit: number;
  /** Cursor from a previous page. */
  cursor?: string;
  /** `desc` (newest first) or `asc`. */
  order: 'asc' | 'desc';
  /** Only versions whose tags include all of these key/value pairs. */
  tags?: Tags;
  /** Only versions created at or after this time (ISO, inclusive). */
  createdFrom?: string;
  /** Only versions created before this time (ISO, exclusive). */
  createdTo?: string;
}

/** Query of {@link MetadataStore.listModels}. */
export interface ModelQuery {
  /** Page size, 1..1000. */
  limit: number;
  /** Cursor from a previous page. */
  cursor?: string;
  /** Only names starting with this prefix. */
  prefix?: string;
}

/** A change notification from {@link MetadataStore.subscribe}. */
export interface AliasNotice {
  /** Model name. */
  name: string;
  /** Alias that moved; `latest` when a version was created or deleted. */
  alias: string;
}

/**
 * Models, versions, aliases, alias history and tags.
 *
 * Atomicity the registry relies on (each adapter documents how it provides it):
 * - `createVersion` allocates the next number and stores the record in one step;
 *   concurrent callers in any number of processes get distinct, gap-free numbers.
 * - `moveAlias` checks the target exists, applies the compare-and-swap, moves the alias
 *   and appends the history entry in one step, so the history of an alias is a chain:
 *   every entry's `from` is the previous entry's `to`.
 * - `deleteVersion` refuses while an alias points at the version, in one step with the
 *   delete; a deleted number is never reused.
 *
 * Deleted versions are invisible to every read.
 */
export interface MetadataStore {
  /**
   * Allocates the next version number of `input.name` (creating the model on its first
   * version) and stores the record. Numbers start at 1 and are never reused, even after
   * a delete.
   */
  createVersion(input: NewVersion): Promise<VersionRecord>;
  /** The live version, or `undefined` (never existed or deleted). */
  getVersion(name: string, version: number): Promise<VersionRecord | undefined>;
  /** Live versions of a model, filtered and paged. Unknown model: an empty page. */
  listVersions(name: string, query: VersionQuery): Promise<Page<VersionRecord>>;
  /** Replaces tags and/or description. `REGISTRY_NOT_FOUND` when the version is not live. */
  updateVersion(name: string, version: number, patch: VersionPatch): Promise<VersionRecord>;
  /**
   * Deletes a version. `REGISTRY_NOT_FOUND` when it is not live; `REGISTRY_ALIAS_IN_USE`
   * (with `details.aliases`) while an alias points at it.
   */
  deleteVersion(name: string, version: number): Promise<void>;
  /** Models that have had at least one version, sorted by name, paged. */
  listModels(query: ModelQuery): Promise<Page<ModelRecord>>;
  /** Current aliases of a model, sorted by alias name. */
  getAliases(name: string): Promise<AliasRecord[]>;
  /**
   * Moves (or removes, `to: null`) an alias and appends the history entry, atomically.
   * Resolves the entry, or `null` when the alias already pointed at `to` (nothing is
   * recorded). `REGISTRY_NOT_FOUND` when `to` is not a live version or when removing an
   * alias that is not set; `REGISTRY_CONFLICT` when `expected` does not match.
   */
  moveAlias(move: AliasMove): Promise<AliasEvent | null>;
  /** The history of one alias (or of all aliases of the model), oldest first. */
  aliasHistory(name: string, alias?: string): Promise<AliasEvent[]>;
  /** Every digest a live version references, across all models (for garbage collection). */
  referencedDigests(): Promise<Set<string>>;
  /**
   * Optional capability: push notification of alias moves (PostgreSQL LISTEN/NOTIFY).
   * `Registry.watch` uses it to react at once and keeps polling as a safety net.
   * Resolves a function that unsubscribes.
   */
  subscribe?(listener: (notice: AliasNotice) => void): Promise<() => Promise<void>>;
  /** Releases connections, handles or timers. Idempotent. */
  close?(): Promise<void>;
}
