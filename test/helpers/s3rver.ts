/**
 * A local S3-protocol server (the s3rver devDependency) for tests, on a free port with
 * its data in a temporary directory. s3rver ignores conditional writes (If-None-Match),
 * which is fine: the S3 adapter only stores content-addressed blobs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** A running server. */
export interface S3Server {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Options for `S3BlobStore` / `S3Client` pointing at this server. */
  clientOptions: { endpoint: string; region: string; forcePathStyle: true; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** Starts s3rver with the given buckets created. */
export async function startS3rver(buckets: string[]): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  // The server dies with the process; its data directory is removed even if stop() is never called.
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  return {
    endpoint,
    clientOptions: { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
    async stop() {
      await server.close();
      process.removeListener('exit', cleanup);
      cleanup();
    },
  };
}
