/**
 * The slice of `pg` the adapter uses, typed structurally so the package stays an
 * optional peer dependency (a `pg.Pool` fits), and its lazy loader.
 *
 * @module
 */
import { importOptional } from '../../optional';
import { MlopsError } from '../../errors';

/** A query result. */
export interface PgResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}

/** A notification received after `LISTEN`. */
export interface PgNotification {
  channel: string;
  payload?: string;
}

/** A client checked out of the pool (`pg.PoolClient`). */
export interface PgClient {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  release(err?: Error | boolean): void;
  on(event: 'notification', listener: (message: PgNotification) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** A connection pool (`pg.Pool`). */
export interface PgPool {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
}

/** Creates a `pg.Pool`, loading `pg` on first use; `DEPENDENCY_MISSING` when it is not installed. */
export async function createPool(connectionString: string, max: number): Promise<PgPool> {
  const { Pool } = await importOptional<{ Pool: new (config: object) => PgPool & { on(e: 'error', l: (err: Error) => void): unknown } }>(() => import('pg'), {
    package: 'pg',
    feature: 'The postgres store',
    probe: 'Pool',
  });
  const pool = new Pool({ connectionString, max });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}
