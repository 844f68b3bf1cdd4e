/**
 * The PostgreSQL store: metadata, alias history and blobs (bytea) in one schema.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MlopsError } from '../../errors';
import { planAliasMove } from '../alias-move';
import type {
  AliasEvent,
  AliasMove,
  AliasNotice,
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
import { createPool, type PgClient, type PgPool } from './driver';
import { isRetryable, wrapError } from './errors';
import { CHANNEL, Notifier, noticePayload } from './notifications';
import { migrate } from './schema';

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** A `pg.Pool` (or anything with its `query`/`connect`/`end`); the caller keeps ownership. */
  pool?: PgPool;
  /** Connection string for a pool the store creates (and ends on `close()`), e.g. from `process.env.DATABASE_URL`. */
  connectionString?: string;
  /** Size of the pool created from `connectionString` (default 10). */
  poolSize?: number;
  /** Schema holding the `mlops_*` tables, created if missing (default `public`). */
  schema?: string;
  /** Retries of a transaction that hit a serialization failure, deadlock or unique violation (default 5). */
  maxRetries?: number;
}

const VERSION_COLUMNS = 'name, version, digest, size, created_at, created_by, description, tags, artifact, source';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Metadata and blobs in PostgreSQL through `pg` (an optional peer dependency, loaded on
 * first use unless a pool is injected).
 *
 * - Version numbers come from an `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` on the
 *   model's row, which locks it, inside the transaction that inserts the version; the
 *   primary key `(name, version)` makes a duplicate impossible.
 * - Alias moves and deletes lock the model row (`SELECT ... FOR UPDATE`), so a move, its
 *   history entry and the alias-in-use check are one serialized step per model.
 * - Transactions that fail with a serialization failure, deadlock or unique violation
 *   are rolled back and retried with jittered backoff.
 * - The schema is created and migrated on first use under an advisory lock, with
 *   applied versions in `mlops_schema_migrations`.
 * - Alias moves (and version creates/deletes, as alias `latest`) are announced with
 *   `pg_notify`, so `Registry.watch` reacts without waiting for its next poll.
 * - Every value is a bound parameter; the schema name is checked against
 *   `[a-z_][a-z0-9_]*` and quoted.
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { PostgresStore } from 'mlops-kit/storage/postgres';
 *
 * const registry = new Registry({ store: new PostgresStore({ connectionString: process.env.DATABASE_URL }) });
 * ```
 */
export class PostgresStore implements MetadataStore, BlobStore {
  readonly #options: PostgresStoreOptions;
  readonly #schema: string;
  readonly #s: string;
  readonly #notifier: Notifier;
  #pool: Promise<PgPool> | undefined;
  #ready: Promise<PgPool> | undefined;
  #closed = false;

  constructor(options: PostgresStoreOptions) {
    if ((options?.pool === undefined) === (options?.connectionString === undefined)) {
      throw new MlopsError('INVALID_ARGUMENT', 'The postgres store needs exactly one of { pool: <pg.Pool> } or { connectionString: "postgres://..." }.');
    }
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) {
      throw new MlopsError('INVALID_ARGUMENT', `schema must match [a-z_][a-z0-9_]* (at most 63 characters), got ${JSON.stringify(schema)}.`);
    }
    this.#options = options;
    this.#schema = schema;
    this.#s = `"${schema}"`;
    this.#notifier = new Notifier(() => this.#open(), schema);
  }

  #rawPool(): Promise<PgPool> {
    this.#pool ??= this.#options.pool !== undefined ? Promise.resolve(this.#options.pool) : createPool(this.#options.connectionString as string, this.#options.poolSize ?? 10);
    return this.#pool;
  }

  #open(): Promise<PgPool> {
    if (this.#closed) return Promise.reject(new MlopsError('STORE_UNAVAILABLE', 'The postgres store is closed.'));
    this.#ready ??= (async () => {
      const pool = await this.#rawPool();
      await this.#transaction(pool, (c) => migrate(c, this.#schema, this.#s), 'migration');
      return pool;
    })();
    this.#ready.catch(() => {
      this.#ready = undefined; // retry on the next call (server not up yet, ...)
    });
    return this.#ready;
  }

  async #transaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>, what: string): Promise<T> {
    const maxRetries = this.#options.maxRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      let client: PgClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw wrapError(err, what);
      }
      let broken = false;
      try {
        await client.query('BEGIN');
        const out = await fn(client);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (attempt < maxRetries && isRetryable(err)) {
          await sleep(Math.random() * 5 * 2 ** attempt);
          continue;
        }
        throw wrapError(err, what);
      } finally {
        client.release(broken);
      }
    }
  }

  async #tx<T>(fn: (client: PgClient) => Promise<T>, what: string): Promise<T> {
    return this.#transaction(await this.#open(), fn, what);
  }

  async #query(text: string, values: unknown[], what: string): Promise<Record<string, unknown>[]> {
    const pool = await this.#open();
    try {
      return (await pool.query(text, values)).rows;
    } catch (err) {
      throw wrapError(err, what);
    }
  }

  async createVersion(input: NewVersion): Promise<VersionRecord> {
    const s = this.#s;
    const version = await this.#tx(async (c) => {
      const { rows } = await c.query(
        `INSERT INTO ${s}.mlops_models (name, created_at, next_version) VALUES ($1, $2, 2)
         ON CONFLICT (name) DO UPDATE SET next_version = mlops_models.next_version + 1
         RETURNING next_version - 1 AS v`,
        [input.name, input.createdAt],
      );
      const v = Number(rows[0].v);
      await c.query(`INSERT INTO ${s}.mlops_versions (${VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
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
      ]);
      await this.#notify(c, input.name, 'latest');
      return v;
    }, 'createVersion');
    return { ...structuredClone(input), version };
  }

  async getVersion(name: string, version: number): Promise<VersionRecord | undefined> {
    const rows = await this.#query(`SELECT ${VERSION_COLUMNS} FROM ${this.#s}.mlops_versions WHERE name = $1 AND version = $2 AND deleted_at IS NULL`, [name, version], 'getVersion');
    return rows.length === 0 ? undefined : toVersion(rows[0] as unknown as VersionRow);
  }

  async listVersions(name: string, query: VersionQuery): Promise<Page<VersionRecord>> {
    const desc = query.order === 'desc';
    const params: unknown[] = [name];
    const where = ['name = $1', 'deleted_at IS NULL'];
    const bind = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.cursor !== undefined) bind(desc ? 'version < ?' : 'version > ?', versionCursor(query.cursor));
    if (query.createdFrom !== undefined) bind('created_at >= ?::timestamptz', query.createdFrom);
    if (query.createdTo !== undefined) bind('created_at < ?::timestamptz', query.createdTo);
    if (query.tags !== undefined && Object.keys(query.tags).length > 0) bind('tags @> ?::jsonb', JSON.stringify(query.tags));
    params.push(query.limit + 1);
    const rows = await this.#query(
      `SELECT ${VERSION_COLUMNS} FROM ${this.#s}.mlops_versions WHERE ${where.join(' AND ')} ORDER BY version ${desc ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
      params,
      'listVersions',
    );
    const items = rows.slice(0, query.limit).map((r) => toVersion(r as unknown as VersionRow));
    return rows.length > query.limit ? { items, nextCursor: String(items[items.length - 1].version) } : { items };
  }

  async updateVersion(name: string, version: number, patch: VersionPatch): Promise<VersionRecord> {
    const s = this.#s;
    return this.#tx(async (c) => {
      const { rows } = await c.query(`SELECT ${VERSION_COLUMNS} FROM ${s}.mlops_versions WHERE name = $1 AND version = $2 AND deleted_at IS NULL FOR UPDATE`, [name, version]);
      if (rows.length === 0) throw versionNotFound(name, version);
      const record = toVersion(rows[0] as unknown as VersionRow);
      if (patch.tags !== undefined) record.tags = { ...patch.tags };
      if (patch.description !== undefined) record.description = patch.description;
      await c.query(`UPDATE ${s}.mlops_versions SET tags = $1, description = $2 WHERE name = $3 AND version = $4`, [JSON.stringify(record.tags), record.description, name, version]);
      return record;
    }, 'updateVersion');
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    const s = this.#s;
    await this.#tx(async (c) => {
      await c.query(`SELECT 1 FROM ${s}.mlops_models WHERE name = $1 FOR UPDATE`, [name]);
      const live = await c.query(`SELECT 1 FROM ${s}.mlops_versions WHERE name = $1 AND version = $2 AND deleted_at IS NULL`, [name, version]);
      if (live.rows.length === 0) throw versionNotFound(name, version);
      const using = await c.query(`SELECT alias FROM ${s}.mlops_aliases WHERE name = $1 AND version = $2 ORDER BY alias`, [name, version]);
      if (using.rows.length > 0) throw aliasInUse(name, version, using.rows.map((r) => r.alias as string));
      await c.query(`UPDATE ${s}.mlops_versions SET deleted_at = now() WHERE name = $1 AND version = $2`, [name, version]);
      await this.#notify(c, name, 'latest');
    }, 'deleteVersion');
  }

  async listModels(query: ModelQuery): Promise<Page<ModelRecord>> {
    const s = this.#s;
    const rows = await this.#query(
      `SELECT m.name, m.created_at, v.latest_version, COALESCE(v.version_count, 0) AS version_count
       FROM ${s}.mlops_models m
       LEFT JOIN LATERAL (
         SELECT MAX(version) AS latest_version, COUNT(*) AS version_count
         FROM ${s}.mlops_versions x WHERE x.name = m.name AND x.deleted_at IS NULL
       ) v ON true
       WHERE ($1::text IS NULL OR m.name > $1) AND ($2::text IS NULL OR starts_with(m.name, $2))
       ORDER BY m.name LIMIT $3`,
      [query.cursor ?? null, query.prefix ?? null, query.limit + 1],
      'listModels',
    );
    const items = rows.slice(0, query.limit).map((r) => toModel(r as unknown as ModelRow));
    return rows.length > query.limit ? { items, nextCursor: items[items.length - 1].name } : { items };
  }

  async getAliases(name: string): Promise<AliasRecord[]> {
    const rows = await this.#query(`SELECT alias, version, updated_at, updated_by FROM ${this.#s}.mlops_aliases WHERE name = $1 ORDER BY alias`, [name], 'getAliases');
    return rows.map((r) => toAlias(r as unknown as AliasRow));
  }

  async moveAlias(move: AliasMove): Promise<AliasEvent | null> {
    const s = this.#s;
    return this.#tx(async (c) => {
      await c.query(`SELECT 1 FROM ${s}.mlops_models WHERE name = $1 FOR UPDATE`, [move.name]);
      const current = await c.query(`SELECT version FROM ${s}.mlops_aliases WHERE name = $1 AND alias = $2`, [move.name, move.alias]);
      const live = move.to !== null && (await c.query(`SELECT 1 FROM ${s}.mlops_versions WHERE name = $1 AND version = $2 AND deleted_at IS NULL`, [move.name, move.to])).rows.length > 0;
      const event = planAliasMove(move, current.rows.length === 0 ? null : Number(current.rows[0].version), () => live);
      if (event === null) return null;
      if (event.to === null) {
        await c.query(`DELETE FROM ${s}.mlops_aliases WHERE name = $1 AND alias = $2`, [move.name, move.alias]);
      } else {
        await c.query(
          `INSERT INTO ${s}.mlops_aliases (name, alias, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (name, alias) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
          [move.name, move.alias, event.to, event.at, event.by],
        );
      }
      await c.query(`INSERT INTO ${s}.mlops_alias_history (name, alias, from_version, to_version, action, actor, at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        event.name,
        event.alias,
        event.from,
        event.to,
        event.action,
        event.by,
        event.at,
        event.reason,
      ]);
      await this.#notify(c, move.name, move.alias);
      return event;
    }, 'moveAlias');
  }

  async aliasHistory(name: string, alias?: string): Promise<AliasEvent[]> {
    const rows = await this.#query(
      `SELECT name, alias, from_version, to_version, action, actor, at, reason FROM ${this.#s}.mlops_alias_history WHERE name = $1 AND ($2::text IS NULL OR alias = $2) ORDER BY seq`,
      [name, alias ?? null],
      'aliasHistory',
    );
    return rows.map((r) => toEvent(r as unknown as HistoryRow));
  }

  async referencedDigests(): Promise<Set<string>> {
    const rows = await this.#query(`SELECT DISTINCT digest FROM ${this.#s}.mlops_versions WHERE deleted_at IS NULL`, [], 'referencedDigests');
    return new Set(rows.map((r) => r.digest as string));
  }

  /** Push notices of alias moves over LISTEN/NOTIFY (one dedicated connection per store). */
  subscribe(listener: (notice: AliasNotice) => void): Promise<() => Promise<void>> {
    return this.#notifier.subscribe(listener).catch((err: unknown) => {
      throw wrapError(err, 'LISTEN');
    });
  }

  async #notify(c: PgClient, name: string, alias: string): Promise<void> {
    await c.query('SELECT pg_notify($1, $2)', [CHANNEL, noticePayload(this.#schema, name, alias)]);
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    checkDigest(digest);
    const s = this.#s;
    const now = Date.now();
    const touched = await this.#query(`UPDATE ${s}.mlops_blobs SET stored_at = $1 WHERE digest = $2 AND size = $3 RETURNING 1`, [now, digest, bytes.length], 'put');
    if (touched.length > 0) return;
    await this.#query(
      `INSERT INTO ${s}.mlops_blobs (digest, bytes, size, stored_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (digest) DO UPDATE SET bytes = EXCLUDED.bytes, size = EXCLUDED.size, stored_at = EXCLUDED.stored_at`,
      [digest, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.length, now],
      'put',
    );
  }

  async get(digest: string): Promise<Uint8Array | undefined> {
    checkDigest(digest);
    const rows = await this.#query(`SELECT bytes FROM ${this.#s}.mlops_blobs WHERE digest = $1`, [digest], 'get');
    if (rows.length === 0) return undefined;
    const buf = rows[0].bytes as Buffer;
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  async has(digest: string): Promise<boolean> {
    checkDigest(digest);
    return (await this.#query(`SELECT 1 FROM ${this.#s}.mlops_blobs WHERE digest = $1`, [digest], 'has')).length > 0;
  }

  async delete(digest: string, options: BlobDeleteOptions = {}): Promise<boolean> {
    checkDigest(digest);
    const rows = await this.#query(
      `DELETE FROM ${this.#s}.mlops_blobs WHERE digest = $1 AND ($2::bigint IS NULL OR stored_at < $2) RETURNING 1`,
      [digest, options.storedBefore === undefined ? null : Math.ceil(options.storedBefore)],
      'delete',
    );
    return rows.length > 0;
  }

  async *list(): AsyncIterable<BlobInfo> {
    const rows = await this.#query(`SELECT digest, size, stored_at FROM ${this.#s}.mlops_blobs`, [], 'list');
    for (const r of rows) yield { digest: r.digest as string, size: Number(r.size), storedAt: Number(r.stored_at) };
  }

  /** Stops listening and ends the pool if the store created it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#notifier.close();
    const pool = this.#pool;
    if (pool !== undefined && this.#options.pool === undefined) await (await pool.catch(() => undefined))?.end();
  }

  /** Same as {@link PostgresStore.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
