/**
 * The slice of `pg` the adapter uses, typed structurally so the package stays an
 * optional peer dependency (a `pg.Pool` fits), and its lazy loader.
 *
 * @module
 */
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
  let mod: { default?: { Pool: new (config: object) => PgPool & { on(e: 'error', l: (err: Error) => void): unknown } } };
  try {
    mod = (await import('pg')) as typeof mod;
  } catch (err) {
    throw new MlopsError('DEPENDENCY_MISSING', 'The postgres store needs the pg package: npm install pg', { cause: err });
  }
  const Pool = mod.default?.Pool ?? (mod as unknown as { Pool: NonNullable<typeof mod.default>['Pool'] }).Pool;
  const pool = new Pool({ connectionString, max });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}
