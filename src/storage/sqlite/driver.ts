/**
 * The slice of better-sqlite3 the adapter uses, typed structurally so the package stays
 * an optional peer dependency, and its lazy loader.
 *
 * @module
 */
import { MlopsError } from '../../errors';

/** A prepared statement (better-sqlite3 `Statement`). */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** An open database (better-sqlite3 `Database`). */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<T>(fn: () => T): { immediate(): T };
  close(): unknown;
  readonly open: boolean;
}

/** The better-sqlite3 constructor. */
export type SqliteConstructor = new (path: string, options?: { timeout?: number }) => SqliteDatabase;

/** Loads better-sqlite3, or throws `DEPENDENCY_MISSING` saying how to install it. */
export async function loadBetterSqlite3(): Promise<SqliteConstructor> {
  try {
    const mod = (await import('better-sqlite3')) as unknown as { default?: SqliteConstructor } & SqliteConstructor;
    return mod.default ?? mod;
  } catch (err) {
    throw new MlopsError('DEPENDENCY_MISSING', 'The sqlite store needs the better-sqlite3 package (version 12): npm install better-sqlite3', { cause: err });
  }
}
