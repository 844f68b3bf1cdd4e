/**
 * The fs store: both contracts over one directory.
 *
 * @module
 */
import type { BlobDeleteOptions, BlobInfo, BlobStore } from '../contracts';
import { FsBlobStore } from './fs-blob-store';
import { FsMetadataStore, type FsStoreOptions } from './fs-metadata-store';

/**
 * The embedded default: models, versions, aliases and artifact bytes in one directory,
 * safe for several processes on one machine registering and promoting at once. Every
 * write is a temporary file, fsync, then rename or link, then a directory fsync, so a
 * crash never leaves a partial file visible. The layout is documented in
 * docs/storage-adapters.md.
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { FsStore } from 'mlops-kit/storage/fs';
 *
 * const registry = new Registry({ store: new FsStore({ root: '/var/lib/mlops/registry' }) });
 * ```
 */
export class FsStore extends FsMetadataStore implements BlobStore {
  /** The blob half (`<root>/blobs`). */
  readonly blobs: FsBlobStore;

  constructor(options: FsStoreOptions) {
    super(options);
    this.blobs = new FsBlobStore({ root: options.root, ...(options.leftoverMs !== undefined && { leftoverMs: options.leftoverMs }) });
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
