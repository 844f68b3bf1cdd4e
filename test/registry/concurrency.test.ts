// Many OS processes registering and promoting at once, on every store that supports it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry, type AliasEvent } from '../../src/registry/index';
import { postgresAvailable, startPostgres, type PgServer } from '../helpers/postgres';
import { freshSpec, openStore } from './adapters';
import { fakeArtifact, fakeDecoder } from './fake-artifact';
import { runTogether } from './processes';

const hasPostgres = postgresAvailable();
let pg: PgServer | undefined;
beforeAll(async () => {
  if (hasPostgres) pg = await startPostgres();
});
afterAll(() => pg?.stop());

const PROCESSES = 8;
const PER_PROCESS = 25;

describe.each(['fs', 'sqlite', 'postgres'] as const)('%s store under concurrent processes', (kind) => {
  it.skipIf(kind === 'postgres' && !hasPostgres)(`${PROCESSES} processes x ${PER_PROCESS} registers give exactly versions 1..${PROCESSES * PER_PROCESS}, each loading its own bytes`, async () => {
    const { spec, dispose } = await freshSpec(kind, pg);
    try {
      const results = (await runTogether(
        Array.from({ length: PROCESSES }, (_, id) => ({ spec, mode: 'register' as const, id, count: PER_PROCESS, payloadBytes: 8192 })),
      )) as [number, string][][];
      const store = await openStore(spec);
      const registry = new Registry({ store, decode: fakeDecoder });
      const claimed = results.flat();
      const numbers = claimed.map(([v]) => v).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: PROCESSES * PER_PROCESS }, (_, i) => i + 1));
      const listed = [];
      let cursor: string | undefined;
      do {
        const page = await registry.listVersions('m', { order: 'asc', limit: 64, ...(cursor !== undefined && { cursor }) });
        listed.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(listed.map((v) => v.version)).toEqual(numbers);
      for (const [version, label] of claimed) {
        const artifact = await registry.load(`m/${version}`);
        expect(artifact.digest).toBe(fakeArtifact(label, 8192).digest);
        expect(artifact.manifest.label).toBe(label);
      }
      await store.close();
    } finally {
      await dispose();
    }
  });

  it.skipIf(kind === 'postgres' && !hasPostgres)('concurrent alias moves from many processes leave a consistent history chain', async () => {
    const { spec, dispose } = await freshSpec(kind, pg);
    try {
      const store = await openStore(spec);
      const registry = new Registry({ store, decode: fakeDecoder });
      for (let i = 0; i < 6; i++) await registry.register('m', fakeArtifact(`a${i}`));
      const moved = (await runTogether(Array.from({ length: 6 }, (_, id) => ({ spec, mode: 'alias' as const, id, count: 20, payloadBytes: 0, versions: 6 })))) as number[];
      const history = await registry.aliasHistory('m', 'production');
      expect(history.length).toBe(moved.reduce((a, b) => a + b, 0));
      expect(history.length).toBeGreaterThan(20);
      let previous: AliasEvent['to'] = null;
      for (const e of history) {
        expect(e.from).toBe(previous);
        expect(e.to).not.toBe(e.from);
        previous = e.to;
      }
      expect((await registry.resolve('m@production')).version).toBe(previous);
      expect(new Set(history.map((e) => e.by)).size).toBeGreaterThan(1);
      await store.close();
    } finally {
      await dispose();
    }
  });
});
