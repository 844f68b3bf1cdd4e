/**
 * The in-memory store: both contracts in one object.
 *
 * @module
 */
import type { BlobDeleteOptions, BlobInfo, BlobStore } from '../contracts';
import { MemoryBlobStore } from './memory-blob-store';
import { MemoryMetadataStore } from './memory-metadata-store';

/**
 * Metadata and blobs in memory, for tests, notebooks and short-lived functions.
 * Nothing survives the process. Implements both `MetadataStore` and `BlobStore`, so it
 * is passed as the registry's `store`.
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { MemoryStore } from 'mlops-kit/storage/memory';
 *
 * const registry = new Registry({ store: new MemoryStore() });
 * ```
 */
export class MemoryStore extends MemoryMetadataStore implements BlobStore {
  /** The blob half, exposed for tests (see {@link MemoryBlobStore.unsafeRawBytes}). */
  readonly blobs: MemoryBlobStore;

  /** @param options - `now`: clock for blob timestamps in epoch ms (default `Date.now`). */
  constructor(options: { now?: () => number } = {}) {
    super();
    this.blobs = new MemoryBlobStore(options);
  }

  put(digest: string, bytes: Uint8Array): Promise<void> {
    return this.blobs.put(digest, bytes);
  }
  get(digest: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(digest);
  }
  has(digest: string): Promise<boolean> {
    return this.blobs.has(digest);
  }
  delete(digest: string, options?: BlobDeleteOptions): Promise<boolean> {
    return this.blobs.delete(digest, options);
  }
  list(): AsyncIterable<BlobInfo> {
    return this.blobs.list();
  }
}
