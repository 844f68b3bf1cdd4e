/**
 * The slice of better-sqlite3 the adapter uses, typed structurally so the package stays
 * an optional peer dependency, and its lazy loader.
 *
 * @module
 */
import { importOptional } from '../../optional';

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
export function loadBetterSqlite3(): Promise<SqliteConstructor> {
  return importOptional<SqliteConstructor>(() => import('better-sqlite3'), { package: 'better-sqlite3', feature: 'The sqlite store', install: ['better-sqlite3@12'] });
}
