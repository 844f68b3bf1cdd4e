/**
 * Writing a storage adapter: a MetadataStore + BlobStore over a key-value service with
 * compare-and-swap writes (the shape of etcd, Consul KV, DynamoDB conditional writes or
 * Redis WATCH/MULTI), then proving it with the conformance suites of mlops-kit/testing,
 * run here under node:test.
 *
 * Run: node --conditions=source --import tsx examples/custom-adapter.ts
 *
 * Each model is one JSON document. Every change reads the document, applies the change
 * to a copy and writes it back only if nobody wrote in between (CAS on a revision
 * number), retrying otherwise. That single rule makes version allocation, alias moves
 * with their history entry, and "no delete while an alias points here" atomic.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  MlopsError,
  planAliasMove,
  selectModels,
  selectVersions,
  type AliasEvent,
  type AliasMove,
  type AliasRecord,
  type BlobDeleteOptions,
  type BlobInfo,
  type BlobStore,
  type MetadataStore,
  type ModelQuery,
  type ModelRecord,
  type NewVersion,
  type Page,
  type VersionPatch,
  type VersionQuery,
  type VersionRecord,
} from 'mlops-kit';
import { testBlobStore, testMetadataStore } from 'mlops-kit/testing';

// --- The service being adapted: a key-value store with revisions and CAS. ------------

interface Entry {
  value: string;
  revision: number;
}

class KeyValueService {
  readonly #data = new Map<string, Entry>();
  #revision = 0;
  async get(key: string): Promise<Entry | undefined> {
    return this.#data.get(key);
  }
  /** Writes only if the key is still at `expected` (0: must not exist). */
  async compareAndSet(key: string, value: string, expected: number): Promise<boolean> {
    if ((this.#data.get(key)?.revision ?? 0) !== expected) return false;
    this.#data.set(key, { value, revision: ++this.#revision });
    return true;
  }
  async delete(key: string): Promise<boolean> {
    return this.#data.delete(key);
  }
  async keys(prefix: string): Promise<string[]> {
    return [...this.#data.keys()].filter((k) => k.startsWith(prefix));
  }
}

// --- The adapter. ---------------------------------------------------------------------

interface ModelDoc {
  createdAt: string;
  nextVersion: number;
  versions: Record<string, VersionRecord>;
  aliases: Record<string, AliasRecord>;
  history: AliasEvent[];
}

function notFound(name: string, version: number): MlopsError {
  return new MlopsError('REGISTRY_NOT_FOUND', `Model "${name}" has no version ${version}.`, { details: { name, version } });
}

export class KeyValueRegistryStore implements MetadataStore, BlobStore {
  constructor(private readonly kv: KeyValueService) {}

  async #read(name: string): Promise<ModelDoc | undefined> {
    const entry = await this.kv.get(`model/${name}`);
    return entry === undefined ? undefined : (JSON.parse(entry.value) as ModelDoc);
  }

  /** Read, change a copy, write back if unchanged meanwhile; retry on conflict. */
  async #update<T>(name: string, change: (doc: ModelDoc | undefined) => { doc?: ModelDoc; result: T }): Promise<T> {
    for (;;) {
      const entry = await this.kv.get(`model/${name}`);
      const { doc, result } = change(entry === undefined ? undefined : (JSON.parse(entry.value) as ModelDoc));
      if (doc === undefined || (await this.kv.compareAndSet(`model/${name}`, JSON.stringify(doc), entry?.revision ?? 0))) return result;
    }
  }

  createVersion(input: NewVersion): Promise<VersionRecord> {
    return this.#update(input.name, (doc) => {
      const next = doc ?? { createdAt: input.createdAt, nextVersion: 1, versions: {}, aliases: {}, history: [] };
      const record: VersionRecord = { ...structuredClone(input), version: next.nextVersion };
      next.versions[record.version] = record;
      next.nextVersion++;
      return { doc: next, result: structuredClone(record) };
    });
  }

  async getVersion(name: string, version: number): Promise<VersionRecord | undefined> {
    return (await this.#read(name))?.versions[version];
  }

  async listVersions(name: string, query: VersionQuery): Promise<Page<VersionRecord>> {
    return selectVersions(Object.values((await this.#read(name))?.versions ?? {}), query);
  }

  updateVersion(name: string, version: number, patch: VersionPatch): Promise<VersionRecord> {
    return this.#update(name, (doc) => {
      const record = doc?.versions[version];
      if (doc === undefined || record === undefined) throw notFound(name, version);
      if (patch.tags !== undefined) record.tags = { ...patch.tags };
      if (patch.description !== undefined) record.description = patch.description;
      return { doc, result: record };
    });
  }

  deleteVersion(name: string, version: number): Promise<void> {
    return this.#update(name, (doc) => {
      if (doc === undefined || doc.versions[version] === undefined) throw notFound(name, version);
      const using = Object.values(doc.aliases).filter((a) => a.version === version).map((a) => a.alias).sort();
      if (using.length > 0) {
        throw new MlopsError('REGISTRY_ALIAS_IN_USE', `Version ${version} of "${name}" is in use by ${using.join(', ')}.`, { details: { name, version, aliases: using } });
      }
      delete doc.versions[version]; // nextVersion keeps the number from being reused
      return { doc, result: undefined };
    });
  }

  async listModels(query: ModelQuery): Promise<Page<ModelRecord>> {
    const models: ModelRecord[] = [];
    for (const key of await this.kv.keys('model/')) {
      const name = key.slice('model/'.length);
      const doc = (await this.#read(name)) as ModelDoc;
      const live = Object.values(doc.versions).map((v) => v.version);
      models.push({ name, createdAt: doc.createdAt, latestVersion: live.length > 0 ? Math.max(...live) : null, versionCount: live.length });
    }
    return selectModels(models, query);
  }

  async getAliases(name: string): Promise<AliasRecord[]> {
    return Object.values((await this.#read(name))?.aliases ?? {}).sort((a, b) => (a.alias < b.alias ? -1 : 1));
  }

  moveAlias(move: AliasMove): Promise<AliasEvent | null> {
    return this.#update(move.name, (doc) => {
      const current = doc !== undefined && Object.hasOwn(doc.aliases, move.alias) ? doc.aliases[move.alias].version : null;
      // planAliasMove applies the contract's rules: compare-and-swap, live target, no-op moves.
      const event = planAliasMove(move, current, (v) => doc?.versions[v] !== undefined);
      if (event === null || doc === undefined) return { result: null };
      if (event.to === null) delete doc.aliases[move.alias];
      else doc.aliases[move.alias] = { alias: move.alias, version: event.to, updatedAt: event.at, updatedBy: event.by };
      doc.history.push(event);
      return { doc, result: event };
    });
  }

  async aliasHistory(name: string, alias?: string): Promise<AliasEvent[]> {
    return ((await this.#read(name))?.history ?? []).filter((e) => alias === undefined || e.alias === alias);
  }

  async referencedDigests(): Promise<Set<string>> {
    const digests = new Set<string>();
    for (const key of await this.kv.keys('model/')) {
      for (const v of Object.values(((await this.#read(key.slice(6))) as ModelDoc).versions)) digests.add(v.digest);
    }
    return digests;
  }

  // Blobs: one key per digest. A real service would keep bytes in object storage.
  async put(digest: string, bytes: Uint8Array): Promise<void> {
    checkDigest(digest);
    const entry = await this.kv.get(`blob/${digest}`);
    const value = JSON.stringify({ data: Buffer.from(bytes).toString('base64'), storedAt: Date.now() });
    await this.kv.compareAndSet(`blob/${digest}`, value, entry?.revision ?? 0); // losing a race to the same bytes is fine
  }
  async get(digest: string): Promise<Uint8Array | undefined> {
    checkDigest(digest);
    const entry = await this.kv.get(`blob/${digest}`);
    return entry === undefined ? undefined : new Uint8Array(Buffer.from((JSON.parse(entry.value) as { data: string }).data, 'base64'));
  }
  async has(digest: string): Promise<boolean> {
    checkDigest(digest);
    return (await this.kv.get(`blob/${digest}`)) !== undefined;
  }
  async delete(digest: string, options: BlobDeleteOptions = {}): Promise<boolean> {
    checkDigest(digest);
    const entry = await this.kv.get(`blob/${digest}`);
    if (entry === undefined) return false;
    if (options.storedBefore !== undefined && (JSON.parse(entry.value) as { storedAt: number }).storedAt >= options.storedBefore) return false;
    return this.kv.delete(`blob/${digest}`);
  }
  async *list(): AsyncIterable<BlobInfo> {
    for (const key of await this.kv.keys('blob/')) {
      const { data, storedAt } = JSON.parse((await this.kv.get(key))?.value as string) as { data: string; storedAt: number };
      yield { digest: key.slice(5), size: Buffer.from(data, 'base64').length, storedAt };
    }
  }
}

function checkDigest(digest: string): void {
  if (!/^[0-9a-f]{64}$/.test(digest)) throw new MlopsError('INVALID_ARGUMENT', `Not a SHA-256 digest: ${JSON.stringify(digest)}`);
}

// --- Prove it: the conformance suites, under node:test. --------------------------------

const runner = {
  describe,
  it: (name: string, fn: () => Promise<void>) => it(name, fn),
  beforeEach,
  afterEach,
  expect: (actual: unknown) => ({
    toBe: (expected: unknown) => assert.equal(actual, expected),
    toEqual: (expected: unknown) => assert.deepEqual(actual, expected),
  }),
};

testBlobStore(runner, { name: 'KeyValueRegistryStore blobs', create: () => new KeyValueRegistryStore(new KeyValueService()) });
testMetadataStore(runner, { name: 'KeyValueRegistryStore metadata', create: () => new KeyValueRegistryStore(new KeyValueService()) });
