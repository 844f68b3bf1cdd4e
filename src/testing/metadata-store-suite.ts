/**
 * The conformance suite of the `MetadataStore` contract.
 *
 * @module
 */
import type { AliasEvent, AliasMove, MetadataStore, NewVersion, VersionRecord } from '../storage/contracts';
import { rejectionCode, type TestRunner } from './runner';

/** Options of {@link testMetadataStore}. */
export interface MetadataStoreSuiteOptions {
  /** Suite name (default `"MetadataStore"`). */
  name?: string;
  /** Creates a fresh, empty store for each test. */
  create: () => MetadataStore | Promise<MetadataStore>;
  /** Called after each test (after `close()`), e.g. to remove a directory or schema. */
  destroy?: (store: MetadataStore) => void | Promise<void>;
}

const T0 = Date.UTC(2024, 0, 1);

function digestFor(n: number): string {
  return n.toString(16).padStart(64, '0');
}

function newVersion(name: string, n: number, extra: Partial<NewVersion> = {}): NewVersion {
  return {
    name,
    digest: digestFor(n),
    size: 1000 + n,
    createdAt: new Date(T0 + n * 60_000).toISOString(),
    createdBy: 'suite',
    description: `version ${n}`,
    tags: { n: String(n), parity: n % 2 === 0 ? 'even' : 'odd' },
    artifact: { modelType: 'logistic', task: 'binary', metrics: { auc: 0.5 + n / 1000 } },
    ...extra,
  };
}

function move(name: string, alias: string, to: number | null, extra: Partial<AliasMove> = {}): AliasMove {
  return { name, alias, to, action: to === null ? 'remove' : 'set', by: 'suite', at: new Date().toISOString(), reason: '', ...extra };
}

function isChain(history: AliasEvent[]): boolean {
  const last = new Map<string, number | null>();
  for (const e of history) {
    if ((last.get(e.alias) ?? null) !== e.from) return false;
    last.set(e.alias, e.to);
  }
  return true;
}

/**
 * Registers the `MetadataStore` conformance tests with your test runner: allocation,
 * immutability of numbers, listing and paging, tags, aliases with compare-and-swap,
 * the history chain under concurrency, deletes guarded by aliases, and digests for
 * garbage collection. Every built-in metadata store passes them; run them against
 * yours.
 *
 * @example
 * ```ts
 * import { describe, it, expect, beforeEach, afterEach } from 'vitest';
 * import { testMetadataStore } from 'mlops-kit/testing';
 * testMetadataStore({ describe, it, expect, beforeEach, afterEach }, { create: () => new MyMetadataStore() });
 * ```
 */
export function testMetadataStore(runner: TestRunner, options: MetadataStoreSuiteOptions): void {
  const { describe, it, expect, beforeEach, afterEach } = runner;
  describe(options.name ?? 'MetadataStore', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = await options.create();
    });
    afterEach(async () => {
      await store.close?.();
      await options.destroy?.(store);
    });

    async function seed(name: string, count: number): Promise<VersionRecord[]> {
      const out: VersionRecord[] = [];
      for (let i = 1; i <= count; i++) out.push(await store.createVersion(newVersion(name, i)));
      return out;
    }

    it('allocates versions 1, 2, 3 per model and round-trips every field', async () => {
      const input = newVersion('fraud', 1, { source: { registry: 'staging', name: 'fraud-x', version: 9 } });
      const v1 = await store.createVersion(input);
      expect(v1).toEqual({ ...input, version: 1 });
      expect((await store.createVersion(newVersion('fraud', 2))).version).toBe(2);
      expect((await store.createVersion(newVersion('churn', 1))).version).toBe(1);
      expect((await store.createVersion(newVersion('fraud', 3))).version).toBe(3);
      expect(await store.getVersion('fraud', 1)).toEqual({ ...input, version: 1 });
      expect(await store.getVersion('fraud', 4)).toBe(undefined);
      expect(await store.getVersion('nope', 1)).toBe(undefined);
    });

    it('gives concurrent creates distinct, gap-free numbers', async () => {
      const made = await Promise.all(Array.from({ length: 20 }, (_, i) => store.createVersion(newVersion('busy', i + 1))));
      expect(made.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      for (const v of made) expect((await store.getVersion('busy', v.version))?.digest).toBe(v.digest);
    });

    it('lists versions newest first or oldest first, in pages that cover everything once', async () => {
      await seed('m', 7);
      const desc = await store.listVersions('m', { limit: 100, order: 'desc' });
      expect(desc.items.map((v) => v.version)).toEqual([7, 6, 5, 4, 3, 2, 1]);
      expect(desc.nextCursor).toBe(undefined);
      for (const order of ['asc', 'desc'] as const) {
        const seen: number[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listVersions('m', { limit: 3, order, ...(cursor !== undefined && { cursor }) });
          seen.push(...page.items.map((v) => v.version));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined && pages < 10);
        expect(seen).toEqual(order === 'asc' ? [1, 2, 3, 4, 5, 6, 7] : [7, 6, 5, 4, 3, 2, 1]);
      }
      const exact = await store.listVersions('m', { limit: 7, order: 'asc' });
      expect([exact.items.length, exact.nextCursor]).toEqual([7, undefined]);
      expect((await store.listVersions('unknown', { limit: 10, order: 'desc' })).items).toEqual([]);
    });

    it('filters versions by tags and creation time', async () => {
      await seed('m', 6);
      const even = await store.listVersions('m', { limit: 100, order: 'asc', tags: { parity: 'even' } });
      expect(even.items.map((v) => v.version)).toEqual([2, 4, 6]);
      const both = await store.listVersions('m', { limit: 100, order: 'asc', tags: { parity: 'even', n: '4' } });
      expect(both.items.map((v) => v.version)).toEqual([4]);
      expect((await store.listVersions('m', { limit: 100, order: 'asc', tags: { missing: 'x' } })).items).toEqual([]);
      const window = await store.listVersions('m', {
        limit: 100,
        order: 'asc',
        createdFrom: new Date(T0 + 2 * 60_000).toISOString(),
        createdTo: new Date(T0 + 5 * 60_000).toISOString(),
      });
      expect(window.items.map((v) => v.version)).toEqual([2, 3, 4]);
      const paged = await store.listVersions('m', { limit: 1, order: 'desc', tags: { parity: 'odd' } });
      expect(paged.items.map((v) => v.version)).toEqual([5]);
      const next = await store.listVersions('m', { limit: 5, order: 'desc', tags: { parity: 'odd' }, cursor: paged.nextCursor as string });
      expect(next.items.map((v) => v.version)).toEqual([3, 1]);
    });

    it('updates tags and description, and nothing else', async () => {
      const [v1] = await seed('m', 1);
      const updated = await store.updateVersion('m', 1, { tags: { stage: 'qa' } });
      expect(updated).toEqual({ ...v1, tags: { stage: 'qa' } });
      const described = await store.updateVersion('m', 1, { description: 'checked' });
      expect(described).toEqual({ ...v1, tags: { stage: 'qa' }, description: 'checked' });
      expect(await store.getVersion('m', 1)).toEqual(described);
      expect(await rejectionCode(store.updateVersion('m', 2, { tags: {} }))).toBe('REGISTRY_NOT_FOUND');
    });

    it('deletes versions, never reusing their numbers', async () => {
      await seed('m', 3);
      await store.deleteVersion('m', 3);
      expect(await store.getVersion('m', 3)).toBe(undefined);
      expect((await store.listVersions('m', { limit: 10, order: 'asc' })).items.map((v) => v.version)).toEqual([1, 2]);
      expect((await store.createVersion(newVersion('m', 4))).version).toBe(4);
      expect(await rejectionCode(store.deleteVersion('m', 3))).toBe('REGISTRY_NOT_FOUND');
      expect(await rejectionCode(store.deleteVersion('m', 99))).toBe('REGISTRY_NOT_FOUND');
      expect(await rejectionCode(store.deleteVersion('nope', 1))).toBe('REGISTRY_NOT_FOUND');
      expect(await rejectionCode(store.updateVersion('m', 3, { description: 'x' }))).toBe('REGISTRY_NOT_FOUND');
    });

    it('moves aliases atomically with an append-only history', async () => {
      await seed('m', 3);
      const e1 = await store.moveAlias(move('m', 'production', 1, { by: 'alice', reason: 'first' }));
      expect(e1).toEqual({ name: 'm', alias: 'production', from: null, to: 1, action: 'set', by: 'alice', at: (e1 as AliasEvent).at, reason: 'first' });
      expect(await store.moveAlias(move('m', 'production', 1))).toBe(null);
      await store.moveAlias(move('m', 'production', 2));
      await store.moveAlias(move('m', 'staging', 3));
      const aliases = await store.getAliases('m');
      expect(aliases.map((a) => [a.alias, a.version, a.updatedBy])).toEqual([
        ['production', 2, 'suite'],
        ['staging', 3, 'suite'],
      ]);
      await store.moveAlias(move('m', 'production', null, { reason: 'retire' }));
      expect((await store.getAliases('m')).map((a) => a.alias)).toEqual(['staging']);
      const history = await store.aliasHistory('m', 'production');
      expect(history.map((e) => [e.from, e.to, e.action])).toEqual([
        [null, 1, 'set'],
        [1, 2, 'set'],
        [2, null, 'remove'],
      ]);
      expect(history[2].reason).toBe('retire');
      expect((await store.aliasHistory('m')).map((e) => e.alias)).toEqual(['production', 'production', 'staging', 'production']);
      expect(await store.aliasHistory('nope')).toEqual([]);
      expect(await store.getAliases('nope')).toEqual([]);
    });

    it('refuses alias moves to missing or deleted versions, and removal of unset aliases', async () => {
      await seed('m', 2);
      await store.deleteVersion('m', 2);
      expect(await rejectionCode(store.moveAlias(move('m', 'production', 2)))).toBe('REGISTRY_NOT_FOUND');
      expect(await rejectionCode(store.moveAlias(move('m', 'production', 5)))).toBe('REGISTRY_NOT_FOUND');
      expect(await rejectionCode(store.moveAlias(move('nope', 'production', 1)))).toBe('REGISTRY_NOT_FOUND');
      expect(await rejectionCode(store.moveAlias(move('m', 'production', null)))).toBe('REGISTRY_NOT_FOUND');
      expect(await store.aliasHistory('m')).toEqual([]);
    });

    it('applies compare-and-swap on aliases', async () => {
      await seed('m', 3);
      expect(await rejectionCode(store.moveAlias(move('m', 'prod', 1, { expected: 2 })))).toBe('REGISTRY_CONFLICT');
      await store.moveAlias(move('m', 'prod', 1, { expected: null }));
      expect(await rejectionCode(store.moveAlias(move('m', 'prod', 2, { expected: null })))).toBe('REGISTRY_CONFLICT');
      expect(await rejectionCode(store.moveAlias(move('m', 'prod', 2, { expected: 3 })))).toBe('REGISTRY_CONFLICT');
      await store.moveAlias(move('m', 'prod', 2, { expected: 1 }));
      expect((await store.getAliases('m'))[0].version).toBe(2);
      expect((await store.aliasHistory('m')).length).toBe(2);
    });

    it('keeps the history a chain under concurrent moves', async () => {
      await seed('m', 5);
      const targets = Array.from({ length: 24 }, (_, i) => (i * 7) % 5 + 1);
      await Promise.all(targets.map((t, i) => store.moveAlias(move('m', i % 3 === 0 ? 'staging' : 'production', t))));
      const history = await store.aliasHistory('m');
      expect(isChain(history)).toBe(true);
      const aliases = await store.getAliases('m');
      for (const a of aliases) {
        const last = history.filter((e) => e.alias === a.alias).pop();
        expect(last?.to).toBe(a.version);
      }
    });

    it('refuses to delete a version an alias points at', async () => {
      await seed('m', 2);
      await store.moveAlias(move('m', 'production', 1));
      await store.moveAlias(move('m', 'canary', 1));
      const err = await store.deleteVersion('m', 1).then(
        () => undefined,
        (e: { code?: string; details?: { aliases?: string[] } }) => e,
      );
      expect(err?.code).toBe('REGISTRY_ALIAS_IN_USE');
      expect(err?.details?.aliases).toEqual(['canary', 'production']);
      expect((await store.getVersion('m', 1))?.version).toBe(1);
      await store.moveAlias(move('m', 'production', 2));
      await store.moveAlias(move('m', 'canary', null));
      await store.deleteVersion('m', 1);
      expect(await store.getVersion('m', 1)).toBe(undefined);
    });

    it('lists models by name, paged and by prefix, with live counts', async () => {
      await seed('beta', 2);
      await seed('alpha', 3);
      await seed('alpha-2', 1);
      await store.deleteVersion('alpha', 3);
      const all = await store.listModels({ limit: 100 });
      expect(all.items.map((m) => [m.name, m.latestVersion, m.versionCount])).toEqual([
        ['alpha', 2, 2],
        ['alpha-2', 1, 1],
        ['beta', 2, 2],
      ]);
      expect(all.items[0].createdAt).toBe(newVersion('alpha', 1).createdAt);
      const first = await store.listModels({ limit: 2 });
      expect(first.items.map((m) => m.name)).toEqual(['alpha', 'alpha-2']);
      const second = await store.listModels({ limit: 2, cursor: first.nextCursor as string });
      expect([second.items.map((m) => m.name), second.nextCursor]).toEqual([['beta'], undefined]);
      expect((await store.listModels({ limit: 10, prefix: 'alpha' })).items.map((m) => m.name)).toEqual(['alpha', 'alpha-2']);
      await store.deleteVersion('alpha-2', 1);
      const emptied = (await store.listModels({ limit: 10, prefix: 'alpha-' })).items;
      expect(emptied.map((m) => [m.name, m.latestVersion, m.versionCount])).toEqual([['alpha-2', null, 0]]);
    });

    it('reports the digests live versions reference', async () => {
      await seed('a', 2);
      await store.createVersion(newVersion('b', 1));
      await store.createVersion(newVersion('b', 3));
      await store.deleteVersion('a', 2);
      expect([...(await store.referencedDigests())].sort()).toEqual([digestFor(1), digestFor(3)]);
    });

    it('returns copies: changing a returned record changes nothing stored', async () => {
      const [v1] = await seed('m', 1);
      v1.tags.n = 'changed';
      const read = (await store.getVersion('m', 1)) as VersionRecord;
      expect(read.tags.n).toBe('1');
      read.tags.n = 'changed again';
      expect((await store.getVersion('m', 1))?.tags.n).toBe('1');
    });
  });
}
