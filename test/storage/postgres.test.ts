import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from '../../src/registry/index';
import { PostgresStore } from '../../src/storage/postgres/index';
import { testBlobStore, testMetadataStore } from '../../src/testing/index';
import { postgresAvailable, startPostgres, type PgServer } from '../helpers/postgres';
import { fakeArtifact, fakeDecoder } from '../registry/fake-artifact';

const hasPostgres = postgresAvailable();
let server: PgServer | undefined;
const runner = { describe, it, expect, beforeEach, afterEach };

describe.skipIf(!hasPostgres)('PostgresStore', () => {
  let pool: pg.Pool;
  let n = 0;
  beforeAll(async () => {
    server = await startPostgres();
    pool = new pg.Pool({ connectionString: server?.connectionString, max: 10 });
  });
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });
  // Each test gets its own schema: a fresh, empty store on the same server.
  const fresh = () => new PostgresStore({ pool, schema: `t${process.pid}_${n++}` });

  testBlobStore(runner, { name: 'blobs', create: fresh });
  testMetadataStore(runner, { name: 'metadata', create: fresh });

  it('migrates once under concurrent first use and records the schema version', async () => {
    const schema = `mig_${process.pid}`;
    const stores = Array.from({ length: 6 }, () => new PostgresStore({ connectionString: server?.connectionString as string, schema, poolSize: 2 }));
    await Promise.all(stores.map((s) => s.listModels({ limit: 1 })));
    const { rows } = await pool.query(`SELECT version FROM "${schema}".mlops_schema_migrations`);
    expect(rows).toEqual([{ version: 1 }]);
    await Promise.all(stores.map((s) => s.close()));
    await expect(stores[0].listModels({ limit: 1 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('treats names, tags and prefixes as data, never as SQL', async () => {
    const store = fresh();
    const base = { digest: 'c'.repeat(64), size: 1, createdAt: new Date().toISOString(), createdBy: "o'brien", description: "'; DROP TABLE x; --", artifact: {} };
    await store.createVersion({ ...base, name: 'm', tags: { k: "x' OR '1'='1" } });
    await store.createVersion({ ...base, name: 'm', tags: { k: 'y' } });
    expect((await store.listVersions('m', { limit: 10, order: 'asc', tags: { k: "x' OR '1'='1" } })).items.map((v) => v.version)).toEqual([1]);
    expect((await store.listModels({ limit: 10, prefix: "' OR 1=1 --" })).items).toEqual([]);
    expect((await store.getVersion('m', 1))?.description).toBe(base.description);
  });

  it('rejects unsafe schema names and ambiguous options', () => {
    expect(() => new PostgresStore({ pool, schema: 'x"; drop' })).toThrow(/schema must match/);
    expect(() => new PostgresStore({} as never)).toThrow(/exactly one/);
  });

  it('reports an unreachable server as STORE_UNAVAILABLE', async () => {
    const store = new PostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' });
    await expect(store.listModels({ limit: 1 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.close();
  });

  it('pushes alias moves to watchers through LISTEN/NOTIFY', async () => {
    const store = fresh();
    const registry = new Registry({ store, decode: fakeDecoder });
    await registry.register('m', fakeArtifact('one'));
    await registry.register('m', fakeArtifact('two'));
    const seen: (number | null)[] = [];
    // A poll period far longer than the test: only a notification can deliver the change quickly.
    const watcher = registry.watch('m', 'production', ({ version }) => void seen.push(version?.version ?? null), { intervalMs: 60_000 });
    await watcher.ready;
    const t0 = Date.now();
    await registry.setAlias('m', 'production', 2);
    while (seen.length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([2]);
    await registry.register('m', fakeArtifact('three'));
    await watcher.close();
    await store.close();
  });
});
