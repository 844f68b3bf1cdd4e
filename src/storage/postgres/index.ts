/**
 * `mlops-kit/storage/postgres`: metadata and blobs in PostgreSQL (`pg`, an optional
 * peer dependency), with LISTEN/NOTIFY for alias watchers.
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { PostgresStore } from 'mlops-kit/storage/postgres';
 * const registry = new Registry({ store: new PostgresStore({ connectionString: process.env.DATABASE_URL }) });
 * ```
 *
 * @module
 */
export { PostgresStore, type PostgresStoreOptions } from './postgres-store';
export type { PgPool, PgClient, PgResult, PgNotification } from './driver';
