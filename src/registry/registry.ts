/**
 * The model registry: versions, aliases, promotion, rollback and audit, over a
 * {@link MetadataStore} and a {@link BlobStore}.
 *
 * @module
 */
import { sha256Hex } from '../artifact/digest';
import { MlopsError, isMlopsError, throwIfAborted } from '../errors';
import type {
  AliasEvent,
  AliasRecord,
  ArtifactSummary,
  BlobStore,
  MetadataStore,
  ModelRecord,
  NewVersion,
  Page,
  VersionRecord,
  VersionSource,
} from '../storage/contracts';
import { versionMatches } from '../storage/select';
import { collectGarbage, type GcOptions, type GcReport } from './gc';
import { defaultDecoder, type DefaultArtifact } from './default-decoder';
import { checkGate } from './gate-check';
import { LATEST, validateAlias, validateModelName, validateTags, validateText, validateVersion } from './names';
import { checkCursor, pageLimit, toIso } from './list-options';
import { formatReference, parseReference, type ModelReference } from './reference';
import { rollbackTarget } from './rollback';
import { summarize } from './summary';
import type {
  AliasOptions,
  ArtifactDecoder,
  CopyVersionOptions,
  ListModelsOptions,
  ListVersionsOptions,
  ModelVersion,
  RegisterOptions,
  RegistrableArtifact,
  RegistryOptions,
  SetAliasOptions,
} from './types';
import { startWatch, type AliasChange, type AliasWatcher, type WatchOptions } from './watch';

/**
 * The model registry. Answers which model is running, what it was trained on, how to
 * roll back and who moved it.
 *
 * - `register` stores the artifact's bytes under their SHA-256 (once, however often
 *   they are registered) and allocates the next version number atomically. A version
 *   never changes: `fraud/3` always names the same bytes.
 * - Aliases (`production`, `staging`, ...) point at versions; every move is appended to
 *   an audit history (who, when, from, to, why). `latest` is computed.
 * - `load` verifies the bytes against the recorded digest before decoding: a corrupted
 *   blob is reported (`REGISTRY_INTEGRITY`), never served.
 *
 * @typeParam A - what `load` returns (default `ModelArtifact`).
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { FsStore } from 'mlops-kit/storage/fs';
 *
 * const registry = new Registry({ store: new FsStore({ root: './registry' }), actor: 'ci:train-job' });
 * const v = await registry.register('fraud', artifact, { tags: { dataset: '2024-06' } });
 * await registry.setAlias('fraud', 'production', v.version, { reason: 'weekly retrain', requireGate: { min: { rocAuc: 0.85 } } });
 * const model = await registry.load('fraud@production');
 * await registry.rollback('fraud', 'production', { reason: 'latency regression' });
 * ```
 */
export class Registry<A = DefaultArtifact> {
  readonly #metadata: MetadataStore;
  readonly #blobs: BlobStore;
  readonly #actor: string;
  readonly #label: string | undefined;
  readonly #decode: ArtifactDecoder<A>;
  readonly #now: () => number;
  readonly #watchers = new Set<AliasWatcher>();

  constructor(options: RegistryOptions<A>) {
    const metadata = options?.metadata ?? options?.store;
    const blobs = options?.blobs ?? options?.store;
    if (metadata === undefined || blobs === undefined) {
      throw new MlopsError(
        'INVALID_ARGUMENT',
        'A Registry needs storage: pass { store } (e.g. new MemoryStore() from "mlops-kit/storage/memory" or new FsStore({ root }) from "mlops-kit/storage/fs"), or { metadata, blobs }.',
      );
    }
    this.#metadata = metadata;
    this.#blobs = blobs;
    const envUser = typeof process !== 'undefined' ? process.env?.USER : undefined;
    this.#actor = validateText('by', options.actor ?? (envUser || 'unknown'));
    if (options.label !== undefined && (typeof options.label !== 'string' || options.label.length === 0 || options.label.length > 256)) {
      throw new MlopsError('INVALID_ARGUMENT', 'label must be a non-empty string of at most 256 characters, e.g. "staging".');
    }
    this.#label = options.label;
    this.#decode = options.decode ?? (defaultDecoder as ArtifactDecoder<A>);
    this.#now = options.now ?? Date.now;
  }

  /** The metadata store this registry uses. */
  get metadata(): MetadataStore {
    return this.#metadata;
  }

  /** The blob store this registry uses. */
  get blobs(): BlobStore {
    return this.#blobs;
  }

  /**
   * Registers an artifact as the next version of `name`: stores its bytes (one copy per
   * digest: registering identical bytes again creates a new version that shares the
   * blob), then records the version. If the metadata write fails, the blob stays
   * unreferenced until `gc` removes it; no version is visible.
   *
   * @example
   * ```ts
   * const v = await registry.register('fraud', artifact, { tags: { team: 'risk' }, description: 'June data' });
   * v.version; // 1, 2, ...
   * ```
   */
  async register(name: string, artifact: RegistrableArtifact, options: RegisterOptions = {}): Promise<ModelVersion> {
    validateModelName(name);
    const tags = validateTags(options.tags);
    const description = validateText('description', options.description ?? '');
    const by = this.#by(options.by);
    if (artifact === null || typeof artifact !== 'object' || typeof artifact.toBytes !== 'function') {
      throw new MlopsError('INVALID_ARGUMENT', 'register() needs a ModelArtifact (create one with ModelArtifact.create(model)).');
    }
    const bytes = artifact.toBytes();
    const digest = sha256Hex(bytes);
    if (artifact.digest !== digest) {
      throw new MlopsError('ARTIFACT_INTEGRITY', `The artifact's digest ${String(artifact.digest)} does not match its bytes (${digest}); it was modified after creation. Recreate it.`, {
        details: { expected: artifact.digest, actual: digest },
      });
    }
    throwIfAborted(options.signal, 'register');
    return this.#store(name, bytes, digest, { summary: summarize(artifact.manifest), tags, description, by });
  }

  async #store(
    name: string,
    bytes: Uint8Array,
    digest: string,
    meta: { summary: ArtifactSummary; tags: Record<string, string>; description: string; by: string; source?: VersionSource },
  ): Promise<ModelVersion> {
    // Stores only refresh a blob they already hold. One that no longer matches its digest
    // (disk corruption, tampering) is replaced, so registering the bytes again repairs it.
    if (await this.#blobs.has(digest)) {
      const stored = await this.#blobs.get(digest);
      if (stored !== undefined && sha256Hex(stored) !== digest) await this.#blobs.delete(digest);
    }
    await this.#blobs.put(digest, bytes);
    const input: NewVersion = {
      name,
      digest,
      size: bytes.length,
      createdAt: this.#iso(),
      createdBy: meta.by,
      description: meta.description,
      tags: meta.tags,
      artifact: meta.summary,
    };
    if (meta.source !== undefined) input.source = meta.source;
    const record = await this.#metadata.createVersion(input);
    return { ...record, aliases: [], ref: `${name}/${record.version}` };
  }

  /**
   * Resolves a reference (`fraud@production`, `fraud/3`, `fraud@latest`) to its version
   * record without downloading the artifact. `REGISTRY_NOT_FOUND` when nothing matches.
   */
  async resolve(ref: string | ModelReference): Promise<ModelVersion> {
    const parsed = parseReference(ref);
    const found = await this.#find(parsed);
    if (found === null) throw this.#notFound(parsed);
    return found;
  }

  /**
   * Loads and verifies the artifact a reference names. The bytes are checked against
   * the digest recorded at registration before they are decoded; a missing or altered
   * blob throws `REGISTRY_INTEGRITY` and is never served.
   *
   * @example
   * ```ts
   * const artifact = await registry.load('fraud@production');
   * const predictions = await artifact.predict(rows);
   * ```
   */
  async load(ref: string | ModelReference, options: { signal?: AbortSignal } = {}): Promise<A> {
    const version = await this.resolve(ref);
    throwIfAborted(options.signal, 'load');
    if (this.#decode !== defaultDecoder) return this.#decode(await this.#verifiedBytes(version), { expectedDigest: version.digest });
    // ModelArtifact.fromBytes hashes the bytes anyway: let it do the check, once, and report a mismatch as the registry's.
    try {
      return await this.#decode(await this.#storedBytes(version), { expectedDigest: version.digest });
    } catch (err) {
      if (isMlopsError(err, 'ARTIFACT_INTEGRITY')) throw corrupted(version, String(err.details?.actual ?? 'different'), err);
      throw err;
    }
  }

  /** Like {@link Registry.load}, but returns the verified bytes and the version record without decoding. */
  async loadBytes(ref: string | ModelReference, options: { signal?: AbortSignal } = {}): Promise<{ version: ModelVersion; bytes: Uint8Array }> {
    const version = await this.resolve(ref);
    throwIfAborted(options.signal, 'load');
    return { version, bytes: await this.#verifiedBytes(version) };
  }

  async #storedBytes(record: VersionRecord): Promise<Uint8Array> {
    const bytes = await this.#blobs.get(record.digest);
    if (bytes === undefined) {
      throw new MlopsError(
        'REGISTRY_INTEGRITY',
        `The artifact bytes of ${record.name}/${record.version} (sha256 ${record.digest}) are missing from the blob store. Restore the blob from a backup or re-register the model.`,
        { details: { name: record.name, version: record.version, digest: record.digest, reason: 'missing' } },
      );
    }
    return bytes;
  }

  async #verifiedBytes(record: VersionRecord): Promise<Uint8Array> {
    const bytes = await this.#storedBytes(record);
    const actual = sha256Hex(bytes);
    if (actual !== record.digest) throw corrupted(record, actual);
    return bytes;
  }

  /** One version's record. `REGISTRY_NOT_FOUND` when it does not exist or was deleted. */
  async getVersion(name: string, version: number): Promise<ModelVersion> {
    return this.resolve({ name, version });
  }

  /** Models, sorted by name, paged. */
  async listModels(options: ListModelsOptions = {}): Promise<Page<ModelRecord>> {
    const prefix = options.prefix;
    if (prefix !== undefined && (typeof prefix !== 'string' || prefix.length > 128)) {
      throw new MlopsError('INVALID_ARGUMENT', 'listModels prefix must be a string of at most 128 characters.');
    }
    const query = { limit: pageLimit(options.limit), ...(options.cursor !== undefined && { cursor: checkCursor(options.cursor) }), ...(prefix !== undefined && { prefix }) };
    return this.#metadata.listModels(query);
  }

  /**
   * Versions of a model, newest first by default, paged and filtered by tags, alias and
   * creation time.
   *
   * @example
   * ```ts
   * let page = await registry.listVersions('fraud', { tags: { team: 'risk' }, limit: 50 });
   * while (page.nextCursor) page = await registry.listVersions('fraud', { cursor: page.nextCursor, tags: { team: 'risk' }, limit: 50 });
   * ```
   */
  async listVersions(name: string, options: ListVersionsOptions = {}): Promise<Page<ModelVersion>> {
    validateModelName(name);
    const order = options.order ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw new MlopsError('INVALID_ARGUMENT', `order must be "asc" or "desc", got ${JSON.stringify(order)}.`);
    const query = {
      limit: pageLimit(options.limit),
      order,
      ...(options.cursor !== undefined && { cursor: checkCursor(options.cursor) }),
      ...(options.tags !== undefined && { tags: validateTags(options.tags) }),
      ...(options.createdFrom !== undefined && { createdFrom: toIso(options.createdFrom, 'createdFrom') }),
      ...(options.createdTo !== undefined && { createdTo: toIso(options.createdTo, 'createdTo') }),
    };
    if (options.alias !== undefined) {
      const found = await this.#find({ name, alias: validateAlias(options.alias, true) });
      return { items: found !== null && versionMatches(found, query) ? [found] : [] };
    }
    const [page, aliases] = await Promise.all([this.#metadata.listVersions(name, query), this.#metadata.getAliases(name)]);
    return { ...page, items: page.items.map((r) => decorate(r, aliases)) };
  }

  /** Replaces a version's tags and/or description (its bytes never change). */
  async updateVersion(name: string, version: number, patch: { tags?: Record<string, string>; description?: string }): Promise<ModelVersion> {
    validateModelName(name);
    validateVersion(version);
    const clean = {
      ...(patch.tags !== undefined && { tags: validateTags(patch.tags) }),
      ...(patch.description !== undefined && { description: validateText('description', patch.description) }),
    };
    const record = await this.#metadata.updateVersion(name, version, clean);
    return decorate(record, await this.#metadata.getAliases(name));
  }

  /** Current aliases of a model (not `latest`, which is computed). */
  async getAliases(name: string): Promise<AliasRecord[]> {
    return this.#metadata.getAliases(validateModelName(name));
  }

  /**
   * Points an alias at a version (promotion). The move and its history entry are one
   * atomic step. Resolves the history entry, or `null` when the alias already pointed
   * there.
   *
   * With `requireGate`, the version's stored evaluation must pass the gate rules or the
   * move is refused with `REGISTRY_GATE_FAILED` (the reasons are in the message and in
   * `details.reasons`).
   *
   * @example
   * ```ts
   * await registry.setAlias('fraud', 'production', 7, { by: 'alice', reason: 'CHG-1234', requireGate: { min: { rocAuc: 0.9 } } });
   * ```
   */
  async setAlias(name: string, alias: string, version: number, options: SetAliasOptions = {}): Promise<AliasEvent | null> {
    validateModelName(name);
    validateAlias(alias, false);
    validateVersion(version);
    const by = this.#by(options.by);
    const reason = validateText('reason', options.reason ?? '');
    if (options.ifCurrent !== undefined && options.ifCurrent !== null) validateVersion(options.ifCurrent);
    if (options.requireGate !== undefined) {
      const record = await this.resolve({ name, version });
      const artifact = await this.#decode(await this.#verifiedBytes(record), { expectedDigest: record.digest });
      await checkGate(record, (artifact as { manifest?: { evaluation?: unknown } }).manifest?.evaluation, options.requireGate);
    }
    return this.#metadata.moveAlias({ name, alias, to: version, expected: options.ifCurrent, action: 'set', by, at: this.#iso(), reason });
  }

  /** Removes an alias (recorded in the history). `REGISTRY_NOT_FOUND` when it is not set. */
  async removeAlias(name: string, alias: string, options: AliasOptions & { ifCurrent?: number } = {}): Promise<AliasEvent> {
    validateModelName(name);
    validateAlias(alias, false);
    const event = await this.#metadata.moveAlias({
      name,
      alias,
      to: null,
      expected: options.ifCurrent === undefined ? undefined : validateVersion(options.ifCurrent),
      action: 'remove',
      by: this.#by(options.by),
      at: this.#iso(),
      reason: validateText('reason', options.reason ?? ''),
    });
    if (event === null) throw new MlopsError('INTERNAL', `Removing alias ${name}@${alias} recorded nothing.`);
    return event;
  }

  /**
   * Moves an alias back to the target it had before its last move, as an undo: rolling
   * back twice goes two moves back. The rollback is itself recorded in the history.
   * `REGISTRY_NOT_FOUND` when there is nothing to roll back to (the alias was never
   * moved, or its previous state was "unset": remove it instead) or the previous
   * version was deleted; `REGISTRY_CONFLICT` when the alias moved concurrently.
   *
   * @example
   * ```ts
   * await registry.rollback('fraud', 'production', { by: 'oncall', reason: 'error rate spike' });
   * ```
   */
  async rollback(name: string, alias: string, options: AliasOptions = {}): Promise<AliasEvent> {
    validateModelName(name);
    validateAlias(alias, false);
    const by = this.#by(options.by);
    const reason = validateText('reason', options.reason ?? '');
    const history = await this.#metadata.aliasHistory(name, alias);
    const target = rollbackTarget(history);
    if (target === undefined || target.to === null) {
      throw new MlopsError(
        'REGISTRY_NOT_FOUND',
        target === undefined
          ? `Alias ${name}@${alias} has no earlier target to roll back to (its history is empty or fully rolled back). Use setAlias to choose a version.`
          : `Before its last move, alias ${name}@${alias} was unset; a rollback will not remove a serving alias. Use removeAlias to remove it or setAlias to choose a version.`,
        { details: { name, alias } },
      );
    }
    if ((await this.#metadata.getVersion(name, target.to)) === undefined) {
      throw new MlopsError('REGISTRY_NOT_FOUND', `Alias ${name}@${alias} would roll back to version ${target.to}, which was deleted. Use setAlias to choose a version.`, {
        details: { name, alias, version: target.to },
      });
    }
    const event = await this.#metadata.moveAlias({ name, alias, to: target.to, expected: target.current, action: 'rollback', by, at: this.#iso(), reason });
    if (event === null) throw new MlopsError('INTERNAL', `Rolling back ${name}@${alias} recorded nothing.`);
    return event;
  }

  /** The audit trail of one alias, or of every alias of the model: oldest first. */
  async aliasHistory(name: string, alias?: string): Promise<AliasEvent[]> {
    validateModelName(name);
    return this.#metadata.aliasHistory(name, alias === undefined ? undefined : validateAlias(alias, false));
  }

  /**
   * Deletes a version's record. Refused with `REGISTRY_ALIAS_IN_USE` while an alias
   * points at it. Its number is never reused; its blob is freed by the next `gc` once no
   * other version shares it.
   */
  async deleteVersion(name: string, version: number): Promise<void> {
    await this.#metadata.deleteVersion(validateModelName(name), validateVersion(version));
  }

  /**
   * Deletes blobs that no live version references and that were not stored or
   * refreshed within the grace period (default one hour). Safe to run while other
   * processes register: see `GcOptions.graceMs`. If several registries share one blob
   * store, run it only through a registry whose metadata store sees every version.
   */
  async gc(options: GcOptions = {}): Promise<GcReport> {
    return collectGarbage(this.#metadata, this.#blobs, this.#now(), options);
  }

  /**
   * Copies a version into another registry (promotion from a staging environment to a
   * production one). The bytes are verified and copied as they are, so the digest,
   * lineage and evaluation are preserved; the new version records where it came from
   * in `source`. Copying the same source version again returns the existing copy.
   *
   * @example
   * ```ts
   * const copied = await staging.copyVersion('fraud@candidate', production);
   * await production.setAlias('fraud', 'production', copied.version);
   * ```
   */
  async copyVersion(ref: string | ModelReference, target: Registry<unknown>, options: CopyVersionOptions = {}): Promise<ModelVersion> {
    if (!(target instanceof Registry)) throw new MlopsError('INVALID_ARGUMENT', 'copyVersion needs the target Registry as its second argument.');
    const { version, bytes } = await this.loadBytes(ref);
    const name = options.name === undefined ? version.name : validateModelName(options.name);
    const source: VersionSource = { ...(this.#label !== undefined && { registry: this.#label }), name: version.name, version: version.version };
    const existing = await target.#findCopy(name, version.digest, source);
    if (existing !== null) return existing;
    return target.#store(name, bytes, version.digest, {
      summary: version.artifact,
      tags: options.tags === undefined ? version.tags : validateTags(options.tags),
      description: options.description === undefined ? version.description : validateText('description', options.description),
      by: target.#by(options.by),
      source,
    });
  }

  async #findCopy(name: string, digest: string, source: VersionSource): Promise<ModelVersion | null> {
    let cursor: string | undefined;
    do {
      const page = await this.listVersions(name, { limit: 1000, ...(cursor !== undefined && { cursor }) });
      const hit = page.items.find(
        (v) => v.digest === digest && v.source?.name === source.name && v.source.version === source.version && v.source.registry === source.registry,
      );
      if (hit !== undefined) return hit;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return null;
  }

  /**
   * Calls back when an alias moves, so a server can reload its model. Polls every
   * `intervalMs` (default 5 s); with a store that pushes notices (PostgreSQL
   * LISTEN/NOTIFY) it reacts at once and keeps polling as a safety net.
   *
   * @example
   * ```ts
   * const watcher = registry.watch('fraud', 'production', async ({ version }) => {
   *   if (version) current = await registry.load(version.ref);
   * }, { intervalMs: 10_000 });
   * // on shutdown
   * await watcher.close();
   * ```
   */
  watch(name: string, alias: string, callback: (change: AliasChange) => void | Promise<void>, options: WatchOptions = {}): AliasWatcher {
    const ref = { name: validateModelName(name), alias: validateAlias(alias, true) };
    const subscribe = this.#metadata.subscribe?.bind(this.#metadata);
    // An already aborted signal closes the watcher inside startWatch, before it is returned.
    let watcher: AliasWatcher | undefined;
    let closed = false;
    const onClose = (): void => {
      closed = true;
      if (watcher !== undefined) this.#watchers.delete(watcher);
    };
    watcher = startWatch({ ...ref, resolve: () => this.#find(ref), ...(subscribe !== undefined && { subscribe }), onClose }, callback, options);
    if (!closed) this.#watchers.add(watcher);
    return watcher;
  }

  /** Stops this registry's watchers and closes its stores. */
  async close(): Promise<void> {
    await Promise.all([...this.#watchers].map((w) => w.close()));
    this.#watchers.clear();
    await this.#metadata.close?.();
    if ((this.#blobs as unknown) !== this.#metadata) await this.#blobs.close?.();
  }

  /** Same as {@link Registry.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #find(ref: ModelReference): Promise<ModelVersion | null> {
    let record: VersionRecord | undefined;
    let aliases: AliasRecord[];
    if (ref.alias === LATEST) {
      [record] = (await this.#metadata.listVersions(ref.name, { limit: 1, order: 'desc' })).items;
      aliases = await this.#metadata.getAliases(ref.name);
    } else if (ref.alias !== undefined) {
      aliases = await this.#metadata.getAliases(ref.name);
      const hit = aliases.find((a) => a.alias === ref.alias);
      record = hit === undefined ? undefined : await this.#metadata.getVersion(ref.name, hit.version);
    } else {
      [record, aliases] = await Promise.all([this.#metadata.getVersion(ref.name, ref.version), this.#metadata.getAliases(ref.name)]);
    }
    return record === undefined ? null : decorate(record, aliases);
  }

  #notFound(ref: ModelReference): MlopsError {
    const what = formatReference(ref);
    const message =
      ref.alias === undefined
        ? `${what} does not exist (never registered or deleted). List versions with registry.listVersions("${ref.name}").`
        : ref.alias === LATEST
          ? `Model "${ref.name}" has no versions. Register one with registry.register("${ref.name}", artifact).`
          : `Alias ${what} is not set. Set it with registry.setAlias("${ref.name}", "${ref.alias}", version).`;
    return new MlopsError('REGISTRY_NOT_FOUND', message, { details: { ref: what } });
  }

  #by(by: string | undefined): string {
    return by === undefined ? this.#actor : validateText('by', by);
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}

function corrupted(record: VersionRecord, actual: string, cause?: unknown): MlopsError {
  return new MlopsError(
    'REGISTRY_INTEGRITY',
    `The stored artifact of ${record.name}/${record.version} is corrupted: its sha256 is ${actual}, the registry recorded ${record.digest}. It was not loaded. Restore the blob from a backup or re-register the model.`,
    { details: { name: record.name, version: record.version, digest: record.digest, actual, reason: 'mismatch' }, ...(cause !== undefined && { cause }) },
  );
}

function decorate(record: VersionRecord, aliases: readonly AliasRecord[]): ModelVersion {
  const names = aliases.filter((a) => a.version === record.version).map((a) => a.alias);
  return { ...record, aliases: names.sort(), ref: `${record.name}/${record.version}` };
}
