// Hot reload: the handler follows its alias, switches atomically, never serves a version
// that fails verification, retries transient failures, and stops when closed.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelArtifact } from '../../src/artifact/index';
import { MlopsError } from '../../src/errors';
import { Registry } from '../../src/registry/index';
import { createPredictHandler, type PredictHandler, type ServeEvent } from '../../src/serve/index';
import { FsStore } from '../../src/storage/fs/index';
import { MemoryStore } from '../../src/storage/memory/index';
import { fraudArtifacts, get, post, requestRows, sleep } from './helpers';

let artifacts: Awaited<ReturnType<typeof fraudArtifacts>>;
const open: PredictHandler[] = [];
const dirs: string[] = [];
beforeAll(async () => {
  artifacts = await fraudArtifacts();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function track(h: PredictHandler): PredictHandler {
  open.push(h);
  return h;
}

describe('hot reload', () => {
  it('switches to the version the alias moves to, and back on rollback', async () => {
    const registry = new Registry({ store: new MemoryStore() });
    await registry.register('fraud', artifacts.logistic);
    await registry.register('fraud', artifacts.gbdt);
    await registry.setAlias('fraud', 'production', 1);
    const events: ServeEvent[] = [];
    const h = track(createPredictHandler({ registry, model: 'fraud', refreshMs: 20, onEvent: (e) => events.push(e) }));
    await h.ready;
    const row = requestRows(1)[0];
    await registry.setAlias('fraud', 'production', 2);
    await until('version 2', () => h.model?.version === 2);
    const res = await h(post(row));
    expect(res.headers.get('x-model-version')).toBe('2');
    expect((await res.json()).prediction).toEqual(artifacts.gbdt.predictOne(row));
    await registry.rollback('fraud', 'production');
    await until('version 1', () => h.model?.version === 1);
    expect(events.filter((e) => e.type === 'model-loaded').map((e) => (e as { model: { version: number } }).model.version)).toEqual([1, 2, 1]);
  });

  it('every response comes wholly from one version while the alias flips under load', async () => {
    const registry = new Registry({ store: new MemoryStore() });
    await registry.register('fraud', artifacts.logistic);
    await registry.register('fraud', artifacts.gbdt);
    await registry.setAlias('fraud', 'production', 1);
    const h = track(createPredictHandler({ registry, model: 'fraud', refreshMs: 10 }));
    await h.ready;
    const rows = requestRows(20);
    const expected: Record<string, unknown> = { '1': (await artifacts.logistic.predict(rows)).toRows(), '2': (await artifacts.gbdt.predict(rows)).toRows() };
    const digests: Record<string, string> = { '1': artifacts.logistic.digest, '2': artifacts.gbdt.digest };
    let stop = false;
    const flipper = (async () => {
      for (let i = 0; i < 12; i++) {
        await registry.setAlias('fraud', 'production', (i % 2) + 1);
        await sleep(25);
      }
      stop = true;
    })();
    const seen = new Set<string>();
    let answered = 0;
    const client = async (): Promise<void> => {
      while (!stop) {
        const res = await h(post({ rows }));
        expect(res.status).toBe(200);
        const version = res.headers.get('x-model-version')!;
        const body = await res.json();
        expect(String(body.model.version)).toBe(version);
        expect(body.model.digest).toBe(digests[version]);
        expect(res.headers.get('x-model-digest')).toBe(digests[version]);
        expect(body.predictions).toEqual(expected[version]);
        seen.add(version);
        answered++;
        await sleep(1);
      }
    };
    await Promise.all([flipper, client(), client(), client()]);
    expect(seen).toEqual(new Set(['1', '2']));
    expect(answered).toBeGreaterThan(20);
  });

  it('a corrupted version is not switched to: it is reported, counted, and the old one keeps serving', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlops-serve-'));
    dirs.push(root);
    const registry = new Registry({ store: new FsStore({ root }) });
    await registry.register('fraud', artifacts.logistic);
    const bad = await registry.register('fraud', artifacts.gbdt);
    await registry.setAlias('fraud', 'production', 1);
    // Flip a byte of v2's stored blob, as disk corruption or an intruder would.
    const path = join(root, 'blobs', 'sha256', bad.digest.slice(0, 2), bad.digest);
    const bytes = await readFile(path);
    bytes[bytes.length >> 1] ^= 0x40;
    await chmod(path, 0o644);
    await writeFile(path, bytes);
    const events: ServeEvent[] = [];
    const h = track(createPredictHandler({ registry, model: 'fraud', refreshMs: 20, onEvent: (e) => events.push(e) }));
    await h.ready;
    await registry.setAlias('fraud', 'production', 2);
    await until('the rejection', () => events.some((e) => e.type === 'model-rejected'));
    const rejected = events.find((e) => e.type === 'model-rejected') as Extract<ServeEvent, { type: 'model-rejected' }>;
    expect(rejected).toMatchObject({ name: 'fraud', version: 2, digest: bad.digest, serving: { version: 1 } });
    expect(rejected.error.code).toBe('SERVE_RELOAD_FAILED');
    expect(rejected.error.message).toMatch(/fraud\/2 was not switched to.*corrupted/);
    await sleep(100); // more polls: the bad version is not retried
    expect(events.filter((e) => e.type === 'model-rejected')).toHaveLength(1);
    expect((await h(get('/ready'))).status).toBe(200);
    const res = await h(post(requestRows(1)[0]));
    expect(res.headers.get('x-model-version')).toBe('1');
    const metrics = await (await h(get('/metrics'))).text();
    expect(metrics).toContain('mlops_model_reloads_total{result="failure"} 1');
    expect(metrics).toContain(`mlops_model_rejected_info{model="fraud",alias="production",version="2",digest="${bad.digest}",type="gbdt"} 1`);
    expect(metrics).toContain('mlops_model_info{model="fraud",alias="production",version="1"');
    // A good version afterwards is picked up.
    const good = await registry.register('fraud', await ModelArtifact.create(await trainAnother(), { name: 'fraud-3' }));
    await registry.setAlias('fraud', 'production', good.version);
    await until('version 3', () => h.model?.version === good.version);
    await registry.close();
  });

  it('the verify hook and a failing warm-up prediction refuse a version', async () => {
    const registry = new Registry({ store: new MemoryStore() });
    await registry.register('fraud', artifacts.logistic);
    await registry.register('fraud', artifacts.gbdt);
    await registry.setAlias('fraud', 'production', 1);
    const events: ServeEvent[] = [];
    const h = track(
      createPredictHandler({
        registry,
        model: 'fraud',
        refreshMs: 20,
        onEvent: (e) => events.push(e),
        verify: (artifact, candidate) => {
          expect(candidate.digest).toBe(artifact.digest);
          if (artifact.type !== 'logistic') throw new Error('only logistic models are approved here');
        },
      }),
    );
    await h.ready;
    await registry.setAlias('fraud', 'production', 2);
    await until('the rejection', () => events.some((e) => e.type === 'model-rejected'));
    expect((events.find((e) => e.type === 'model-rejected') as { error: Error }).error.message).toMatch(/verify hook refused it \(only logistic/);
    expect(h.model?.version).toBe(1);
  });

  it('a transient load failure is reported and retried on the next poll', async () => {
    const registry = new Registry({ store: new MemoryStore() });
    await registry.register('fraud', artifacts.logistic);
    await registry.setAlias('fraud', 'production', 1);
    let failures = 2;
    const flaky = {
      watch: registry.watch.bind(registry),
      load: async (ref: string) => {
        if (failures-- > 0) throw new MlopsError('STORE_UNAVAILABLE', 'The blob store timed out.');
        return registry.load(ref);
      },
    };
    const events: ServeEvent[] = [];
    const h = track(createPredictHandler({ registry: flaky, model: 'fraud', refreshMs: 20, onEvent: (e) => events.push(e) }));
    expect((await h.ready).version).toBe(1);
    expect(events.filter((e) => e.type === 'load-error')).toHaveLength(2);
  });

  it('a request in flight during a switch finishes on its version, which is closed only afterwards', async () => {
    const closed: string[] = [];
    const registry = new Registry({
      store: new MemoryStore(),
      decode: async (bytes, { expectedDigest }) => {
        const a = await ModelArtifact.fromBytes(bytes, { expectedDigest });
        a.close = async () => void closed.push(a.digest);
        return a;
      },
    });
    await registry.register('fraud', artifacts.logistic);
    await registry.register('fraud', artifacts.gbdt);
    await registry.setAlias('fraud', 'production', 1);
    const h = track(createPredictHandler({ registry, model: 'fraud', refreshMs: 10 }));
    await h.ready;
    // A client that sends its body slowly: the request starts on version 1.
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        finish = () => {
          controller.enqueue(new TextEncoder().encode(JSON.stringify(requestRows(1)[0])));
          controller.close();
        };
      },
    });
    const pending = h(new Request('http://test/predict', { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit));
    await sleep(5);
    await registry.setAlias('fraud', 'production', 2);
    await until('version 2', () => h.model?.version === 2);
    expect(closed).toEqual([]); // version 1 is still in use
    finish();
    const res = await pending;
    expect(res.headers.get('x-model-version')).toBe('1');
    await until('version 1 closed', () => closed.length === 1);
    expect(closed).toEqual([artifacts.logistic.digest]);
  });

  it('close stops polling; /ready and /predict then answer 503', async () => {
    let polls = 0;
    class CountingStore extends MemoryStore {
      override async getAliases(name: string) {
        polls++;
        return super.getAliases(name);
      }
    }
    const registry = new Registry({ store: new CountingStore() });
    await registry.register('fraud', artifacts.logistic);
    await registry.setAlias('fraud', 'production', 1);
    const h = createPredictHandler({ registry, model: 'fraud', refreshMs: 10 });
    await h.ready;
    await sleep(50);
    expect(polls).toBeGreaterThan(2);
    await h.close();
    const after = polls;
    await sleep(80);
    expect(polls).toBe(after);
    const ready = await h(get('/ready'));
    expect(ready.status).toBe(503);
    expect((await ready.json()).reason).toBe('shutting down');
    expect((await h(post(requestRows(1)[0]))).status).toBe(503);
    expect((await h(get('/health'))).status).toBe(200);
  });

  it('ready rejects when the handler closes before any model loads', async () => {
    const registry = new Registry({ store: new MemoryStore() });
    const h = createPredictHandler({ registry, model: 'fraud', refreshMs: 10, onEvent: () => undefined });
    await h.close();
    await expect(h.ready).rejects.toMatchObject({ code: 'SERVE_NOT_READY' });
  });
});

/** A third, distinct model (a shallower gbdt). */
async function trainAnother() {
  const { Trainer } = await import('../../src/trainer/trainer');
  const { TRANSACTION_FEATURES, TRANSACTION_TARGET } = await import('../../src/demo/index');
  return new Trainer({ model: { type: 'gbdt', numTrees: 5, maxDepth: 2, threads: 1 }, target: TRANSACTION_TARGET, features: [...TRANSACTION_FEATURES] }).fit(artifacts.data);
}
