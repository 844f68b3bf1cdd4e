/**
 * A BlobStore on S3 (or any S3-compatible service).
 *
 * @module
 */
import { MlopsError, isMlopsError } from '../../errors';
import type { BlobDeleteOptions, BlobInfo, BlobStore } from '../contracts';
import { checkDigest, isDigest } from '../digest-key';
import { isMissing, loadS3Sdk, type S3ClientLike, type S3ClientOptions, type S3Sdk } from './sdk';

/** Options of {@link S3BlobStore}. */
export interface S3BlobStoreOptions extends S3ClientOptions {
  /** Bucket (must exist). */
  bucket: string;
  /** Key prefix, e.g. `"ml/registry/"` (default none). Blobs are stored at `<prefix>sha256/<digest>`. */
  prefix?: string;
  /** An `S3Client` to use instead of creating one; the caller keeps ownership. */
  client?: S3ClientLike;
}

interface HeadResult {
  ContentLength?: number;
  LastModified?: Date;
}

/**
 * Artifact bytes as objects `<prefix>sha256/<digest>` in a bucket, through
 * @aws-sdk/client-s3 (an optional peer dependency, loaded on first use). Credentials,
 * region and endpoint come only from the options or the SDK's standard chain.
 *
 * Putting an existing digest uploads it again to the same key (still one object), which
 * refreshes its `LastModified`: garbage collection's "stored at" (S3 reports it in whole
 * seconds). Self-copies would avoid the upload but do not refresh `LastModified` on
 * every S3-compatible server. S3 has no conditional delete, so `delete` with `storedBefore` checks `LastModified` and
 * then deletes: a `put` landing between the two calls (milliseconds) could lose its
 * blob. Keep the gc grace period long (the default hour) so that cannot matter.
 *
 * Use it with a metadata store: `new Registry({ metadata: new PostgresStore(...), blobs: new S3BlobStore(...) })`.
 *
 * @example
 * ```ts
 * import { S3BlobStore } from 'mlops-kit/storage/s3';
 * const blobs = new S3BlobStore({ bucket: 'ml-artifacts', prefix: 'registry/', region: 'eu-west-1' });
 * ```
 */
export class S3BlobStore implements BlobStore {
  readonly #options: S3BlobStoreOptions;
  readonly #prefix: string;
  #ready: Promise<{ sdk: S3Sdk; client: S3ClientLike }> | undefined;
  #closed = false;

  constructor(options: S3BlobStoreOptions) {
    if (typeof options?.bucket !== 'string' || options.bucket.length === 0) {
      throw new MlopsError('INVALID_ARGUMENT', 'The s3 blob store needs { bucket: "<name>" }.');
    }
    const prefix = options.prefix ?? '';
    if (typeof prefix !== 'string' || prefix.startsWith('/') || prefix.includes('..')) {
      throw new MlopsError('INVALID_ARGUMENT', `prefix must be a relative key prefix such as "registry/", got ${JSON.stringify(prefix)}.`);
    }
    this.#options = options;
    this.#prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  }

  #open(): Promise<{ sdk: S3Sdk; client: S3ClientLike }> {
    if (this.#closed) return Promise.reject(new MlopsError('STORE_UNAVAILABLE', 'The s3 blob store is closed.'));
    this.#ready ??= loadS3Sdk().then((sdk) => {
      if (this.#options.client !== undefined) return { sdk, client: this.#options.client };
      const { region, endpoint, forcePathStyle, credentials } = this.#options;
      const config = { ...(region && { region }), ...(endpoint && { endpoint }), ...(forcePathStyle !== undefined && { forcePathStyle }), ...(credentials && { credentials }) };
      return { sdk, client: new sdk.S3Client(config) };
    });
    return this.#ready;
  }

  #key(digest: string): string {
    return `${this.#prefix}sha256/${checkDigest(digest)}`;
  }

  async #send<T>(make: (sdk: S3Sdk) => unknown, what: string): Promise<T> {
    const { sdk, client } = await this.#open();
    try {
      return (await client.send(make(sdk))) as T;
    } catch (err) {
      if (isMissing(err) || isMlopsError(err)) throw err;
      throw new MlopsError('STORE_UNAVAILABLE', `S3 ${what} on bucket "${this.#options.bucket}" failed: ${(err as Error)?.message ?? String(err)}. Check the bucket, credentials and endpoint.`, {
        details: { bucket: this.#options.bucket, error: (err as Error)?.name },
        cause: err,
      });
    }
  }

  async #head(digest: string): Promise<HeadResult | undefined> {
    const Key = this.#key(digest);
    try {
      return await this.#send<HeadResult>((sdk) => new sdk.HeadObjectCommand({ Bucket: this.#options.bucket, Key }), 'HeadObject');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    const Key = this.#key(digest);
    await this.#send((sdk) => new sdk.PutObjectCommand({ Bucket: this.#options.bucket, Key, Body: bytes, ContentType: 'application/octet-stream' }), 'PutObject');
  }

  async get(digest: string): Promise<Uint8Array | undefined> {
    const Key = this.#key(digest);
    try {
      const out = await this.#send<{ Body?: { transformToByteArray(): Promise<Uint8Array> } }>(
        (sdk) => new sdk.GetObjectCommand({ Bucket: this.#options.bucket, Key }),
        'GetObject',
      );
      return out.Body === undefined ? new Uint8Array(0) : await out.Body.transformToByteArray();
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.#head(digest)) !== undefined;
  }

  async delete(digest: string, options: BlobDeleteOptions = {}): Promise<boolean> {
    const Key = this.#key(digest);
    const head = await this.#head(digest);
    if (head === undefined) return false;
    if (options.storedBefore !== undefined && (head.LastModified?.getTime() ?? 0) >= options.storedBefore) return false;
    await this.#send((sdk) => new sdk.DeleteObjectCommand({ Bucket: this.#options.bucket, Key }), 'DeleteObject');
    return true;
  }

  async *list(): AsyncIterable<BlobInfo> {
    const Prefix = `${this.#prefix}sha256/`;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.#send<{ Contents?: { Key?: string; Size?: number; LastModified?: Date }[]; NextContinuationToken?: string; IsTruncated?: boolean }>(
        (sdk) => new sdk.ListObjectsV2Command({ Bucket: this.#options.bucket, Prefix, ...(ContinuationToken !== undefined && { ContinuationToken }) }),
        'ListObjectsV2',
      );
      for (const o of page.Contents ?? []) {
        const digest = o.Key?.slice(Prefix.length);
        if (isDigest(digest)) yield { digest, size: o.Size ?? 0, storedAt: o.LastModified?.getTime() ?? 0 };
      }
      ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  /** Destroys the client if the store created it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const ready = this.#ready;
    if (ready === undefined || this.#options.client !== undefined) return;
    (await ready.catch(() => undefined))?.client.destroy?.();
  }

  /** Same as {@link S3BlobStore.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
