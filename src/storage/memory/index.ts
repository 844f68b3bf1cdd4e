/**
 * `mlops-kit/storage/memory`: metadata and blobs in memory, for tests and short-lived
 * functions.
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { MemoryStore } from 'mlops-kit/storage/memory';
 * const registry = new Registry({ store: new MemoryStore() });
 * ```
 *
 * @module
 */
export { MemoryStore } from './memory-store';
export { MemoryBlobStore } from './memory-blob-store';
export { MemoryMetadataStore } from './memory-metadata-store';
