/**
 * `mlops-kit/storage/sqlite`: metadata and blobs in one SQLite file (better-sqlite3 12,
 * an optional peer dependency).
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { SqliteStore } from 'mlops-kit/storage/sqlite';
 * const registry = new Registry({ store: new SqliteStore({ path: './registry.db' }) });
 * ```
 *
 * @module
 */
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store';
export type { SqliteDatabase, SqliteStatement } from './driver';
