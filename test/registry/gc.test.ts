import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Registry, type BlobInfo, type MetadataStore } from '../../src/registry/index';
import { FsStore } from '../../src/storage/fs/index';
import { MemoryStore } from '../../src/storage/memory/index';
import { fakeArtifact, fakeDecoder } from './fake-artifact';

const HOUR = 3_600_000;

function setup() {
  let t = Date.UTC(2024, 0, 1);
  const now = () => t;
  const store = new MemoryStore({ now });
  const registry = new Registry({ store, decode: fakeDecoder, now });
  return { store, registry, advance: (ms: number) => (t += ms) };
}

async function blobDigests(store: { list(): AsyncIterable<BlobInfo> }): Promise<string[]> {
  const out: string[] = [];
  for await (const b of store.list()) out.push(b.digest);
  return out.sort();
}

describe('Registry.gc', () => {
  it('deletes unreferenced blobs older than the grace period and nothing else', async () => {
    const { store, registry, advance } = setup();
    const a = await registry.register('m', fakeArtifact('a', 1000));
    const b = await registry.register('m', fakeArtifact('b', 2000));
    const shared = await registry.register('m', fakeArtifact('s', 10));
    await registry.register('n', fakeArtifact('s', 10));
    for (const v of [a, shared]) await registry.deleteVersion('m', v.version);
    // Too young: spared.
    expect(await registry.gc()).toEqual({ scanned: 3, referenced: 2, spared: 1, deleted: [], freedBytes: 0 });
    advance(2 * HOUR);
    const dry = await registry.gc({ dryRun: true });
    expect([dry.deleted, dry.freedBytes]).toEqual([[a.digest], a.size]);
    expect(await store.has(a.digest)).toBe(true);
    const report = await registry.gc();
    expect(report).toEqual({ scanned: 3, referenced: 2, spared: 0, deleted: [a.digest], freedBytes: a.size });
    expect(await blobDigests(store)).toEqual([b.digest, shared.digest].sort());
    expect((await registry.load('m/2')).digest).toBe(b.digest);
    expect((await registry.load('n/1')).digest).toBe(shared.digest);
    await expect(registry.gc({ graceMs: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('spares a blob that a register re-puts while the sweep runs', async () => {
    const { store, registry, advance } = setup();
    const art = fakeArtifact('again', 500);
    const v = await registry.register('m', art);
    await registry.deleteVersion('m', v.version);
    advance(2 * HOUR);
    // Another process registers the same bytes between the sweep's listing and its delete:
    // the blob is refreshed (put) after the listing, the version lands after the digests were read.
    let raced: Promise<unknown> | undefined;
    const metadata = new Proxy(store, {
      get(target, key) {
        if (key === 'referencedDigests') {
          return async () => {
            const refs = await target.referencedDigests();
            await target.put(art.digest, art.toBytes());
            raced = registry.register('m', art);
            return refs;
          };
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as MetadataStore;
    const sweeping = new Registry({ metadata, blobs: store, decode: fakeDecoder, now: () => Date.UTC(2024, 0, 1) + 2 * HOUR });
    const report = await sweeping.gc();
    await raced;
    expect([report.deleted, report.spared]).toEqual([[], 1]);
    expect((await registry.load('m@latest')).digest).toBe(art.digest);
  });

  it('never deletes a blob a live version needs while registers, deletes and sweeps run at once (fs)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlops-gc-'));
    try {
      const registry = new Registry({ store: new FsStore({ root }), decode: fakeDecoder });
      const deadline = Date.now() + 1500;
      let freed = 0;
      const writer = async (id: number) => {
        for (let i = 0; Date.now() < deadline; i++) {
          // Kept versions have their own payloads; deleted ones reuse a pool, so their blobs
          // age past the grace period and are then registered again while sweeps run.
          const keep = i % 2 === 1;
          const v = await registry.register('m', fakeArtifact(keep ? `k${id}-${i}` : `pool${(i * 7 + id) % 30}`, 4096));
          if (!keep) await registry.deleteVersion('m', v.version);
        }
      };
      const sweeper = async () => {
        while (Date.now() < deadline) {
          freed += (await registry.gc({ graceMs: 150 })).deleted.length;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await Promise.all([writer(0), writer(1), sweeper()]);
      let cursor: string | undefined;
      let checked = 0;
      do {
        const page = await registry.listVersions('m', { limit: 200, ...(cursor !== undefined && { cursor }) });
        for (const v of page.items) {
          expect((await registry.load(v.ref)).digest).toBe(v.digest);
          checked++;
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(checked).toBeGreaterThan(0);
      // Once nothing is registering, everything unreferenced and old goes.
      await new Promise((r) => setTimeout(r, 200));
      freed += (await registry.gc({ graceMs: 150 })).deleted.length;
      const refs = await registry.metadata.referencedDigests();
      expect((await blobDigests(registry.blobs)).every((d) => refs.has(d))).toBe(true);
      expect(freed).toBeGreaterThan(0);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
