// A flipped byte in a stored blob, on every built-in blob store: load refuses it with
// REGISTRY_INTEGRITY instead of serving it.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMlopsError } from '../../src/errors';
import { Registry, type BlobStore, type MetadataStore } from '../../src/registry/index';
import { MemoryMetadataStore } from '../../src/storage/memory/index';
import { S3BlobStore } from '../../src/storage/s3/index';
import { postgresAvailable, startPostgres, type PgServer } from '../helpers/postgres';
import { startS3rver, type S3Server } from '../helpers/s3rver';
import { freshSpec, openStore, type StoreSpec } from './adapters';
import { realArtifact } from './artifacts';

const hasPostgres = postgresAvailable();
let pgServer: PgServer | undefined;
let s3: S3Server;
beforeAll(async () => {
  if (hasPostgres) pgServer = await startPostgres();
  s3 = await startS3rver(['tamper']);
});
afterAll(async () => {
  await pgServer?.stop();
  await s3?.stop();
});

function flip(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out[out.length >> 1] ^= 0x40;
  return out;
}

/** Overwrites the stored blob behind the store's back, as disk corruption or an intruder would. */
async function corrupt(spec: StoreSpec, digest: string): Promise<void> {
  if (spec.kind === 'fs') {
    const path = join(spec.root, 'blobs', 'sha256', digest.slice(0, 2), digest);
    await chmod(path, 0o644);
    await writeFile(path, flip(await readFile(path)));
  } else if (spec.kind === 'sqlite') {
    const db = new Database(spec.path);
    const { bytes } = db.prepare('SELECT bytes FROM mlops_blobs WHERE digest = ?').get(digest) as { bytes: Buffer };
    db.prepare('UPDATE mlops_blobs SET bytes = ? WHERE digest = ?').run(Buffer.from(flip(bytes)), digest);
    db.close();
  } else {
    const client = new pg.Client({ connectionString: spec.connectionString });
    await client.connect();
    const { rows } = await client.query(`SELECT bytes FROM "${spec.schema}".mlops_blobs WHERE digest = $1`, [digest]);
    await client.query(`UPDATE "${spec.schema}".mlops_blobs SET bytes = $1 WHERE digest = $2`, [Buffer.from(flip(rows[0].bytes as Buffer)), digest]);
    await client.end();
  }
}

async function expectRefused(registry: Registry, ref: string): Promise<void> {
  const err = await registry.load(ref).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isMlopsError(err, 'REGISTRY_INTEGRITY')).toBe(true);
  expect((err as Error).message).toMatch(/corrupted/);
}

describe('tampered blobs', () => {
  it.each(['fs', 'sqlite', 'postgres'] as const)('are refused by load on the %s store', async (kind) => {
    if (kind === 'postgres' && !hasPostgres) return;
    const { spec, dispose } = await freshSpec(kind, pgServer);
    const store = await openStore(spec);
    try {
      const registry = new Registry({ store });
      const good = await registry.register('fraud', await realArtifact('good'));
      const badArtifact = await realArtifact('bad');
      const bad = await registry.register('fraud', badArtifact);
      await corrupt(spec, bad.digest);
      await expectRefused(registry, 'fraud/2');
      expect((await registry.load('fraud/1')).digest).toBe(good.digest);
      // Registering the same bytes again replaces the damaged blob: every version sharing it loads again.
      const again = await registry.register('fraud', badArtifact);
      expect((await registry.load(again.ref)).digest).toBe(bad.digest);
      expect((await registry.load('fraud/2')).digest).toBe(bad.digest);
    } finally {
      await store.close();
      await dispose();
    }
  });

  it('are refused by load on the s3 blob store', async () => {
    const blobs: BlobStore = new S3BlobStore({ ...s3.clientOptions, bucket: 'tamper', prefix: 'reg/' });
    const metadata: MetadataStore = new MemoryMetadataStore();
    const registry = new Registry({ metadata, blobs });
    const artifact = await realArtifact('s3');
    const v = await registry.register('fraud', artifact);
    const client = new S3Client(s3.clientOptions);
    await client.send(new PutObjectCommand({ Bucket: 'tamper', Key: `reg/sha256/${v.digest}`, Body: flip(artifact.toBytes()) }));
    client.destroy();
    await expectRefused(registry, 'fraud@latest');
    await registry.close();
  });
});
