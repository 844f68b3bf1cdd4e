/**
 * `mlops-kit/testing`: conformance suites for storage adapters. The test runner is
 * injected, as `@keyv/test-suite` does, so the suites run under vitest, jest or any
 * runner with the same five functions.
 *
 * @example
 * ```ts
 * import { describe, it, expect, beforeEach, afterEach } from 'vitest';
 * import { testBlobStore, testMetadataStore } from 'mlops-kit/testing';
 * import { MyStore } from './my-store';
 *
 * const runner = { describe, it, expect, beforeEach, afterEach };
 * testBlobStore(runner, { create: () => new MyStore() });
 * testMetadataStore(runner, { create: () => new MyStore() });
 * ```
 *
 * @module
 */
export { testBlobStore, type BlobStoreSuiteOptions } from './blob-store-suite';
export { testMetadataStore, type MetadataStoreSuiteOptions } from './metadata-store-suite';
export type { TestRunner, Assertion } from './runner';
