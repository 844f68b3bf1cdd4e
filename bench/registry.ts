/**
 * Benchmark: registry operations per second on each store, against the physical floor
 * of plain file I/O on the same bytes, run side by side.
 *
 *   node --import tsx bench/registry.ts          # full run
 *   BENCH_QUICK=1 node --import tsx bench/registry.ts   # smoke test (small sizes)
 *
 * 1. Single process, one operation at a time: `register` of a 1 MiB artifact (distinct
 *    bytes each time: hashing, blob write, version allocation), `load` of it (read and
 *    SHA-256 verification; the artifact decoder returns the bytes, so model parsing is
 *    not measured here), `setAlias`, and `resolve('m@production')`, on the memory, fs,
 *    sqlite and postgres stores (postgres when a throwaway server can be started).
 *    Floors, same bytes: `fs.writeFile` (no fsync), `fs.writeFile` + fsync (what a
 *    durable store must at least pay; the fs and sqlite stores fsync every write), and
 *    `fs.readFile`. Ratios: register / durable write floor, load / read floor.
 * 2. Concurrency: 8 OS processes registering 25 versions each at once (the reliability
 *    test's workload, 8 KiB artifacts), versions per second from "go" to the last exit
 *    (process start-up excluded).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../src/artifact/digest';
import { Registry, type BlobStore, type MetadataStore } from '../src/registry/index';
import { FsStore } from '../src/storage/fs/index';
import { MemoryStore } from '../src/storage/memory/index';
import { PostgresStore } from '../src/storage/postgres/index';
import { SqliteStore } from '../src/storage/sqlite/index';
import { startPostgres } from '../test/helpers/postgres';
import { freshSpec } from '../test/registry/adapters';
import { startWorker } from '../test/registry/processes';

const quick = process.env.BENCH_QUICK === '1';
const N = Number(process.env.BENCH_N ?? (quick ? 8 : 60));
const FAST_N = N * 10;
const SIZE = 1024 * 1024;
const PROCS = quick ? 4 : 8;
const PER_PROC = quick ? 5 : 25;

const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const table = (title: string, header: string[], rows: (string | number)[][]): void => {
  console.log(`\n${title}`);
  const all = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const r of all) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
};

async function opsPerSecond(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  await op(0); // warm-up
  const t0 = performance.now();
  for (let i = 1; i <= n; i++) await op(i);
  return (n / (performance.now() - t0)) * 1000;
}

/** A 1 MiB "artifact": opaque bytes, distinct per index. */
const base = randomBytes(SIZE);
function artifact(i: number) {
  const bytes = new Uint8Array(base);
  new DataView(bytes.buffer).setUint32(0, i);
  const digest = sha256Hex(bytes);
  return { digest, manifest: {}, toBytes: () => bytes };
}
// A custom decoder: the registry verifies the SHA-256 itself (once), as it does before ModelArtifact.fromBytes.
const decode = async (bytes: Uint8Array) => bytes;

const dir = mkdtempSync(join(tmpdir(), 'mlops-bench-registry-'));
const pg = await startPostgres().catch(() => undefined);
try {
  // ------------------------------------------------------------------ floors
  const floorPath = join(dir, 'floor.bin');
  const plainWrite = await opsPerSecond(N, (i) => writeFile(`${floorPath}.${i}`, artifact(i).toBytes()));
  const durableWrite = await opsPerSecond(N, async (i) => {
    const h = await open(`${floorPath}.d${i}`, 'w');
    await h.writeFile(artifact(i).toBytes());
    await h.sync();
    await h.close();
  });
  const plainRead = await opsPerSecond(N, (i) => readFile(`${floorPath}.${(i % N) + 1}`));

  // ------------------------------------------------------------------ stores
  type Pair = MetadataStore & BlobStore & { close?(): Promise<void> };
  const stores: [string, () => Pair][] = [
    ['memory', () => new MemoryStore()],
    ['fs', () => new FsStore({ root: join(dir, 'fs') })],
    ['sqlite', () => new SqliteStore({ path: join(dir, 'registry.db') })],
  ];
  if (pg !== undefined) stores.push(['postgres', () => new PostgresStore({ connectionString: pg.connectionString, schema: 'bench' })]);

  const rows: (string | number)[][] = [
    ['plain fs.writeFile (floor)', fmt(plainWrite), '', '', '', ''],
    ['fs.writeFile + fsync (floor)', fmt(durableWrite), '', '', '', ''],
    ['plain fs.readFile (floor)', '', '', fmt(plainRead), '', ''],
  ];
  const ratios: (string | number)[][] = [];
  for (const [name, make] of stores) {
    const store = make();
    const registry = new Registry<Uint8Array>({ store, decode });
    const register = await opsPerSecond(N, (i) => registry.register('m', artifact(i)));
    const load = await opsPerSecond(N, (i) => registry.load(`m/${(i % N) + 1}`));
    const setAlias = await opsPerSecond(FAST_N, (i) => registry.setAlias('m', 'production', (i % N) + 1));
    const resolve = await opsPerSecond(FAST_N, () => registry.resolve('m@production'));
    rows.push([`${name} store`, fmt(register), '', fmt(load), fmt(setAlias), fmt(resolve)]);
    ratios.push([name, fmt(register / durableWrite, 2), fmt(register / plainWrite, 2), fmt(load / plainRead, 2)]);
    await registry.close();
  }
  if (pg === undefined) console.log('\n(postgres skipped: no PostgreSQL server binaries found)');
  table(`Operations per second, one process, ${SIZE / 1024} KiB artifacts, n=${N} (setAlias/resolve n=${FAST_N})`, ['', 'write/register', '', 'read/load', 'setAlias', 'resolve'], rows);
  table('Ratios to the floor (1.00 = as fast as plain file I/O of the same bytes)', ['store', 'register / (writeFile+fsync)', 'register / writeFile', 'load / readFile'], ratios);

  // ------------------------------------------------------------------ concurrency
  const conc: (string | number)[][] = [];
  for (const kind of ['fs', 'sqlite', 'postgres'] as const) {
    if (kind === 'postgres' && pg === undefined) continue;
    const { spec, dispose } = await freshSpec(kind, pg);
    const workers = await Promise.all(Array.from({ length: PROCS }, (_, id) => startWorker({ spec, mode: 'register', id, count: PER_PROC, payloadBytes: 8192 })));
    await Promise.all(workers.map((w) => w.ready));
    const t0 = performance.now();
    await Promise.all(workers.map((w) => w.go()));
    const seconds = (performance.now() - t0) / 1000;
    conc.push([kind, PROCS * PER_PROC, fmt(seconds, 2), fmt((PROCS * PER_PROC) / seconds)]);
    await dispose();
  }
  table(`Concurrent registration: ${PROCS} processes x ${PER_PROC} versions (8 KiB artifacts)`, ['store', 'versions', 'seconds', 'versions/s'], conc);
  console.log('\nNoisy on a shared machine: compare ratios, rerun on a quiet one for absolute figures.');
} finally {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
