/**
 * Content-addressed blobs as read-only files under `blobs/sha256/<d0d1>/<digest>`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { link, readdir, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobDeleteOptions, BlobInfo, BlobStore } from '../contracts';
import { checkDigest, isDigest } from '../digest-key';
import { ensureDir, fsyncDir, writeFileAtomic } from './atomic-write';
import { Layout } from './layout';
import { isNotFound } from './read-json';


/**
 * Blobs as files, one per digest. `put` writes a temporary file, fsyncs it and renames
 * it into place (so a blob is complete or absent); putting an existing digest only
 * refreshes its mtime, which garbage collection reads as "stored at".
 *
 * @example
 * ```ts
 * import { FsBlobStore } from 'mlops-kit/storage/fs';
 * const blobs = new FsBlobStore({ root: '/var/lib/models' });
 * ```
 */
export class FsBlobStore implements BlobStore {
  readonly #layout: Layout;
  readonly #leftoverMs: number;
  #ready: Promise<void> | undefined;

  /**
   * @param options - `root`: the store's directory (shared with `FsMetadataStore` when
   *   used as `FsStore`). `leftoverMs`: temporary files and trashed blobs older than this
   *   were left by a crashed process and are cleaned up by `list()` (default one hour).
   */
  constructor(options: { root: string; leftoverMs?: number }) {
    this.#layout = new Layout(options.root);
    this.#leftoverMs = options.leftoverMs ?? 60 * 60 * 1000;
  }

  #init(): Promise<void> {
    this.#ready ??= (async () => {
      await ensureDir(this.#layout.tmp);
      await ensureDir(this.#layout.blobs);
      await ensureDir(this.#layout.trash);
    })();
    return this.#ready;
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    const path = this.#layout.blob(checkDigest(digest));
    await this.#init();
    try {
      const s = await stat(path);
      if (s.size === bytes.length) {
        const now = new Date();
        await utimes(path, now, now);
        return;
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await ensureDir(join(this.#layout.blobs, digest.slice(0, 2)));
    await writeFileAtomic(this.#layout.tmp, path, bytes, 0o444);
  }

  async get(digest: string): Promise<Uint8Array | undefined> {
    try {
      const buf = await readFile(this.#layout.blob(checkDigest(digest)));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async has(digest: string): Promise<boolean> {
    try {
      await stat(this.#layout.blob(checkDigest(digest)));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * With `storedBefore`, the blob is first renamed into `blobs/trash/` (atomic), then its
   * mtime is read there: if a concurrent `put` refreshed it meanwhile, it is linked back;
   * otherwise it is unlinked. A `put` racing with the rename finds no file and writes a
   * fresh copy. Either way a blob put after the cutoff survives.
   */
  async delete(digest: string, options: BlobDeleteOptions = {}): Promise<boolean> {
    const path = this.#layout.blob(checkDigest(digest));
    await this.#init();
    if (options.storedBefore === undefined) {
      try {
        await unlink(path);
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
      await fsyncDir(join(this.#layout.blobs, digest.slice(0, 2)));
      return true;
    }
    const trashed = join(this.#layout.trash, `${digest}.${randomBytes(6).toString('hex')}`);
    try {
      await rename(path, trashed);
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    const { mtimeMs } = await stat(trashed);
    if (mtimeMs >= options.storedBefore) {
      await restore(trashed, path);
      return false;
    }
    await unlink(trashed);
    await fsyncDir(join(this.#layout.blobs, digest.slice(0, 2)));
    return true;
  }

  /**
   * Lists the blobs. Also finishes what crashed writers and collectors left behind:
   * temporary files and trashed blobs older than `leftoverMs` (a trashed blob is
   * restored, so that the next collection decides about it again).
   */
  async *list(): AsyncIterable<BlobInfo> {
    await this.#init();
    await this.#cleanLeftovers();
    for (const shard of await readdir(this.#layout.blobs)) {
      let files: string[];
      try {
        files = await readdir(join(this.#layout.blobs, shard));
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      for (const f of files) {
        if (!isDigest(f)) continue;
        try {
          const s = await stat(join(this.#layout.blobs, shard, f));
          yield { digest: f, size: s.size, storedAt: s.mtimeMs };
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
  }

  async #cleanLeftovers(): Promise<void> {
    const old = Date.now() - this.#leftoverMs;
    for (const f of await readdir(this.#layout.trash)) {
      const trashed = join(this.#layout.trash, f);
      const s = await stat(trashed).catch(() => undefined);
      if (s === undefined || s.ctimeMs > old) continue;
      const digest = f.slice(0, 64);
      if (isDigest(digest)) {
        await ensureDir(join(this.#layout.blobs, digest.slice(0, 2)));
        await restore(trashed, this.#layout.blob(digest));
      }
    }
    for (const f of await readdir(this.#layout.tmp)) {
      const s = await stat(join(this.#layout.tmp, f)).catch(() => undefined);
      if (s !== undefined && s.mtimeMs < old) await unlink(join(this.#layout.tmp, f)).catch(() => undefined);
    }
  }
}

async function restore(trashed: string, path: string): Promise<void> {
  try {
    await link(trashed, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // a fresh put already wrote it
  }
  await unlink(trashed).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
}
