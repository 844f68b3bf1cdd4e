// The adapters the reliability tests run against, described so that both the test and
// its child processes (workers/registry-worker.ts) can open the same store.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore, MetadataStore } from '../../src/registry/index';

/** Where a store lives; JSON, passed to child processes. */
export type StoreSpec = { kind: 'fs'; root: string } | { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string; schema: string };

export type Store = MetadataStore & BlobStore & { close(): Promise<void> };

/** Opens the store a spec describes (importing only that adapter: child processes start faster). */
export async function openStore(spec: StoreSpec): Promise<Store> {
  switch (spec.kind) {
    case 'fs': {
      const { FsStore } = await import('../../src/storage/fs/index');
      return Object.assign(new FsStore({ root: spec.root }), { close: async () => undefined });
    }
    case 'sqlite': {
      const { SqliteStore } = await import('../../src/storage/sqlite/index');
      return new SqliteStore({ path: spec.path, busyTimeoutMs: 30_000 });
    }
    case 'postgres': {
      const { PostgresStore } = await import('../../src/storage/postgres/index');
      return new PostgresStore({ connectionString: spec.connectionString, schema: spec.schema, poolSize: 3 });
    }
  }
}

let counter = 0;

/** A fresh, empty store of `kind`; `dispose` removes it. */
export async function freshSpec(kind: StoreSpec['kind'], pg?: { connectionString: string }): Promise<{ spec: StoreSpec; dispose: () => Promise<void> }> {
  if (kind === 'postgres') {
    if (pg === undefined) throw new Error('no PostgreSQL server');
    return { spec: { kind, connectionString: pg.connectionString, schema: `r${process.pid}_${counter++}` }, dispose: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), `mlops-${kind}-`));
  const spec: StoreSpec = kind === 'fs' ? { kind, root: join(dir, 'store') } : { kind, path: join(dir, 'registry.db') };
  return { spec, dispose: () => rm(dir, { recursive: true, force: true }) };
}
