// Processes killed with SIGKILL at random points while registering, promoting, rolling
// back and deleting: afterwards the store always opens, every listed version loads and
// verifies, the alias history is a chain, and no partial file, row or blob is visible.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/random';
import { Registry, type ModelVersion } from '../../src/registry/index';
import { postgresAvailable, startPostgres, type PgServer } from '../helpers/postgres';
import { freshSpec, openStore, type StoreSpec } from './adapters';
import { fakeDecoder } from './fake-artifact';
import { startWorker, type Worker } from './processes';

const hasPostgres = postgresAvailable();
let pg: PgServer | undefined;
beforeAll(async () => {
  if (hasPostgres) pg = await startPostgres();
});
afterAll(() => pg?.stop());

const ITERATIONS = { fs: 20, sqlite: 20, postgres: 8 } as const;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function checkStore(spec: StoreSpec): Promise<number> {
  const store = await openStore(spec);
  const registry = new Registry({ store, decode: fakeDecoder, actor: 'checker' });
  try {
    const versions: ModelVersion[] = [];
    let cursor: string | undefined;
    do {
      const page = await registry.listVersions('m', { order: 'asc', limit: 500, ...(cursor !== undefined && { cursor }) });
      versions.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    for (const v of versions) expect((await registry.load(v.ref)).digest).toBe(v.digest);
    // Every blob the store lists is complete: its content hashes to its key.
    for await (const blob of store.list()) expect(sha256((await store.get(blob.digest)) as Uint8Array)).toBe(blob.digest);
    // Aliases point at live versions and agree with a history that is a chain.
    const aliases = await registry.getAliases('m');
    const history = await registry.aliasHistory('m');
    const last = new Map<string, number | null>();
    for (const e of history) {
      expect(e.from).toBe(last.get(e.alias) ?? null);
      last.set(e.alias, e.to);
    }
    for (const a of aliases) {
      expect(last.get(a.alias)).toBe(a.version);
      expect(versions.some((v) => v.version === a.version)).toBe(true);
    }
    expect([...last.values()].filter((v) => v !== null).length).toBe(aliases.length);
    // A killed holder's lock (fs) or transaction (sql) never blocks the next writer.
    if (versions.length > 0) await registry.setAlias('m', 'checked', versions[versions.length - 1].version);
    return versions.length;
  } finally {
    await store.close();
  }
}

async function checkFiles(spec: StoreSpec): Promise<void> {
  if (spec.kind === 'fs') {
    const model = join(spec.root, 'models', 'm');
    for (const f of await readdir(join(model, 'versions')).catch(() => [] as string[])) {
      expect(f).toMatch(/^\d{10}\.(json|deleted)$/);
      if (f.endsWith('.json')) expect((JSON.parse(await readFile(join(model, 'versions', f), 'utf8')) as { version: number }).version).toBe(Number(f.slice(0, 10)));
    }
    for (const f of await readdir(join(model, 'history')).catch(() => [] as string[])) {
      expect(f).toMatch(/^\d{10}\.json$/);
      JSON.parse(await readFile(join(model, 'history', f), 'utf8'));
    }
  } else if (spec.kind === 'sqlite') {
    const db = new Database(spec.path, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }
}

describe.each(['fs', 'sqlite', 'postgres'] as const)('%s store with writers killed by SIGKILL', (kind) => {
  it.skipIf(kind === 'postgres' && !hasPostgres)(`stays consistent across ${ITERATIONS[kind]} kills at random points`, async () => {
    const { spec, dispose } = await freshSpec(kind, pg);
    const rng = createRng(`crash-${kind}`);
    const job = (id: number) => startWorker({ spec, mode: 'chaos', id, count: 0, payloadBytes: 16_384 });
    let next: Worker = await job(0);
    let versions = 0;
    try {
      for (let i = 0; i < ITERATIONS[kind]; i++) {
        const current = next;
        await current.ready;
        next = await job(i + 1); // starts while this one works, to keep the test short
        current.child.stdin?.write('go\n');
        await new Promise((r) => setTimeout(r, 15 + rng.int(250)));
        current.child.kill('SIGKILL');
        expect((await current.exited).signal).toBe('SIGKILL');
        versions = await checkStore(spec);
        await checkFiles(spec);
      }
      expect(versions).toBeGreaterThan(ITERATIONS[kind]);
    } finally {
      next.child.kill('SIGKILL');
      await next.exited;
      await dispose();
    }
  });
});
