/**
 * The conformance suite of the `BlobStore` contract.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { BlobInfo, BlobStore } from '../storage/contracts';
import { rejectionCode, type TestRunner } from './runner';

/** Options of {@link testBlobStore}. */
export interface BlobStoreSuiteOptions {
  /** Suite name (default `"BlobStore"`). */
  name?: string;
  /** Creates a fresh, empty store for each test. */
  create: () => BlobStore | Promise<BlobStore>;
  /** Called after each test (after `close()`), e.g. to remove a directory or bucket. */
  destroy?: (store: BlobStore) => void | Promise<void>;
  /**
   * Granularity of `storedAt` in milliseconds (default 1). S3 reports whole seconds:
   * pass 1000 so the suite waits long enough to observe a refresh.
   */
  timestampResolutionMs?: number;
}

function bytesOf(text: string, size = 0): Uint8Array {
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(Math.max(size, head.length));
  out.set(head);
  for (let i = head.length; i < out.length; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listAll(store: BlobStore): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  for await (const b of store.list()) out.push(b);
  return out.sort((a, b) => (a.digest < b.digest ? -1 : 1));
}

/**
 * Registers the `BlobStore` conformance tests with your test runner. Every built-in
 * blob store passes them; run them against yours.
 *
 * @example
 * ```ts
 * import { describe, it, expect, beforeEach, afterEach } from 'vitest';
 * import { testBlobStore } from 'mlops-kit/testing';
 * testBlobStore({ describe, it, expect, beforeEach, afterEach }, { create: () => new MyBlobStore() });
 * ```
 */
export function testBlobStore(runner: TestRunner, options: BlobStoreSuiteOptions): void {
  const { describe, it, expect, beforeEach, afterEach } = runner;
  const resolution = options.timestampResolutionMs ?? 1;
  describe(options.name ?? 'BlobStore', () => {
    let store: BlobStore;
    beforeEach(async () => {
      store = await options.create();
    });
    afterEach(async () => {
      await store.close?.();
      await options.destroy?.(store);
    });

    it('round-trips bytes and reports presence', async () => {
      const bytes = bytesOf('hello', 1000);
      const d = digestOf(bytes);
      expect(await store.has(d)).toBe(false);
      expect(await store.get(d)).toBe(undefined);
      await store.put(d, bytes);
      expect(await store.has(d)).toBe(true);
      expect(Array.from((await store.get(d)) ?? [])).toEqual(Array.from(bytes));
    });

    it('keeps a private copy of what it stores', async () => {
      const bytes = bytesOf('private', 64);
      const d = digestOf(bytes);
      await store.put(d, bytes);
      bytes[0] ^= 0xff;
      const back = (await store.get(d)) as Uint8Array;
      expect(digestOf(back)).toBe(d);
      back[1] ^= 0xff;
      expect(digestOf((await store.get(d)) as Uint8Array)).toBe(d);
    });

    it('round-trips an empty blob and a multi-megabyte blob', async () => {
      const empty = new Uint8Array(0);
      const big = bytesOf('big', 3 * 1024 * 1024 + 17);
      await store.put(digestOf(empty), empty);
      await store.put(digestOf(big), big);
      expect((await store.get(digestOf(empty)))?.length).toBe(0);
      expect(digestOf((await store.get(digestOf(big))) as Uint8Array)).toBe(digestOf(big));
    });

    it('stores one copy per digest, however often and concurrently it is put', async () => {
      const bytes = bytesOf('once', 5000);
      const d = digestOf(bytes);
      await Promise.all(Array.from({ length: 8 }, () => store.put(d, bytes)));
      await store.put(d, bytes);
      const listed = await listAll(store);
      expect(listed.map((b) => [b.digest, b.size])).toEqual([[d, bytes.length]]);
      expect(digestOf((await store.get(d)) as Uint8Array)).toBe(d);
    });

    it('lists every blob with its size and store time', async () => {
      const before = Date.now() - resolution - 1000;
      const blobs = [bytesOf('a', 10), bytesOf('b', 20), bytesOf('c', 30)];
      for (const b of blobs) await store.put(digestOf(b), b);
      const listed = await listAll(store);
      const expected = blobs.map((b) => [digestOf(b), b.length]).sort((x, y) => (x[0] < y[0] ? -1 : 1));
      expect(listed.map((b) => [b.digest, b.size])).toEqual(expected);
      for (const b of listed) {
        expect(typeof b.storedAt === 'number' && b.storedAt >= before && b.storedAt <= Date.now() + 1000).toBe(true);
      }
    });

    it('deletes, and reports whether something was deleted', async () => {
      const bytes = bytesOf('gone', 100);
      const d = digestOf(bytes);
      await store.put(d, bytes);
      expect(await store.delete(d)).toBe(true);
      expect(await store.has(d)).toBe(false);
      expect(await store.get(d)).toBe(undefined);
      expect(await store.delete(d)).toBe(false);
      expect((await listAll(store)).length).toBe(0);
    });

    it('deletes with storedBefore only blobs not put since', async () => {
      const old = bytesOf('old', 10);
      const fresh = bytesOf('fresh', 10);
      await store.put(digestOf(old), old);
      await store.put(digestOf(fresh), fresh);
      await sleep(resolution + 20);
      const cutoff = Date.now();
      await sleep(resolution + 20);
      await store.put(digestOf(fresh), fresh); // a refresh: like re-registering the same bytes
      expect(await store.delete(digestOf(fresh), { storedBefore: cutoff })).toBe(false);
      expect(await store.has(digestOf(fresh))).toBe(true);
      expect(await store.delete(digestOf(old), { storedBefore: cutoff })).toBe(true);
      expect(await store.has(digestOf(old))).toBe(false);
      expect(await store.delete(digestOf(old), { storedBefore: cutoff })).toBe(false);
    });

    it('refreshes storedAt when an existing digest is put again', async () => {
      const bytes = bytesOf('touch', 10);
      const d = digestOf(bytes);
      await store.put(d, bytes);
      const first = (await listAll(store))[0].storedAt;
      await sleep(resolution + 20);
      await store.put(d, bytes);
      const second = (await listAll(store))[0].storedAt;
      expect(second > first).toBe(true);
    });

    it('rejects keys that are not SHA-256 digests', async () => {
      const bytes = bytesOf('x', 1);
      for (const bad of ['../etc/passwd', 'ABC', '', `${'a'.repeat(63)}/`, 'A'.repeat(64)]) {
        expect(await rejectionCode(store.put(bad, bytes))).toBe('INVALID_ARGUMENT');
        expect(await rejectionCode(store.get(bad))).toBe('INVALID_ARGUMENT');
      }
    });
  });
}
