/**
 * `mlops-kit/storage/s3`: a BlobStore on S3 or an S3-compatible service
 * (@aws-sdk/client-s3, an optional peer dependency). Pair it with a metadata store.
 *
 * @example
 * ```ts
 * import { Registry } from 'mlops-kit';
 * import { PostgresStore } from 'mlops-kit/storage/postgres';
 * import { S3BlobStore } from 'mlops-kit/storage/s3';
 * const registry = new Registry({
 *   metadata: new PostgresStore({ connectionString: process.env.DATABASE_URL }),
 *   blobs: new S3BlobStore({ bucket: 'ml-artifacts', prefix: 'registry/' }),
 * });
 * ```
 *
 * @module
 */
export { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store';
export type { S3ClientLike, S3ClientOptions } from './sdk';
