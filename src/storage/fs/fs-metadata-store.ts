/**
 * Models, versions and aliases as JSON files (layout in `layout.ts`).
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { MlopsError } from '../../errors';
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
import { selectModels, versionCursor, versionMatches } from '../select';
import { aliasInUse, storeCorrupt, versionNotFound } from '../store-errors';
import { createExclusive, ensureDir, writeFileAtomic } from './atomic-write';
import { FORMAT, Layout, parseNumbered } from './layout';
import { withLock, type LockOptions } from './model-lock';
import { isNotFound, readJson } from './read-json';

/** Options of {@link FsMetadataStore} and `FsStore`. */
export interface FsStoreOptions {
  /** The store's directory (created if missing). Must be on a local file system. */
  root: string;
  /** How long an alias move or delete waits for another process's model lock (default 30 s). */
  lockTimeoutMs?: number;
  /** A model lock held longer than this is considered abandoned (default 5 min). */
  staleLockMs?: number;
  /** Temporary files and trashed blobs left by crashed processes are cleaned up after this long (default one hour). */
  leftoverMs?: number;
}

interface AliasState {
  seq: number;
  aliases: Record<string, AliasRecord>;
}

type StoredEvent = AliasEvent & { seq: number };

/**
 * The metadata half of the fs store.
 *
 * - Versions are allocated without a lock: a register writes the complete record to a
 *   temporary file and hard-links it to `versions/<n>.json`, which fails if `<n>` is
 *   taken; it then tries `<n+1>`. Many processes can register at once; numbers stay
 *   unique and gap-free, and a record is visible complete or not at all.
 * - Alias moves, deletes and tag updates take the model's lock (see `model-lock.ts`)
 *   and append history entries with exclusive creates, then rewrite `aliases.json`
 *   atomically. A reader applies any history entry newer than `aliases.json` (left by
 *   a writer killed in between), so the current aliases always match the history.
 * - A deleted version keeps its record and gains a `<n>.deleted` tombstone, so its
 *   number is never reused.
 *
 * The store is for one machine: it relies on atomic rename/link and on process ids to
 * recover locks of killed processes. Network file systems are not supported.
 */
export class FsMetadataStore implements MetadataStore {
  readonly #layout: Layout;
  readonly #lock: LockOptions;
  #ready: Promise<void> | undefined;

  constructor(options: FsStoreOptions) {
    if (typeof options?.root !== 'string' || options.root.length === 0) {
      throw new MlopsError('INVALID_ARGUMENT', 'The fs store needs { root: "<directory>" }.');
    }
    this.#layout = new Layout(options.root);
    this.#lock = { timeoutMs: options.lockTimeoutMs ?? 30_000, staleMs: options.staleLockMs ?? 5 * 60_000 };
  }

  #init(): Promise<void> {
    this.#ready ??= (async () => {
      await ensureDir(this.#layout.tmp);
      await ensureDir(this.#layout.models);
      const marker = await readJson<{ format?: string; version?: number }>(this.#layout.marker);
      if (marker === undefined) {
        await createExclusive(this.#layout.tmp, this.#layout.marker, JSON.stringify(FORMAT));
      } else if (marker.format !== FORMAT.format || typeof marker.version !== 'number' || marker.version > FORMAT.version) {
        throw new MlopsError(
          'STORE_CORRUPT',
          `${this.#layout.marker} says ${JSON.stringify(marker)}; this version of mlops-kit reads ${FORMAT.format} version ${FORMAT.version}. Upgrade mlops-kit or point the store at another directory.`,
        );
      }
    })();
    return this.#ready;
  }

  async createVersion(input: NewVersion): Promise<VersionRecord> {
    await this.#init();
    const { name } = input;
    const l = this.#layout;
    if ((await readJson(l.modelFile(name))) === undefined) {
      await ensureDir(l.versions(name));
      await ensureDir(l.history(name));
      await createExclusive(l.tmp, l.modelFile(name), JSON.stringify({ name, createdAt: input.createdAt }));
    }
    let version = (await this.#scanVersions(name)).max + 1;
    for (;;) {
      const record: VersionRecord = { ...input, version };
      if (await createExclusive(l.tmp, l.version(name, version), JSON.stringify(record))) return record;
      version++;
    }
  }

  async getVersion(name: string, version: number): Promise<VersionRecord | undefined> {
    await this.#init();
    const record = await readJson<VersionRecord>(this.#layout.version(name, version));
    if (record === undefined || (await exists(this.#layout.tombstone(name, version)))) return undefined;
    return record;
  }

  async listVersions(name: string, query: VersionQuery): Promise<Page<VersionRecord>> {
    await this.#init();
    const { live } = await this.#scanVersions(name);
    const desc = query.order === 'desc';
    const after = query.cursor === undefined ? undefined : versionCursor(query.cursor);
    const numbers = live.filter((v) => after === undefined || (desc ? v < after : v > after)).sort((a, b) => (desc ? b - a : a - b));
    const items: VersionRecord[] = [];
    for (const v of numbers) {
      const record = await readJson<VersionRecord>(this.#layout.version(name, v));
      if (record === undefined || !versionMatches(record, query)) continue;
      if (items.length === query.limit) return { items, nextCursor: String(items[items.length - 1].version) };
      items.push(record);
    }
    return { items };
  }

  async updateVersion(name: string, version: number, patch: VersionPatch): Promise<VersionRecord> {
    await this.#init();
    return this.#locked(name, async () => {
      const record = await this.getVersion(name, version);
      if (record === undefined) throw versionNotFound(name, version);
      if (patch.tags !== undefined) record.tags = { ...patch.tags };
      if (patch.description !== undefined) record.description = patch.description;
      await writeFileAtomic(this.#layout.tmp, this.#layout.version(name, version), JSON.stringify(record));
      return record;
    });
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    await this.#init();
    await this.#locked(name, async () => {
      if ((await this.getVersion(name, version)) === undefined) throw versionNotFound(name, version);
      const { aliases } = await this.#aliasState(name);
      const using = Object.values(aliases)
        .filter((a) => a.version === version)
        .map((a) => a.alias);
      if (using.length > 0) throw aliasInUse(name, version, using.sort());
      await createExclusive(this.#layout.tmp, this.#layout.tombstone(name, version), '');
    });
  }

  async listModels(query: ModelQuery): Promise<Page<ModelRecord>> {
    await this.#init();
    const records: ModelRecord[] = [];
    const names = (await readdir(this.#layout.models)).filter(
      (n) => (query.cursor === undefined || n > query.cursor) && (query.prefix === undefined || n.startsWith(query.prefix)),
    );
    names.sort();
    for (const name of names) {
      if (records.length > query.limit) break;
      const model = await readJson<{ createdAt: string }>(this.#layout.modelFile(name));
      if (model === undefined) continue; // a model directory whose first version never landed
      const { live } = await this.#scanVersions(name);
      records.push({ name, createdAt: model.createdAt, latestVersion: live.length > 0 ? Math.max(...live) : null, versionCount: live.length });
    }
    return selectModels(records, query);
  }

  async getAliases(name: string): Promise<AliasRecord[]> {
    await this.#init();
    const { aliases } = await this.#aliasState(name);
    return Object.values(aliases).sort((a, b) => (a.alias < b.alias ? -1 : 1));
  }

  async moveAlias(move: AliasMove): Promise<AliasEvent | null> {
    await this.#init();
    if ((await readJson(this.#layout.modelFile(move.name))) === undefined) {
      return planAliasMove(move, null, () => false); // throws: nothing to point at
    }
    return this.#locked(move.name, async () => {
      const state = await this.#aliasState(move.name);
      const current = Object.hasOwn(state.aliases, move.alias) ? state.aliases[move.alias].version : null;
      const live = move.to !== null && (await this.getVersion(move.name, move.to)) !== undefined;
      const event = planAliasMove(move, current, () => live);
      if (event === null) return null;
      const seq = state.seq + 1;
      const stored: StoredEvent = { seq, ...event };
      if (!(await createExclusive(this.#layout.tmp, this.#layout.historyEntry(move.name, seq), JSON.stringify(stored)))) {
        throw new MlopsError('STORE_CONFLICT', `Alias history entry ${seq} of "${move.name}" already exists although the model lock is held: is another program writing to ${this.#layout.root}?`);
      }
      apply(state, stored);
      await writeFileAtomic(this.#layout.tmp, this.#layout.aliases(move.name), JSON.stringify(state));
      return event;
    });
  }

  async aliasHistory(name: string, alias?: string): Promise<AliasEvent[]> {
    await this.#init();
    const events = await this.#history(name);
    return events.filter((e) => alias === undefined || e.alias === alias).map(({ seq: _seq, ...e }) => e);
  }

  async referencedDigests(): Promise<Set<string>> {
    await this.#init();
    const digests = new Set<string>();
    for (const name of await readdir(this.#layout.models)) {
      for (const v of (await this.#scanVersions(name)).live) {
        const record = await readJson<VersionRecord>(this.#layout.version(name, v));
        if (record !== undefined) digests.add(record.digest);
      }
    }
    return digests;
  }

  /** Version numbers present (live and deleted) and the live ones. */
  async #scanVersions(name: string): Promise<{ max: number; live: number[] }> {
    let files: string[];
    try {
      files = await readdir(this.#layout.versions(name));
    } catch (err) {
      if (isNotFound(err)) return { max: 0, live: [] };
      throw err;
    }
    const present: number[] = [];
    const deleted = new Set<number>();
    for (const f of files) {
      const v = parseNumbered(f, '.json');
      if (v !== undefined) present.push(v);
      else {
        const d = parseNumbered(f, '.deleted');
        if (d !== undefined) deleted.add(d);
      }
    }
    return { max: present.length > 0 ? Math.max(...present) : 0, live: present.filter((v) => !deleted.has(v)) };
  }

  /** `aliases.json` plus any history entries newer than it. */
  async #aliasState(name: string): Promise<AliasState> {
    const state = (await readJson<AliasState>(this.#layout.aliases(name))) ?? { seq: 0, aliases: {} };
    if (typeof state.seq !== 'number' || typeof state.aliases !== 'object') throw storeCorrupt(this.#layout.aliases(name));
    for (let seq = state.seq + 1; ; seq++) {
      const event = await readJson<StoredEvent>(this.#layout.historyEntry(name, seq));
      if (event === undefined) return state;
      apply(state, event);
    }
  }

  async #history(name: string): Promise<StoredEvent[]> {
    let files: string[];
    try {
      files = await readdir(this.#layout.history(name));
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    const seqs = files
      .map((f) => parseNumbered(f, '.json'))
      .filter((s): s is number => s !== undefined)
      .sort((a, b) => a - b);
    const events: StoredEvent[] = [];
    for (const seq of seqs) {
      const e = await readJson<StoredEvent>(this.#layout.historyEntry(name, seq));
      if (e === undefined) throw storeCorrupt(`alias history entry ${seq} of "${name}" vanished`);
      events.push(e);
    }
    return events;
  }

  #locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return withLock(this.#layout.tmp, this.#layout.lock(name), this.#lock, fn);
  }
}

function apply(state: AliasState, e: StoredEvent): void {
  if (e.to === null) delete state.aliases[e.alias];
  else state.aliases[e.alias] = { alias: e.alias, version: e.to, updatedAt: e.at, updatedBy: e.by };
  state.seq = e.seq;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
