/**
 * `--store`: a registry from a URL-like string.
 *
 * | value | store |
 * |---|---|
 * | `fs:./models`, or a plain path | `FsStore` (a directory on a local disk) |
 * | `sqlite:./registry.db` | `SqliteStore` (better-sqlite3) |
 * | `postgres://user:pass@host/db`, `postgresql://...` | `PostgresStore` (pg) |
 *
 * The adapters are imported on use, so the fs store needs no optional package.
 *
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import { Registry } from '../registry/index';
import { usage } from './args';
import type { CliContext } from './context';

/** The store option shared by the registry commands. */
export const STORE_OPTION = {
  store: { type: 'string', value: '<url>', help: 'Registry: fs:<dir> (or a path), sqlite:<file>, postgres://... (default: $MLOPS_STORE).' },
} as const;

/** Opens the registry named by `--store` (or `$MLOPS_STORE`). */
export async function openRegistry(command: string, value: string | undefined, ctx: CliContext): Promise<Registry> {
  const spec = value ?? ctx.env.MLOPS_STORE;
  if (spec === undefined || spec.length === 0) throw usage(command, 'Missing --store: pass --store fs:./models (or sqlite:./registry.db, postgres://...), or set MLOPS_STORE.');
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.cwd, p));
  const actor = ctx.env.MLOPS_ACTOR ?? ctx.env.USER ?? 'mlops-kit-cli';
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const { PostgresStore } = await import('../storage/postgres/index');
    return new Registry({ store: new PostgresStore({ connectionString: spec }), actor });
  }
  if (spec.startsWith('sqlite:')) {
    const { SqliteStore } = await import('../storage/sqlite/index');
    return new Registry({ store: new SqliteStore({ path: path(spec.slice('sqlite:'.length)) }), actor });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(spec)?.[1];
  if (scheme !== undefined && scheme.length > 1 && scheme !== 'fs') {
    const shown = spec.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@'); // never echo a password
    throw usage(command, `Unknown store ${JSON.stringify(shown)}: use fs:<dir>, sqlite:<file> or postgres://... .`);
  }
  const { FsStore } = await import('../storage/fs/index');
  return new Registry({ store: new FsStore({ root: path(spec.startsWith('fs:') ? spec.slice(3) : spec) }), actor });
}
