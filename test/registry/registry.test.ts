import { describe, expect, it } from 'vitest';
import { ModelArtifact } from '../../src/artifact/index';
import { isMlopsError } from '../../src/errors';
import { Evaluator } from '../../src/evaluator/index';
import { Registry, type MetadataStore } from '../../src/registry/index';
import { MemoryStore } from '../../src/storage/memory/index';
import { realArtifact, smallModel } from './artifacts';
import { fakeArtifact, fakeDecoder } from './fake-artifact';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
    return undefined;
  } catch (err) {
    return isMlopsError(err) ? err.code : 'NOT_MLOPS_ERROR';
  }
}

function clock(start = Date.UTC(2024, 5, 1)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('Registry with real artifacts', () => {
  it('registers, resolves and loads verified ModelArtifacts by version, alias and latest', async () => {
    const registry = new Registry({ store: new MemoryStore(), actor: 'ci:train' });
    const a = await realArtifact('a');
    const b = await realArtifact('b');
    const v1 = await registry.register('fraud', a, { tags: { dataset: '2024-06' }, description: 'first' });
    const v2 = await registry.register('fraud', b);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1).toMatchObject({ name: 'fraud', digest: a.digest, size: a.toBytes().length, createdBy: 'ci:train', description: 'first', tags: { dataset: '2024-06' }, ref: 'fraud/1', aliases: [] });
    expect(v1.artifact).toMatchObject({ modelType: 'logistic', task: 'binary', createdAt: '2024-06-01T00:00:00.000Z' });
    expect(v1.artifact.dataFingerprint).toBe(a.manifest.trainingData?.fingerprint);
    expect(v1.artifact.runId).toBe(a.manifest.runRecord?.runId);

    await registry.setAlias('fraud', 'production', 1);
    const byAlias = await registry.load('fraud@production');
    const byVersion = await registry.load('fraud/2');
    const latest = await registry.load('fraud@latest');
    expect(byAlias).toBeInstanceOf(ModelArtifact);
    expect([byAlias.digest, byVersion.digest, latest.digest]).toEqual([a.digest, b.digest, b.digest]);
    const { data } = await smallModel();
    const rows = data.slice(0, 20).toRows();
    expect(Array.from((await byAlias.predict(rows)).raw)).toEqual(Array.from((await a.predict(rows)).raw));
    expect((await registry.resolve('fraud@production')).aliases).toEqual(['production']);
  });

  it('stores identical bytes once but gives each registration its own version', async () => {
    const store = new MemoryStore();
    const registry = new Registry({ store });
    const a = await realArtifact('same');
    const v1 = await registry.register('fraud', a);
    const v2 = await registry.register('fraud', await realArtifact('same'));
    expect([v1.version, v2.version, v1.digest === v2.digest]).toEqual([1, 2, true]);
    const blobs = [];
    for await (const b of store.list()) blobs.push(b);
    expect(blobs.map((b) => b.digest)).toEqual([a.digest]);
  });

  it('refuses to serve a tampered or missing blob (REGISTRY_INTEGRITY)', async () => {
    const store = new MemoryStore();
    const registry = new Registry({ store });
    const v = await registry.register('fraud', await realArtifact('t'));
    const raw = store.blobs.unsafeRawBytes(v.digest) as Uint8Array;
    raw[raw.length >> 1] ^= 0x01;
    const err = await registry.load('fraud/1').catch((e: unknown) => e);
    expect(isMlopsError(err, 'REGISTRY_INTEGRITY')).toBe(true);
    expect((err as { details: { reason: string } }).details.reason).toBe('mismatch');
    expect(await codeOf(registry.loadBytes('fraud/1'))).toBe('REGISTRY_INTEGRITY');
    await store.delete(v.digest);
    const missing = await registry.load('fraud/1').catch((e: unknown) => e);
    expect((missing as { code: string; details: { reason: string } }).details).toMatchObject({ reason: 'missing' });
  });

  it('refuses an artifact whose digest does not match its bytes', async () => {
    const registry = new Registry({ store: new MemoryStore() });
    const a = await realArtifact('x');
    const liar = { digest: '0'.repeat(64), manifest: a.manifest, toBytes: () => a.toBytes() };
    expect(await codeOf(registry.register('fraud', liar))).toBe('ARTIFACT_INTEGRITY');
    expect(await codeOf(registry.register('fraud', null as never))).toBe('INVALID_ARGUMENT');
    expect((await registry.listModels()).items).toEqual([]);
  });

  it('copies a version between registries, keeping digest, lineage and evaluation', async () => {
    const staging = new Registry({ store: new MemoryStore(), label: 'staging' });
    const production = new Registry({ store: new MemoryStore(), actor: 'deployer' });
    const evaluation = { task: 'binary', metrics: { rocAuc: 0.91, accuracy: 0.88 } };
    await staging.register('fraud', await realArtifact('old'));
    const src = await staging.register('fraud', await realArtifact('cand', { evaluation }), { tags: { team: 'risk' }, description: 'candidate' });
    await staging.setAlias('fraud', 'candidate', src.version);
    const copied = await staging.copyVersion('fraud@candidate', production);
    expect(copied).toMatchObject({ name: 'fraud', version: 1, digest: src.digest, tags: { team: 'risk' }, description: 'candidate', createdBy: 'deployer' });
    expect(copied.source).toEqual({ registry: 'staging', name: 'fraud', version: 2 });
    expect(copied.artifact).toEqual(src.artifact);
    const loaded = await production.load('fraud/1');
    expect(loaded.digest).toBe(src.digest);
    expect(loaded.manifest.evaluation).toEqual(evaluation);
    expect(loaded.manifest.trainingData?.fingerprint).toBe(src.artifact.dataFingerprint);
    // Copying again returns the existing copy; a new name makes a new one.
    expect((await staging.copyVersion('fraud/2', production)).version).toBe(1);
    const renamed = await staging.copyVersion('fraud/2', production, { name: 'fraud-eu', tags: {} });
    expect([renamed.name, renamed.version, renamed.tags]).toEqual(['fraud-eu', 1, {}]);
    expect(await codeOf(staging.copyVersion('fraud/2', {} as never))).toBe('INVALID_ARGUMENT');
  });
});

describe('Registry aliases', () => {
  async function withVersions(n: number, options: { actor?: string; now?: () => number } = {}) {
    const store = new MemoryStore();
    const registry = new Registry({ store, decode: fakeDecoder, ...options });
    for (let i = 1; i <= n; i++) await registry.register('m', fakeArtifact(`v${i}`));
    return { store, registry };
  }

  it('records who, when, from, to and why for every move', async () => {
    const c = clock();
    const { registry } = await withVersions(3, { actor: 'svc', now: c.now });
    const e1 = await registry.setAlias('m', 'production', 1, { reason: 'launch' });
    c.advance(1000);
    const e2 = await registry.setAlias('m', 'production', 2, { by: 'alice', reason: 'CHG-1' });
    expect(e1).toEqual({ name: 'm', alias: 'production', from: null, to: 1, action: 'set', by: 'svc', at: '2024-06-01T00:00:00.000Z', reason: 'launch' });
    expect(e2).toMatchObject({ from: 1, to: 2, by: 'alice', at: '2024-06-01T00:00:01.000Z', reason: 'CHG-1' });
    expect(await registry.setAlias('m', 'production', 2)).toBe(null);
    expect(await registry.aliasHistory('m', 'production')).toEqual([e1, e2]);
    expect((await registry.getAliases('m')).map((a) => [a.alias, a.version, a.updatedBy])).toEqual([['production', 2, 'alice']]);
    expect((await registry.getVersion('m', 2)).aliases).toEqual(['production']);
  });

  it('rolls back like an undo: each rollback goes one move further back', async () => {
    const { registry } = await withVersions(3);
    for (const v of [1, 2, 3]) await registry.setAlias('m', 'production', v);
    const r1 = await registry.rollback('m', 'production', { by: 'oncall', reason: 'errors up' });
    expect(r1).toMatchObject({ from: 3, to: 2, action: 'rollback', by: 'oncall', reason: 'errors up' });
    expect((await registry.rollback('m', 'production')).to).toBe(1);
    expect((await registry.resolve('m@production')).version).toBe(1);
    // Before version 1 the alias was unset: a rollback will not remove a serving alias.
    expect(await codeOf(registry.rollback('m', 'production'))).toBe('REGISTRY_NOT_FOUND');
    // A new move after rollbacks is undone first.
    await registry.setAlias('m', 'production', 3);
    expect((await registry.rollback('m', 'production')).to).toBe(1);
    const history = await registry.aliasHistory('m', 'production');
    expect(history.map((e) => [e.action, e.from, e.to])).toEqual([
      ['set', null, 1],
      ['set', 1, 2],
      ['set', 2, 3],
      ['rollback', 3, 2],
      ['rollback', 2, 1],
      ['set', 1, 3],
      ['rollback', 3, 1],
    ]);
    expect(await codeOf(registry.rollback('m', 'never-set'))).toBe('REGISTRY_NOT_FOUND');
  });

  it('restores a removed alias on rollback and refuses to roll back onto a deleted version', async () => {
    const { registry } = await withVersions(3);
    await registry.setAlias('m', 'production', 1);
    await registry.removeAlias('m', 'production', { reason: 'incident' });
    expect(await codeOf(registry.resolve('m@production'))).toBe('REGISTRY_NOT_FOUND');
    expect((await registry.rollback('m', 'production')).to).toBe(1);
    await registry.setAlias('m', 'staging', 2);
    await registry.setAlias('m', 'staging', 3);
    await registry.deleteVersion('m', 2);
    expect(await codeOf(registry.rollback('m', 'staging'))).toBe('REGISTRY_NOT_FOUND');
    expect((await registry.resolve('m@staging')).version).toBe(3);
  });

  it('refuses a rollback when the alias moved concurrently (REGISTRY_CONFLICT)', async () => {
    const store = new MemoryStore();
    const registry = new Registry({ store, decode: fakeDecoder });
    for (let i = 1; i <= 3; i++) await registry.register('m', fakeArtifact(`v${i}`));
    await registry.setAlias('m', 'production', 1);
    await registry.setAlias('m', 'production', 2);
    // A metadata store that lets another writer move the alias between the history read and the move.
    const racing = new Proxy(store, {
      get(target, key) {
        if (key === 'aliasHistory') {
          return async (name: string, alias?: string) => {
            const h = await target.aliasHistory(name, alias);
            await registry.setAlias('m', 'production', 3, { by: 'other' });
            return h;
          };
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as MetadataStore;
    const raced = new Registry({ metadata: racing, blobs: store });
    expect(await codeOf(raced.rollback('m', 'production'))).toBe('REGISTRY_CONFLICT');
    expect((await registry.resolve('m@production')).version).toBe(3);
  });

  it('supports compare-and-swap moves with ifCurrent', async () => {
    const { registry } = await withVersions(3);
    await registry.setAlias('m', 'production', 1, { ifCurrent: null });
    expect(await codeOf(registry.setAlias('m', 'production', 2, { ifCurrent: null }))).toBe('REGISTRY_CONFLICT');
    expect(await codeOf(registry.setAlias('m', 'production', 2, { ifCurrent: 3 }))).toBe('REGISTRY_CONFLICT');
    await registry.setAlias('m', 'production', 2, { ifCurrent: 1 });
    expect(await codeOf(registry.removeAlias('m', 'production', { ifCurrent: 1 }))).toBe('REGISTRY_CONFLICT');
    await registry.removeAlias('m', 'production', { ifCurrent: 2 });
    expect(await codeOf(registry.removeAlias('m', 'production'))).toBe('REGISTRY_NOT_FOUND');
  });

  it('computes latest, which cannot be set', async () => {
    const { registry } = await withVersions(3);
    expect((await registry.resolve('m@latest')).version).toBe(3);
    expect(await codeOf(registry.setAlias('m', 'latest', 1))).toBe('REGISTRY_INVALID_NAME');
    expect(await codeOf(registry.removeAlias('m', 'latest'))).toBe('REGISTRY_INVALID_NAME');
    await registry.deleteVersion('m', 3);
    expect((await registry.resolve('m@latest')).version).toBe(2);
    expect((await registry.register('m', fakeArtifact('v4'))).version).toBe(4);
    expect(await codeOf(registry.resolve('empty@latest'))).toBe('REGISTRY_NOT_FOUND');
  });

  it('refuses to delete a version an alias points at, and forgets deleted versions', async () => {
    const { registry } = await withVersions(2);
    await registry.setAlias('m', 'production', 1);
    const err = await registry.deleteVersion('m', 1).catch((e: unknown) => e);
    expect(isMlopsError(err, 'REGISTRY_ALIAS_IN_USE')).toBe(true);
    expect((err as Error).message).toMatch(/"production"/);
    await registry.setAlias('m', 'production', 2);
    await registry.deleteVersion('m', 1);
    expect(await codeOf(registry.load('m/1'))).toBe('REGISTRY_NOT_FOUND');
    expect(await codeOf(registry.getVersion('m', 1))).toBe('REGISTRY_NOT_FOUND');
    expect(await codeOf(registry.setAlias('m', 'canary', 1))).toBe('REGISTRY_NOT_FOUND');
    expect(await codeOf(registry.deleteVersion('m', 1))).toBe('REGISTRY_NOT_FOUND');
  });

  it('gates promotion on the stored evaluation (requireGate)', async () => {
    const { model, data } = await smallModel();
    const report = await new Evaluator().evaluate(model, data);
    const auc = report.metrics.rocAuc as number;
    const registry = new Registry({ store: new MemoryStore() });
    await registry.register('m', await realArtifact('evaluated', { evaluation: report }));
    await registry.register('m', await realArtifact('unevaluated'));
    expect((await registry.setAlias('m', 'production', 1, { requireGate: { min: { rocAuc: auc - 0.01 } } }))?.to).toBe(1);
    const refused = await registry.setAlias('m', 'staging', 1, { requireGate: { min: { rocAuc: auc + 0.01 } } }).catch((e: unknown) => e);
    expect(isMlopsError(refused, 'REGISTRY_GATE_FAILED')).toBe(true);
    expect((refused as Error).message).toMatch(/rocAuc is .*below the minimum/);
    expect((refused as { details: { reasons: string[] } }).details.reasons.length).toBe(1);
    expect(await codeOf(registry.setAlias('m', 'staging', 2, { requireGate: { min: { rocAuc: 0.5 } } }))).toBe('REGISTRY_GATE_FAILED');
    expect(await codeOf(registry.setAlias('m', 'staging', 1, { requireGate: { min: { noSuchMetric: 1 } } }))).toBe('GATE_INVALID');
    expect((await registry.aliasHistory('m')).length).toBe(1);
    expect((await registry.resolve('m@production')).version).toBe(1);
  });

  it('refuses the gate when the stored evaluation is not a report', async () => {
    const registry = new Registry({ store: new MemoryStore(), decode: fakeDecoder });
    await registry.register('m', fakeArtifact('not-a-report', 64, { evaluation: { metrics: { rocAuc: 1 } } }));
    const err = await registry.setAlias('m', 'production', 1, { requireGate: { min: { rocAuc: 0.5 } } }).catch((e: unknown) => e);
    expect(isMlopsError(err, 'REGISTRY_GATE_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/not a readable EvaluationReport/);
  });
});

describe('Registry listing', () => {
  it('lists versions newest first, paged, filtered by tags, alias and creation time', async () => {
    const c = clock();
    const registry = new Registry({ store: new MemoryStore(), decode: fakeDecoder, now: c.now });
    for (let i = 1; i <= 9; i++) {
      await registry.register('m', fakeArtifact(`v${i}`), { tags: { team: i % 3 === 0 ? 'risk' : 'growth' } });
      c.advance(3_600_000);
    }
    await registry.setAlias('m', 'production', 6);
    const first = await registry.listVersions('m', { limit: 4 });
    expect(first.items.map((v) => v.version)).toEqual([9, 8, 7, 6]);
    expect(first.items[3].aliases).toEqual(['production']);
    const second = await registry.listVersions('m', { limit: 4, cursor: first.nextCursor });
    expect(second.items.map((v) => v.version)).toEqual([5, 4, 3, 2]);
    const asc = await registry.listVersions('m', { order: 'asc', tags: { team: 'risk' } });
    expect(asc.items.map((v) => v.version)).toEqual([3, 6, 9]);
    expect((await registry.listVersions('m', { alias: 'production' })).items.map((v) => v.version)).toEqual([6]);
    expect((await registry.listVersions('m', { alias: 'production', tags: { team: 'growth' } })).items).toEqual([]);
    expect((await registry.listVersions('m', { alias: 'latest' })).items.map((v) => v.version)).toEqual([9]);
    expect((await registry.listVersions('m', { alias: 'unset' })).items).toEqual([]);
    const window = await registry.listVersions('m', { order: 'asc', createdFrom: new Date(Date.UTC(2024, 5, 1, 2)), createdTo: Date.UTC(2024, 5, 1, 5) });
    expect(window.items.map((v) => v.version)).toEqual([3, 4, 5]);
    expect(await codeOf(registry.listVersions('m', { limit: 0 }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(registry.listVersions('m', { createdFrom: 'yesterday' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(registry.listVersions('m', { order: 'up' as never }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(registry.listVersions('m', { cursor: "1 OR 1=1" }))).toBe('INVALID_ARGUMENT');
  });

  it('lists models and updates tags without touching bytes', async () => {
    const registry = new Registry({ store: new MemoryStore(), decode: fakeDecoder });
    await registry.register('churn', fakeArtifact('c'));
    await registry.register('fraud', fakeArtifact('f1'));
    await registry.register('fraud', fakeArtifact('f2'));
    expect((await registry.listModels()).items.map((m) => [m.name, m.latestVersion, m.versionCount])).toEqual([
      ['churn', 1, 1],
      ['fraud', 2, 2],
    ]);
    expect((await registry.listModels({ prefix: 'fr' })).items.map((m) => m.name)).toEqual(['fraud']);
    const before = await registry.getVersion('fraud', 1);
    const after = await registry.updateVersion('fraud', 1, { tags: { validated: 'true' }, description: 'checked' });
    expect(after).toEqual({ ...before, tags: { validated: 'true' }, description: 'checked' });
    expect(await codeOf(registry.updateVersion('fraud', 1, { tags: { n: 1 as never } }))).toBe('INVALID_ARGUMENT');
  });
});

describe('Registry validation', () => {
  const registry = new Registry({ store: new MemoryStore(), decode: fakeDecoder });

  it('rejects unsafe model names and aliases with REGISTRY_INVALID_NAME', async () => {
    for (const bad of ['../etc', 'a/b', 'a\\b', 'Fraud', '', '-x', 'x-', 'a..b', 'a b', 'x'.repeat(129), 'é']) {
      expect(await codeOf(registry.register(bad, fakeArtifact('x')))).toBe('REGISTRY_INVALID_NAME');
    }
    await registry.register('m', fakeArtifact('x'));
    for (const bad of ['../prod', 'PROD', '123', 'a/b', 'x'.repeat(65)]) {
      expect(await codeOf(registry.setAlias('m', bad, 1))).toBe('REGISTRY_INVALID_NAME');
    }
    for (const ref of ['m', 'm@', 'm/', 'm/0', 'm/01', 'm/-1', 'm/1.5', '../m/1', 'm@../x']) {
      expect(await codeOf(registry.resolve(ref))).toBe('REGISTRY_INVALID_NAME');
    }
    expect(await codeOf(registry.setAlias('m', 'prod', 0))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(registry.register('m', fakeArtifact('y'), { tags: { 'bad key!': 'x' } }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(registry.register('m', fakeArtifact('y'), { by: '' }))).toBe('INVALID_ARGUMENT');
  });

  it('needs storage', () => {
    expect(() => new Registry({} as never)).toThrow(/needs storage/);
  });

  it('closes its stores and watchers', async () => {
    let closed = 0;
    const store = Object.assign(new MemoryStore(), { close: async () => void closed++ });
    const r = new Registry({ store, decode: fakeDecoder });
    const w = r.watch('m', 'production', () => undefined, { intervalMs: 10 });
    await w.ready;
    await r[Symbol.asyncDispose]();
    expect(closed).toBe(1);
  });
});
