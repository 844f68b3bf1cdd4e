import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBlobStore, MemoryMetadataStore, MemoryStore } from '../../src/storage/memory/index';
import { testBlobStore, testMetadataStore } from '../../src/testing/index';

const runner = { describe, it, expect, beforeEach, afterEach };

testBlobStore(runner, { name: 'MemoryBlobStore', create: () => new MemoryBlobStore() });
testMetadataStore(runner, { name: 'MemoryMetadataStore', create: () => new MemoryMetadataStore() });
testBlobStore(runner, { name: 'MemoryStore (blobs)', create: () => new MemoryStore() });
testMetadataStore(runner, { name: 'MemoryStore (metadata)', create: () => new MemoryStore() });
