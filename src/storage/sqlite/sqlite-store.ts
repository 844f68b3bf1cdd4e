/**
 * The sqlite store: metadata and blobs in one SQLite database file.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MlopsError } from '../../errors';
import { planAliasMove } from '../alias-move';
import type {
  AliasEvent,
  AliasMove,
  AliasRecord,
  BlobDeleteOptions,
  BlobInfo,
  BlobStore,
  MetadataStore,
  ModelQuery,
  ModelRecord,
  NewVersion,
  Page,
  VersionPatch,
  VersionQuery,
  VersionRecord,
} from '../contracts';
import { checkDigest } from '../digest-key';
import { versionCursor } from '../select';
import { toAlias, toEvent, toModel, toVersion, type AliasRow, type HistoryRow, type ModelRow, type VersionRow } from '../sql-rows';
import { aliasInUse, versionNotFound } from '../store-errors';
import { loadBetterSqlite3, type SqliteDatabase, type SqliteStatement } from './driver';
import { migrate } from './schema';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, created if missing. */
  path?: string;
  /** An open better-sqlite3 `Database` instead of `path`; the caller keeps ownership (it is not closed by `close()`). */
  database?: SqliteDatabase;
  /** How long a writer waits for another process's write lock (default 10 s). */
  busyTimeoutMs?: number;
  /**
   * `FULL` (default: every commit survives a power loss) or `NORMAL` (faster in WAL
   * mode; the last commits may be lost on power loss, never corrupted).
   */
  synchronous?: 'FULL' | 'NORMAL';
}

const VERSION_COLUMNS = 'name, version, digest, size, created_at, created_by, description, tags, artifact, source';

/**
 * Models, versions, aliases, history and artifact bytes in one SQLite file, through
 * better-sqlite3 12 (an optional peer dependency, loaded on first use, or injected).
 *
 * - WAL mode: readers never block the writer; `busyTimeoutMs` bounds how long a writer
 *   waits for another.
 * - Version allocation, alias moves and deletes run in `BEGIN IMMEDIATE` transactions,
 *   so concurrent processes serialize on the write lock instead of failing midway.
 * - Blobs live in the `mlops_blobs` table; a blob write is one transaction.
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { SqliteStore } from 'mlops-kit/storage/sqlite';
 *
 * const registry = new Registry({ store: new SqliteStore({ path: './registry.db' }) });
 * ```
 */
export class SqliteStore implements MetadataStore, BlobStore {
  readonly #options: SqliteStoreOptions;
  #db: Promise<SqliteDatabase> | undefined;
  readonly #statements = new Map<string, SqliteStatement>();
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    if ((options?.path === undefined) === (options?.database === undefined)) {
      throw new MlopsError('INVALID_ARGUMENT', 'The sqlite store needs exactly one of { path: "<file>" } or { database: <better-sqlite3 Database> }.');
    }
    this.#options = options;
  }

  #open(): Promise<SqliteDatabase> {
    if (this.#closed) return Promise.reject(new MlopsError('STORE_UNAVAILABLE', 'The sqlite store is closed.'));
    this.#db ??= (async () => {
      // No synchronous busy wait: #busy waits asynchronously, so the event loop keeps running.
      let db = this.#options.database;
      if (db === undefined) {
        const Database = await loadBetterSqlite3();
        db = new Database(this.#options.path as string, { timeout: 0 });
      } else {
        db.pragma('busy_timeout = 0');
      }
      const opened = db;
      await this.#busy(() => {
        opened.pragma('journal_mode = WAL');
        opened.pragma(`synchronous = ${this.#options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
        opened.pragma('foreign_keys = ON');
        migrate(opened);
      });
      return opened;
    })();
    return this.#db;
  }

  #sql(db: SqliteDatabase, sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs `fn`; while another process holds the lock it needs (SQLITE_BUSY), retries after
   * short jittered sleeps up to `busyTimeoutMs`, then fails with `STORE_UNAVAILABLE`.
   */
  async #busy<T>(fn: () => T): Promise<T> {
    const timeout = this.#options.busyTimeoutMs ?? 10_000;
    const deadline = Date.now() + timeout;
    for (let wait = 1; ; wait = Math.min(wait * 2, 16)) {
      try {
        return fn();
      } catch (err) {
        if (!String((err as { code?: string })?.code).startsWith('SQLITE_BUSY')) throw err;
        if (Date.now() > deadline) {
          throw new MlopsError('STORE_UNAVAILABLE', `The sqlite database stayed locked by another process for ${timeout} ms. Raise busyTimeoutMs or find the long-running writer.`, { cause: err });
        }
        await sleep(wait * (0.5 + Math.random()));
      }
    }
  }

  /** Runs `fn` in a `BEGIN IMMEDIATE` transaction (the write lock is taken up front). */
  async #write<T>(fn: (db: SqliteDatabase) => T): Promise<T> {
    const db = await this.#open();
    return this.#busy(() => db.transaction(() => fn(db)).immediate());
  }

  async #read<T>(fn: (db: SqliteDatabase) => T): Promise<T> {
    const db = await this.#open();
    return this.#busy(() => fn(db));
  }

  async createVersion(input: NewVersion): Promise<VersionRecord> {
    const version = await this.#write((db) => {
      this.#sql(db, 'INSERT INTO mlops_models (name, created_at, next_version) VALUES (?, ?, 1) ON CONFLICT (name) DO NOTHING').run(input.name, input.createdAt);
      const { v } = this.#sql(db, 'UPDATE mlops_models SET next_version = next_version + 1 WHERE name = ? RETURNING next_version - 1 AS v').get(input.name) as { v: number };
      this.#sql(db, `INSERT INTO mlops_versions (${VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        input.name,
        v,
        input.digest,
        input.size,
        input.createdAt,
        input.createdBy,
        input.description,
        JSON.stringify(input.tags),
        JSON.stringify(input.artifact),
        input.source === undefined ? null : JSON.stringify(input.source),
      );
      return v;
    });
    return { ...structuredClone(input), version };
  }

  async getVersion(name: string, version: number): Promise<VersionRecord | undefined> {
    const row = await this.#read(
      (db) => this.#sql(db, `SELECT ${VERSION_COLUMNS} FROM mlops_versions WHERE name = ? AND version = ? AND deleted_at IS NULL`).get(name, version) as VersionRow | undefined,
    );
    return row === undefined ? undefined : toVersion(row);
  }

  async listVersions(name: string, query: VersionQuery): Promise<Page<VersionRecord>> {
    const desc = query.order === 'desc';
    const where = ['name = ?', 'deleted_at IS NULL'];
    const params: unknown[] = [name];
    if (query.cursor !== undefined) {
      where.push(desc ? 'version < ?' : 'version > ?');
      params.push(versionCursor(query.cursor));
    }
    if (query.createdFrom !== undefined) {
      where.push('created_at >= ?');
      params.push(query.createdFrom);
    }
    if (query.createdTo !== undefined) {
      where.push('created_at < ?');
      params.push(query.createdTo);
    }
    if (query.tags !== undefined && Object.keys(query.tags).length > 0) {
      where.push('NOT EXISTS (SELECT 1 FROM json_each(?) w WHERE NOT EXISTS (SELECT 1 FROM json_each(v.tags) t WHERE t.key = w.key AND t.value = w.value))');
      params.push(JSON.stringify(query.tags));
    }
    params.push(query.limit + 1);
    const sql = `SELECT ${VERSION_COLUMNS} FROM mlops_versions v WHERE ${where.join(' AND ')} ORDER BY version ${desc ? 'DESC' : 'ASC'} LIMIT ?`;
    const rows = await this.#read((db) => this.#sql(db, sql).all(...params) as VersionRow[]);
    const items = rows.slice(0, query.limit).map(toVersion);
    return rows.length > query.limit ? { items, nextCursor: String(items[items.length - 1].version) } : { items };
  }

  async updateVersion(name: string, version: number, patch: VersionPatch): Promise<VersionRecord> {
    return this.#write((db) => {
      const row = this.#sql(db, `SELECT ${VERSION_COLUMNS} FROM mlops_versions WHERE name = ? AND version = ? AND deleted_at IS NULL`).get(name, version) as VersionRow | undefined;
      if (row === undefined) throw versionNotFound(name, version);
      const record = toVersion(row);
      if (patch.tags !== undefined) record.tags = { ...patch.tags };
      if (patch.description !== undefined) record.description = patch.description;
      this.#sql(db, 'UPDATE mlops_versions SET tags = ?, description = ? WHERE name = ? AND version = ?').run(JSON.stringify(record.tags), record.description, name, version);
      return record;
    });
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    await this.#write((db) => {
      const live = this.#sql(db, 'SELECT 1 FROM mlops_versions WHERE name = ? AND version = ? AND deleted_at IS NULL').get(name, version);
      if (live === undefined) throw versionNotFound(name, version);
      const using = this.#sql(db, 'SELECT alias FROM mlops_aliases WHERE name = ? AND version = ? ORDER BY alias').all(name, version) as { alias: string }[];
      if (using.length > 0) throw aliasInUse(name, version, using.map((r) => r.alias));
      this.#sql(db, 'UPDATE mlops_versions SET deleted_at = ? WHERE name = ? AND version = ?').run(new Date().toISOString(), name, version);
    });
  }

  async listModels(query: ModelQuery): Promise<Page<ModelRecord>> {
    const sql = `SELECT m.name, m.created_at,
        (SELECT MAX(version) FROM mlops_versions v WHERE v.name = m.name AND v.deleted_at IS NULL) AS latest_version,
        (SELECT COUNT(*) FROM mlops_versions v WHERE v.name = m.name AND v.deleted_at IS NULL) AS version_count
      FROM mlops_models m
      WHERE (@cursor IS NULL OR m.name > @cursor) AND (@prefix IS NULL OR substr(m.name, 1, length(@prefix)) = @prefix)
      ORDER BY m.name LIMIT @limit`;
    const params = { cursor: query.cursor ?? null, prefix: query.prefix ?? null, limit: query.limit + 1 };
    const rows = await this.#read((db) => this.#sql(db, sql).all(params) as ModelRow[]);
    const items = rows.slice(0, query.limit).map(toModel);
    return rows.length > query.limit ? { items, nextCursor: items[items.length - 1].name } : { items };
  }

  async getAliases(name: string): Promise<AliasRecord[]> {
    const rows = await this.#read((db) => this.#sql(db, 'SELECT alias, version, updated_at, updated_by FROM mlops_aliases WHERE name = ? ORDER BY alias').all(name) as AliasRow[]);
    return rows.map(toAlias);
  }

  async moveAlias(move: AliasMove): Promise<AliasEvent | null> {
    return this.#write((db) => {
      const row = this.#sql(db, 'SELECT version FROM mlops_aliases WHERE name = ? AND alias = ?').get(move.name, move.alias) as { version: number } | undefined;
      const live = move.to !== null && this.#sql(db, 'SELECT 1 FROM mlops_versions WHERE name = ? AND version = ? AND deleted_at IS NULL').get(move.name, move.to) !== undefined;
      const event = planAliasMove(move, row?.version ?? null, () => live);
      if (event === null) return null;
      if (event.to === null) {
        this.#sql(db, 'DELETE FROM mlops_aliases WHERE name = ? AND alias = ?').run(move.name, move.alias);
      } else {
        this.#sql(
          db,
          'INSERT INTO mlops_aliases (name, alias, version, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by',
        ).run(move.name, move.alias, event.to, event.at, event.by);
      }
      this.#sql(db, 'INSERT INTO mlops_alias_history (name, alias, from_version, to_version, action, actor, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        event.name,
        event.alias,
        event.from,
        event.to,
        event.action,
        event.by,
        event.at,
        event.reason,
      );
      return event;
    });
  }

  async aliasHistory(name: string, alias?: string): Promise<AliasEvent[]> {
    const sql = 'SELECT name, alias, from_version, to_version, action, actor, at, reason FROM mlops_alias_history WHERE name = @name AND (@alias IS NULL OR alias = @alias) ORDER BY seq';
    const rows = await this.#read((db) => this.#sql(db, sql).all({ name, alias: alias ?? null }) as HistoryRow[]);
    return rows.map(toEvent);
  }

  async referencedDigests(): Promise<Set<string>> {
    const rows = await this.#read((db) => this.#sql(db, 'SELECT DISTINCT digest FROM mlops_versions WHERE deleted_at IS NULL').all() as { digest: string }[]);
    return new Set(rows.map((r) => r.digest));
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    checkDigest(digest);
    const now = Date.now();
    await this.#write((db) => {
      if (this.#sql(db, 'UPDATE mlops_blobs SET stored_at = ? WHERE digest = ? AND size = ?').run(now, digest, bytes.length).changes > 0) return;
      this.#sql(
        db,
        'INSERT INTO mlops_blobs (digest, bytes, size, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO UPDATE SET bytes = excluded.bytes, size = excluded.size, stored_at = excluded.stored_at',
      ).run(digest, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.length, now);
    });
  }

  async get(digest: string): Promise<Uint8Array | undefined> {
    checkDigest(digest);
    const row = await this.#read((db) => this.#sql(db, 'SELECT bytes FROM mlops_blobs WHERE digest = ?').get(digest) as { bytes: Buffer } | undefined);
    return row === undefined ? undefined : new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
  }

  async has(digest: string): Promise<boolean> {
    checkDigest(digest);
    return (await this.#read((db) => this.#sql(db, 'SELECT 1 FROM mlops_blobs WHERE digest = ?').get(digest))) !== undefined;
  }

  async delete(digest: string, options: BlobDeleteOptions = {}): Promise<boolean> {
    checkDigest(digest);
    const result = await this.#write((db) =>
      options.storedBefore === undefined
        ? this.#sql(db, 'DELETE FROM mlops_blobs WHERE digest = ?').run(digest)
        : this.#sql(db, 'DELETE FROM mlops_blobs WHERE digest = ? AND stored_at < ?').run(digest, options.storedBefore),
    );
    return result.changes > 0;
  }

  async *list(): AsyncIterable<BlobInfo> {
    const rows = await this.#read((db) => this.#sql(db, 'SELECT digest, size, stored_at FROM mlops_blobs').all() as { digest: string; size: number; stored_at: number }[]);
    for (const r of rows) yield { digest: r.digest, size: r.size, storedAt: r.stored_at };
  }

  /** Closes the database (unless it was injected). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const opened = this.#db;
    if (opened === undefined || this.#options.database !== undefined) return;
    const db = await opened.catch(() => undefined);
    if (db?.open === true) db.close();
  }

  /** Same as {@link SqliteStore.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
