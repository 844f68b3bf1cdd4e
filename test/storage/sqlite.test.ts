import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/storage/sqlite/index';
import { testBlobStore, testMetadataStore } from '../../src/testing/index';

const runner = { describe, it, expect, beforeEach, afterEach };
const roots = new WeakMap<object, string>();

async function fresh(): Promise<SqliteStore> {
  const root = await mkdtemp(join(tmpdir(), 'mlops-sqlite-'));
  const store = new SqliteStore({ path: join(root, 'registry.db') });
  roots.set(store, root);
  return store;
}
const destroy = (store: object) => rm(roots.get(store) as string, { recursive: true, force: true });

testBlobStore(runner, { name: 'SqliteStore (blobs)', create: fresh, destroy });
testMetadataStore(runner, { name: 'SqliteStore (metadata)', create: fresh, destroy });

describe('SqliteStore', () => {
  it('uses WAL, migrates once, and reopens existing data', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlops-sqlite-'));
    try {
      const path = join(root, 'r.db');
      const a = new SqliteStore({ path });
      await a.createVersion({ name: 'm', digest: 'a'.repeat(64), size: 1, createdAt: new Date().toISOString(), createdBy: 't', description: '', tags: {}, artifact: {} });
      await a.close();
      await a.close();
      const db = new Database(path);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT version FROM mlops_schema').all()).toEqual([{ version: 1 }]);
      db.close();
      const b = new SqliteStore({ path });
      expect((await b.getVersion('m', 1))?.digest).toBe('a'.repeat(64));
      await b.close();
      await expect(b.getVersion('m', 1)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('accepts an injected database and leaves it open on close', async () => {
    const db = new Database(':memory:');
    const store = new SqliteStore({ database: db });
    expect((await store.createVersion({ name: 'm', digest: 'b'.repeat(64), size: 1, createdAt: new Date().toISOString(), createdBy: 't', description: '', tags: {}, artifact: {} })).version).toBe(1);
    await store.close();
    expect(db.open).toBe(true);
    db.close();
  });

  it('treats tag filters and names as data, never as SQL', async () => {
    const store = new SqliteStore({ database: new Database(':memory:') });
    const base = { digest: 'c'.repeat(64), size: 1, createdAt: new Date().toISOString(), createdBy: 't', description: '', artifact: {} };
    await store.createVersion({ ...base, name: 'm', tags: { k: "x' OR '1'='1" } });
    await store.createVersion({ ...base, name: 'm', tags: { k: 'y' } });
    const hit = await store.listVersions('m', { limit: 10, order: 'asc', tags: { k: "x' OR '1'='1" } });
    expect(hit.items.map((v) => v.version)).toEqual([1]);
    expect((await store.listVersions("m' OR '1'='1", { limit: 10, order: 'asc' })).items).toEqual([]);
  });

  it('rejects options without exactly one of path and database', () => {
    expect(() => new SqliteStore({} as never)).toThrow(/exactly one/);
  });
});
