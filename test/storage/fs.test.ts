import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsBlobStore, FsStore } from '../../src/storage/fs/index';
import { testBlobStore, testMetadataStore } from '../../src/testing/index';

const runner = { describe, it, expect, beforeEach, afterEach };
const roots = new WeakMap<object, string>();

async function fresh<T extends object>(make: (root: string) => T): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'mlops-fs-'));
  const store = make(root);
  roots.set(store, root);
  return store;
}
const destroy = (store: object) => rm(roots.get(store) as string, { recursive: true, force: true });

testBlobStore(runner, { name: 'FsBlobStore', create: () => fresh((root) => new FsBlobStore({ root })), destroy });
testMetadataStore(runner, { name: 'FsStore (metadata)', create: () => fresh((root) => new FsStore({ root })), destroy });

describe('FsStore internals', () => {
  const base = { size: 1, createdBy: 't', description: '', tags: {}, artifact: {} };
  const version = (name: string, n: number) => ({ ...base, name, digest: n.toString(16).padStart(64, '0'), createdAt: new Date().toISOString() });
  const move = (to: number | null) => ({ name: 'm', alias: 'production', to, action: 'set' as const, by: 't', at: new Date().toISOString(), reason: '' });

  it('writes the documented layout', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlops-fs-'));
    try {
      const store = new FsStore({ root });
      const bytes = new TextEncoder().encode('artifact');
      const digest = createHash('sha256').update(bytes).digest('hex');
      await store.put(digest, bytes);
      await store.createVersion({ ...version('m', 1), digest });
      await store.moveAlias(move(1));
      await store.deleteVersion('m', 1).catch(() => undefined);
      const files = (await readdir(root, { recursive: true })).map((f) => f.split(sep).join('/')).sort();
      expect(files).toEqual(
        expect.arrayContaining([
          'mlops-store.json',
          `blobs/sha256/${digest.slice(0, 2)}/${digest}`,
          'models/m/model.json',
          'models/m/versions/0000000001.json',
          'models/m/history/0000000001.json',
          'models/m/aliases.json',
        ]),
      );
      expect(JSON.parse(await readFile(join(root, 'mlops-store.json'), 'utf8'))).toEqual({ format: 'mlops-kit/fs-store', version: 1 });
      expect((await stat(join(root, 'blobs/sha256', digest.slice(0, 2), digest))).mode & 0o222).toBe(0);
      expect(await readdir(join(root, 'tmp'))).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('ignores stray files an operator left in models/ and blobs/sha256/', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlops-fs-'));
    try {
      const store = new FsStore({ root });
      const bytes = new TextEncoder().encode('artifact');
      const digest = createHash('sha256').update(bytes).digest('hex');
      await store.put(digest, bytes);
      await store.createVersion({ ...version('m', 1), digest });
      await writeFile(join(root, 'models', '.DS_Store'), 'x');
      await writeFile(join(root, 'models', 'README'), 'x');
      await writeFile(join(root, 'blobs', 'sha256', 'README'), 'x');
      expect((await store.listModels({ limit: 10 })).items.map((m) => m.name)).toEqual(['m']);
      expect([...(await store.referencedDigests())]).toEqual([digest]);
      const listed = [];
      for await (const b of store.list()) listed.push(b.digest);
      expect(listed).toEqual([digest]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('applies history entries that aliases.json has not caught up with (a writer killed in between)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlops-fs-'));
    try {
      const store = new FsStore({ root });
      await store.createVersion(version('m', 1));
      await store.createVersion(version('m', 2));
      await store.moveAlias(move(1));
      const snapshot = await readFile(join(root, 'models/m/aliases.json'), 'utf8');
      await store.moveAlias(move(2));
      await writeFile(join(root, 'models/m/aliases.json'), snapshot); // as if the writer died before rewriting it
      expect((await store.getAliases('m')).map((a) => a.version)).toEqual([2]);
      const event = await store.moveAlias(move(1));
      expect([event?.from, event?.to]).toEqual([2, 1]);
      expect((await store.aliasHistory('m')).map((e) => e.to)).toEqual([1, 2, 1]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('takes over a lock left by a dead process, and times out on a live holder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlops-fs-'));
    try {
      const store = new FsStore({ root, lockTimeoutMs: 300 });
      await store.createVersion(version('m', 1));
      const lockDir = join(root, 'models/m/lock');
      await mkdir(lockDir, { recursive: true });
      // A holder that no longer exists (pid far above any real one).
      await writeFile(join(lockDir, '0000000007.json'), JSON.stringify({ pid: 2 ** 30, host: hostname(), at: Date.now() }));
      expect((await store.moveAlias(move(1)))?.to).toBe(1);
      expect((await readdir(lockDir)).sort()).toEqual(['0000000008.free', '0000000008.json']);
      // A live holder (this test's parent process) keeps the lock: we time out.
      await writeFile(join(lockDir, '0000000009.json'), JSON.stringify({ pid: process.ppid, host: hostname(), at: Date.now() }));
      await expect(store.moveAlias(move(null))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      // Unless it has held it for longer than staleLockMs.
      const patient = new FsStore({ root, staleLockMs: 50 });
      await new Promise((r) => setTimeout(r, 60));
      expect((await patient.moveAlias(move(null)))?.to).toBe(null);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('refuses a directory written by a newer format', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlops-fs-'));
    try {
      await writeFile(join(root, 'mlops-store.json'), JSON.stringify({ format: 'mlops-kit/fs-store', version: 99 }));
      await expect(new FsStore({ root }).listModels({ limit: 1 })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('restores blobs a crashed collector left in the trash, and removes stale temporary files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlops-fs-'));
    try {
      const blobs = new FsBlobStore({ root, leftoverMs: 100 });
      const bytes = new TextEncoder().encode('kept');
      const digest = createHash('sha256').update(bytes).digest('hex');
      await blobs.put(digest, bytes);
      // A collector renamed the blob into the trash and died; a writer died mid-write.
      await rename(join(root, 'blobs/sha256', digest.slice(0, 2), digest), join(root, 'blobs/trash', `${digest}.abc`));
      await writeFile(join(root, 'tmp', '123-dead.tmp'), 'partial');
      const list = async () => {
        const out: string[] = [];
        for await (const b of blobs.list()) out.push(b.digest);
        return out;
      };
      expect(await list()).toEqual([]); // too recent: maybe still in progress
      await new Promise((r) => setTimeout(r, 150));
      expect(await list()).toEqual([digest]);
      expect(await readdir(join(root, 'tmp'))).toEqual([]);
      expect(await readdir(join(root, 'blobs/trash'))).toEqual([]);
      expect(new TextDecoder().decode(await blobs.get(digest))).toBe('kept');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
