/**
 * `mlops-kit/storage/fs`: the embedded default store, one directory on a local disk,
 * safe for concurrent processes on one machine.
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { FsStore } from 'mlops-kit/storage/fs';
 * const registry = new Registry({ store: new FsStore({ root: './registry' }) });
 * ```
 *
 * @module
 */
export { FsStore } from './fs-store';
export { FsBlobStore } from './fs-blob-store';
export { FsMetadataStore, type FsStoreOptions } from './fs-metadata-store';
