// Spawning registry workers as real OS processes.
//
// The worker (workers/registry-worker.ts, which imports the sources) is bundled once per
// test process with tsup (a devDependency) into node_modules/.cache, and run with plain
// `node`: a process then starts in about a third of the time of `node --import tsx`,
// which matters for tests that start dozens of them. The store drivers stay external.
import { spawn, type ChildProcess } from 'node:child_process';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoreSpec } from './adapters';

const WORKER = fileURLToPath(new URL('./workers/registry-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerJob {
  spec: StoreSpec;
  mode: 'register' | 'alias' | 'chaos';
  id: number;
  count: number;
  payloadBytes: number;
  versions?: number;
}

/** A started worker: `ready` settles once it has loaded and opened the store. */
export interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  /** Sends "go"; resolves the worker's JSON result when it exits cleanly. */
  go(): Promise<unknown>;
  /** Resolves when the process has exited, with its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let bundled: Promise<string> | undefined;

function workerFile(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('tsup');
    const outDir = join(ROOT, 'node_modules', '.cache', 'mlops-kit-tests');
    const name = `registry-worker-${process.pid}`;
    await build({
      entry: { [name]: WORKER },
      outDir,
      format: ['esm'],
      outExtension: () => ({ js: '.mjs' }),
      platform: 'node',
      target: 'node20',
      config: false,
      silent: true,
      dts: false,
      clean: false,
      sourcemap: false,
      splitting: false,
      external: ['better-sqlite3', 'pg', '@aws-sdk/client-s3'],
    });
    // One shared file: concurrent test files build identical bundles and rename them into place atomically.
    const file = join(outDir, 'registry-worker.mjs');
    renameSync(join(outDir, `${name}.mjs`), file);
    return file;
  })();
  return bundled;
}

export async function startWorker(job: WorkerJob): Promise<Worker> {
  const child = spawn(process.execPath, [await workerFile(), JSON.stringify(job)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('ready\n')) resolve();
    });
    void exited.then(({ code, signal }) => reject(new Error(`worker ${job.id} exited (${code ?? signal}) before ready: ${err}`)));
  });
  ready.catch(() => undefined);
  const go = async () => {
    child.stdin?.write('go\n');
    const { code, signal } = await exited;
    if (code !== 0) throw new Error(`worker ${job.id} failed (${code ?? signal}): ${err}`);
    const line = out.split('\n').find((l) => l.startsWith('{'));
    return (JSON.parse(line as string) as { result: unknown }).result;
  };
  return { child, ready, go, exited };
}

/** Starts the workers, waits until all are ready, then releases them at once. */
export async function runTogether(jobs: WorkerJob[]): Promise<unknown[]> {
  const workers = await Promise.all(jobs.map(startWorker));
  await Promise.all(workers.map((w) => w.ready));
  return Promise.all(workers.map((w) => w.go()));
}
