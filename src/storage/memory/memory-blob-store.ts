/**
 * In-memory {@link BlobStore}.
 *
 * @module
 */
import type { BlobDeleteOptions, BlobInfo, BlobStore } from '../contracts';
import { checkDigest } from '../digest-key';

interface Entry {
  bytes: Uint8Array;
  storedAt: number;
}

/**
 * Blobs kept in a `Map` for the life of the process: for tests and short-lived
 * functions. Bytes are copied on the way in and out, so callers cannot alter stored
 * content.
 *
 * @example
 * ```ts
 * import { MemoryBlobStore } from 'mlops-kit/storage/memory';
 * const blobs = new MemoryBlobStore();
 * ```
 */
export class MemoryBlobStore implements BlobStore {
  readonly #blobs = new Map<string, Entry>();
  readonly #now: () => number;

  /** @param options - `now`: clock in epoch ms (default `Date.now`), for tests of garbage collection. */
  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    checkDigest(digest);
    const existing = this.#blobs.get(digest);
    if (existing !== undefined) existing.storedAt = this.#now();
    else this.#blobs.set(digest, { bytes: bytes.slice(), storedAt: this.#now() });
  }

  async get(digest: string): Promise<Uint8Array | undefined> {
    return this.#blobs.get(checkDigest(digest))?.bytes.slice();
  }

  async has(digest: string): Promise<boolean> {
    return this.#blobs.has(checkDigest(digest));
  }

  async delete(digest: string, options: BlobDeleteOptions = {}): Promise<boolean> {
    const entry = this.#blobs.get(checkDigest(digest));
    if (entry === undefined) return false;
    if (options.storedBefore !== undefined && entry.storedAt >= options.storedBefore) return false;
    return this.#blobs.delete(digest);
  }

  async *list(): AsyncIterable<BlobInfo> {
    for (const [digest, e] of [...this.#blobs]) yield { digest, size: e.bytes.length, storedAt: e.storedAt };
  }

  /**
   * Test hook: the stored bytes themselves (not a copy), so a test can corrupt them
   * and check that the registry refuses to serve them.
   */
  unsafeRawBytes(digest: string): Uint8Array | undefined {
    return this.#blobs.get(digest)?.bytes;
  }
}
