import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../src/storage/s3/index';
import { testBlobStore } from '../../src/testing/index';
import { startS3rver, type S3Server } from '../helpers/s3rver';

let server: S3Server;
beforeAll(async () => {
  server = await startS3rver(['blobs', 'other']);
});
afterAll(() => server?.stop());
const runner = { describe, it, expect, beforeEach, afterEach };
let n = 0;

// A fresh prefix per test: an empty store in the shared bucket. S3 reports LastModified in whole seconds.
testBlobStore(runner, {
  name: 'S3BlobStore',
  create: () => new S3BlobStore({ ...server.clientOptions, bucket: 'blobs', prefix: `t${n++}/` }),
  timestampResolutionMs: 1000,
});

describe('S3BlobStore', () => {
  const digest = 'e'.repeat(64);

  it('keeps stores with different prefixes or buckets apart, under <prefix>sha256/<digest>', async () => {
    const client = new S3Client(server.clientOptions);
    const a = new S3BlobStore({ client, bucket: 'blobs', prefix: 'team-a' });
    const b = new S3BlobStore({ client, bucket: 'blobs', prefix: 'team-b/' });
    const c = new S3BlobStore({ client, bucket: 'other' });
    await a.put(digest, Uint8Array.of(1, 2, 3));
    expect(await b.has(digest)).toBe(false);
    expect(await c.has(digest)).toBe(false);
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'blobs', Prefix: 'team-a/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([`team-a/sha256/${digest}`]);
    await a.close();
    // The injected client stays usable: the store does not own it.
    expect((await client.send(new ListObjectsV2Command({ Bucket: 'other' }))).KeyCount).toBe(0);
    client.destroy();
  });

  it('reports a missing bucket or unreachable endpoint as STORE_UNAVAILABLE', async () => {
    const missing = new S3BlobStore({ ...server.clientOptions, bucket: 'no-such-bucket' });
    await expect(missing.put(digest, Uint8Array.of(1))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await missing.close();
    const down = new S3BlobStore({ ...server.clientOptions, endpoint: 'http://127.0.0.1:1', bucket: 'blobs' });
    await expect(down.get(digest)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await down.close();
  });

  it('reads a bare 404 (servers that do not name the error) as a missing object, but a missing bucket as a failure', async () => {
    const failing = (error: object) => ({ send: async () => Promise.reject(Object.assign(new Error('failed'), error)) });
    const bare404 = new S3BlobStore({ client: failing({ name: 'UnknownError', $metadata: { httpStatusCode: 404 } }), bucket: 'b' });
    expect(await bare404.get(digest)).toBe(undefined);
    expect(await bare404.has(digest)).toBe(false);
    const noBucket = new S3BlobStore({ client: failing({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }), bucket: 'b' });
    await expect(noBucket.get(digest)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const denied = new S3BlobStore({ client: failing({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), bucket: 'b' });
    await expect(denied.has(digest)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('rejects bad options', () => {
    expect(() => new S3BlobStore({ bucket: '' })).toThrow(/bucket/);
    expect(() => new S3BlobStore({ bucket: 'b', prefix: '../x' })).toThrow(/prefix/);
    expect(() => new S3BlobStore({ bucket: 'b', prefix: '/abs' })).toThrow(/prefix/);
  });
});
