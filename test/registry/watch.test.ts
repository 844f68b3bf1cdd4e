import { describe, expect, it } from 'vitest';
import { Registry, type AliasChange } from '../../src/registry/index';
import { MemoryStore } from '../../src/storage/memory/index';
import { fakeArtifact, fakeDecoder } from './fake-artifact';

const until = async (cond: () => boolean, ms = 3000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

async function setup() {
  const store = new MemoryStore();
  const registry = new Registry({ store, decode: fakeDecoder });
  for (let i = 1; i <= 3; i++) await registry.register('m', fakeArtifact(`v${i}`));
  return { store, registry };
}

describe('Registry.watch', () => {
  it('calls back when the alias moves, with the new version and the previous one', async () => {
    const { registry } = await setup();
    await registry.setAlias('m', 'production', 1);
    const changes: AliasChange[] = [];
    const w = registry.watch('m', 'production', (c) => void changes.push(c), { intervalMs: 10 });
    await w.ready;
    expect([changes.length, w.current]).toEqual([0, 1]);
    await registry.setAlias('m', 'production', 2);
    await until(() => changes.length === 1);
    expect(changes[0]).toMatchObject({ name: 'm', alias: 'production', previous: 1, version: { version: 2, ref: 'm/2' } });
    await registry.removeAlias('m', 'production');
    await until(() => changes.length === 2);
    expect([changes[1].version, changes[1].previous]).toEqual([null, 2]);
    await w.close();
    await registry.setAlias('m', 'production', 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(changes.length).toBe(2);
  });

  it('reports the initial state with emitInitial and follows latest', async () => {
    const { registry } = await setup();
    const seen: (number | null | undefined)[] = [];
    const w = registry.watch('m', 'latest', (c) => void seen.push(c.version?.version, c.previous), { intervalMs: 10, emitInitial: true });
    await w.ready;
    expect(seen).toEqual([3, undefined]);
    await registry.register('m', fakeArtifact('v4'));
    await until(() => seen.length === 4);
    expect(seen.slice(2)).toEqual([4, 3]);
    await w.close();
  });

  it('retries a failed callback on the next poll and reports errors', async () => {
    const { registry } = await setup();
    const errors: unknown[] = [];
    let calls = 0;
    const w = registry.watch(
      'm',
      'production',
      () => {
        calls++;
        if (calls < 3) throw new Error(`reload failed ${calls}`);
      },
      { intervalMs: 10, onError: (e) => errors.push(e) },
    );
    await w.ready;
    await registry.setAlias('m', 'production', 1);
    await until(() => calls === 3);
    expect(errors.map((e) => (e as Error).message)).toEqual(['reload failed 1', 'reload failed 2']);
    expect(w.current).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(3);
    await w.close();
  });

  it('keeps polling through store errors and stops on abort', async () => {
    const { store, registry } = await setup();
    const original = store.getAliases.bind(store);
    let failures = 0;
    store.getAliases = async (name) => {
      if (failures-- > 0) throw new Error('database restarting');
      return original(name);
    };
    const errors: unknown[] = [];
    const controller = new AbortController();
    const seen: number[] = [];
    const w = registry.watch('m', 'production', (c) => void seen.push(c.version?.version ?? 0), { intervalMs: 10, signal: controller.signal, onError: (e) => errors.push(e) });
    await w.ready;
    failures = 2;
    await registry.setAlias('m', 'production', 2);
    await until(() => seen.length === 1);
    expect(errors.length).toBe(2);
    controller.abort();
    await registry.setAlias('m', 'production', 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([2]);
  });

  it('closed (or aborted) before its first poll, it never queries the store', async () => {
    const { store, registry } = await setup();
    let queries = 0;
    const original = store.getAliases.bind(store);
    store.getAliases = async (name) => {
      queries++;
      return original(name);
    };
    const w = registry.watch('m', 'production', () => undefined, { intervalMs: 10 });
    await w.close();
    await w.ready;
    const aborted = registry.watch('m', 'production', () => undefined, { intervalMs: 10, signal: AbortSignal.abort() });
    await aborted.ready;
    await new Promise((r) => setTimeout(r, 30));
    expect(queries).toBe(0);
  });

  it('validates its arguments', async () => {
    const { registry } = await setup();
    expect(() => registry.watch('m', 'production', () => undefined, { intervalMs: 1 })).toThrow(/intervalMs/);
    expect(() => registry.watch('M', 'production', () => undefined)).toThrow(/Invalid model name/);
    expect(() => registry.watch('m', 'production', undefined as never)).toThrow(/callback/);
  });
});
