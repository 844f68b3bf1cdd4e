/**
 * Lazy loading of @aws-sdk/client-s3 (an optional peer dependency) and the structural
 * client type the store accepts.
 *
 * @module
 */
import { importOptional } from '../../optional';
import { MlopsError } from '../../errors';

/** Anything with the `send` of an `S3Client` (an injected client is used as is). */
export interface S3ClientLike {
  send(command: unknown): Promise<unknown>;
  destroy?(): void;
}

/** Options for a client the store creates; anything left out comes from the SDK's default chain. */
export interface S3ClientOptions {
  /** AWS region (default: the SDK's chain, e.g. `AWS_REGION`). */
  region?: string;
  /** Endpoint of an S3-compatible service (MinIO, R2, a local server). */
  endpoint?: string;
  /** Path-style URLs (`http://host/bucket/key`), needed by most S3-compatible servers. */
  forcePathStyle?: boolean;
  /** Static credentials (default: the SDK's chain: environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** The parts of the SDK module the store uses. */
export interface S3Sdk {
  S3Client: new (config: object) => S3ClientLike;
  PutObjectCommand: new (input: object) => unknown;
  GetObjectCommand: new (input: object) => unknown;
  HeadObjectCommand: new (input: object) => unknown;
  DeleteObjectCommand: new (input: object) => unknown;
  ListObjectsV2Command: new (input: object) => unknown;
}

/** Loads the SDK, or throws `DEPENDENCY_MISSING` saying how to install it. */
export function loadS3Sdk(): Promise<S3Sdk> {
  return importOptional<S3Sdk>(() => import('@aws-sdk/client-s3'), { package: '@aws-sdk/client-s3', feature: 'The s3 blob store', probe: 'S3Client' });
}

/**
 * Whether an SDK error means "no such object": AWS names it; some S3-compatible servers
 * only answer 404 (a HEAD response has no body to name the error). A missing bucket is
 * a configuration error, not a missing object.
 */
export function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
}
