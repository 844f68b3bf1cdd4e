/**
 * In-memory {@link MetadataStore}.
 *
 * @module
 */
import { planAliasMove } from '../alias-move';
import type {
  AliasEvent,
  AliasMove,
  AliasRecord,
  MetadataStore,
  ModelQuery,
  ModelRecord,
  NewVersion,
  Page,
  VersionPatch,
  VersionQuery,
  VersionRecord,
} from '../contracts';
import { selectModels, selectVersions } from '../select';
import { aliasInUse, versionNotFound } from '../store-errors';

interface ModelState {
  createdAt: string;
  nextVersion: number;
  versions: Map<number, VersionRecord>;
  aliases: Map<string, AliasRecord>;
  history: AliasEvent[];
}

/**
 * Models, versions and aliases in `Map`s for the life of the process. Every call runs
 * to completion without awaiting in between, which makes each operation atomic.
 * Records are copied on the way in and out.
 *
 * @example
 * ```ts
 * import { MemoryMetadataStore } from 'mlops-kit/storage/memory';
 * const metadata = new MemoryMetadataStore();
 * ```
 */
export class MemoryMetadataStore implements MetadataStore {
  readonly #models = new Map<string, ModelState>();

  async createVersion(input: NewVersion): Promise<VersionRecord> {
    let model = this.#models.get(input.name);
    if (model === undefined) {
      model = { createdAt: input.createdAt, nextVersion: 1, versions: new Map(), aliases: new Map(), history: [] };
      this.#models.set(input.name, model);
    }
    const record: VersionRecord = { ...structuredClone(input), version: model.nextVersion++ };
    model.versions.set(record.version, record);
    return structuredClone(record);
  }

  async getVersion(name: string, version: number): Promise<VersionRecord | undefined> {
    const record = this.#models.get(name)?.versions.get(version);
    return record === undefined ? undefined : structuredClone(record);
  }

  async listVersions(name: string, query: VersionQuery): Promise<Page<VersionRecord>> {
    const model = this.#models.get(name);
    return structuredClone(selectVersions(model?.versions.values() ?? [], query));
  }

  async updateVersion(name: string, version: number, patch: VersionPatch): Promise<VersionRecord> {
    const record = this.#models.get(name)?.versions.get(version);
    if (record === undefined) throw versionNotFound(name, version);
    if (patch.tags !== undefined) record.tags = { ...patch.tags };
    if (patch.description !== undefined) record.description = patch.description;
    return structuredClone(record);
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    const model = this.#models.get(name);
    if (model === undefined || !model.versions.has(version)) throw versionNotFound(name, version);
    const using = [...model.aliases.values()].filter((a) => a.version === version).map((a) => a.alias);
    if (using.length > 0) throw aliasInUse(name, version, using.sort());
    model.versions.delete(version);
  }

  async listModels(query: ModelQuery): Promise<Page<ModelRecord>> {
    const records: ModelRecord[] = [];
    for (const [name, m] of this.#models) {
      const live = [...m.versions.keys()];
      records.push({ name, createdAt: m.createdAt, latestVersion: live.length ? Math.max(...live) : null, versionCount: live.length });
    }
    return selectModels(records, query);
  }

  async getAliases(name: string): Promise<AliasRecord[]> {
    const aliases = [...(this.#models.get(name)?.aliases.values() ?? [])];
    return structuredClone(aliases.sort((a, b) => (a.alias < b.alias ? -1 : 1)));
  }

  async moveAlias(move: AliasMove): Promise<AliasEvent | null> {
    const model = this.#models.get(move.name);
    const current = model?.aliases.get(move.alias)?.version ?? null;
    const event = planAliasMove(move, current, (v) => model?.versions.has(v) === true);
    if (event === null || model === undefined) return null;
    if (event.to === null) model.aliases.delete(move.alias);
    else model.aliases.set(move.alias, { alias: move.alias, version: event.to, updatedAt: move.at, updatedBy: move.by });
    model.history.push(event);
    return { ...event };
  }

  async aliasHistory(name: string, alias?: string): Promise<AliasEvent[]> {
    const history = this.#models.get(name)?.history ?? [];
    return structuredClone(alias === undefined ? history : history.filter((e) => e.alias === alias));
  }

  async referencedDigests(): Promise<Set<string>> {
    const digests = new Set<string>();
    for (const m of this.#models.values()) for (const v of m.versions.values()) digests.add(v.digest);
    return digests;
  }
}
