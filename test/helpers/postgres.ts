/**
 * A throwaway PostgreSQL server for tests: `initdb` + `pg_ctl` on a free port in a
 * temporary directory, stopped and removed by `stop()`.
 *
 * Binaries are looked up in `$PG_BIN`, then `/usr/lib/postgresql/<major>/bin` (newest
 * first), then `pg_config --bindir`. initdb refuses to run as root, so when the tests
 * run as root the server runs as the `postgres` user through `runuser -u postgres --`.
 *
 * When no binaries are found: in CI (`CI=true`) `startPostgres` throws, because the
 * PostgreSQL tests must run there (.ci/run installs the `postgresql` package); outside
 * CI it warns loudly and resolves `undefined`, and the caller skips. To run these tests
 * locally, install the server (`apt-get install postgresql`, `brew install postgresql@15`)
 * or point `PG_BIN` at its `bin` directory.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running throwaway server. */
export interface PgServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  connectionString: string;
  port: number;
  /** Stops the server (immediate mode) and removes its directory. */
  stop(): Promise<void>;
}

function findBinDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const majors = readdirSync(base).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((m) => join(base, m, 'bin')));
  }
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on PATH
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Whether a server can be started (checked at collection time, so tests can be skipped
 * before any hook runs). Outside CI a missing installation is reported loudly; in CI it
 * throws.
 */
export function postgresAvailable(): boolean {
  if (findBinDir() !== undefined) return true;
  const why = 'PostgreSQL server binaries (initdb, pg_ctl) not found: set PG_BIN or install postgresql.';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${why} The PostgreSQL tests must run in CI.`);
  console.warn(`\n!!! SKIPPING POSTGRESQL TESTS: ${why}\n`);
  return false;
}

/**
 * Starts a server. Call it from `beforeAll` (and `stop()` from `afterAll`), so that a
 * run whose filters skip every test starts nothing; resolves `undefined` when
 * {@link postgresAvailable} is false.
 */
export async function startPostgres(): Promise<PgServer | undefined> {
  const bin = findBinDir();
  if (bin === undefined) return undefined;
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'mlops-pg-'));
  const data = join(dir, 'data');
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  const exec = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args));
  await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await exec('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
        'start',
      ]);
      break;
    } catch (err) {
      if (attempt >= 2) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  let stopped = false;
  // Safety net: a test process that exits without calling stop() (a filtered run that
  // skips the hooks, a crash) still takes its server down with it.
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
    } catch {
      // already down
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);
  return {
    port,
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopSync);
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
