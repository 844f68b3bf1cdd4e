/**
 * A per-model lock that works across processes on one machine and recovers from a
 * holder killed while holding it, without the race of classic stale-lock breaking.
 *
 * The lock is a sequence of generations in `models/<name>/lock/`: generation `g` is held
 * by whoever created `<g>.json` (exclusive create); it is released by creating
 * `<g>.free`. To acquire, a process finds the highest generation `g` and, when `g` is
 * free or its holder is dead (same host, pid gone) or older than `staleMs`, creates
 * `<g+1>.json` exclusively. Exactly one contender can create a given generation, so a
 * stale lock is broken by exactly one process, and a live holder can never lose its
 * generation to another breaker. The new holder removes older generations.
 *
 * Within one process, callers for the same model also queue in memory, so they do not
 * poll the directory.
 *
 * @module
 */
import { readdir, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MlopsError } from '../../errors';
import { createExclusive, ensureDir } from './atomic-write';
import { pad } from './layout';
import { isNotFound, readJson } from './read-json';

/** Lock timing. */
export interface LockOptions {
  /** Give up with `STORE_UNAVAILABLE` after waiting this long. */
  timeoutMs: number;
  /** A lock held longer than this is considered abandoned (its holder hung or its pid was reused). */
  staleMs: number;
}

interface Holder {
  pid: number;
  host: string;
  at: number;
}

const HOST = hostname();
const queues = new Map<string, Promise<unknown>>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(h: Holder, staleMs: number): boolean {
  if (Date.now() - h.at > staleMs) return true;
  return h.host === HOST && h.pid !== process.pid && !pidAlive(h.pid);
}

async function scan(dir: string): Promise<{ gen: number; free: boolean }> {
  let gen = 0;
  const free = new Set<number>();
  for (const f of await readdir(dir)) {
    const m = /^(\d{10})\.(json|free)$/.exec(f);
    if (m === null) continue;
    const g = Number(m[1]);
    if (m[2] === 'free') free.add(g);
    else if (g > gen) gen = g;
  }
  return { gen, free: free.has(gen) };
}

async function acquire(tmpDir: string, dir: string, options: LockOptions): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let wait = 1;
  let holder: Holder | undefined;
  for (;;) {
    const { gen, free } = await scan(dir);
    let takeable = gen === 0 || free;
    if (!takeable) {
      holder = await readJson<Holder>(join(dir, `${pad(gen)}.json`));
      if (holder === undefined) continue; // removed by a newer holder: look again
      takeable = isStale(holder, options.staleMs);
    }
    if (takeable) {
      const mine = gen + 1;
      const me: Holder = { pid: process.pid, host: HOST, at: Date.now() };
      if (await createExclusive(tmpDir, join(dir, `${pad(mine)}.json`), JSON.stringify(me), false)) {
        await removeOlder(dir, mine);
        return mine;
      }
      continue; // another contender took this generation
    }
    if (Date.now() > deadline) {
      throw new MlopsError(
        'STORE_UNAVAILABLE',
        `Timed out after ${options.timeoutMs} ms waiting for the lock ${dir}, held by pid ${holder?.pid} on ${holder?.host} since ${new Date(holder?.at ?? 0).toISOString()}. If that process is gone and the lock is not released within ${options.staleMs} ms, delete the directory.`,
        { details: { lock: dir, holder } },
      );
    }
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}

async function removeOlder(dir: string, mine: number): Promise<void> {
  for (const f of await readdir(dir)) {
    const m = /^(\d{10})\.(json|free)$/.exec(f);
    if (m !== null && Number(m[1]) < mine) {
      await unlink(join(dir, f)).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }
}

/** Runs `fn` while holding the lock whose directory is `dir`. */
export async function withLock<T>(tmpDir: string, dir: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(dir) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    await ensureDir(dir);
    const gen = await acquire(tmpDir, dir, options);
    try {
      return await fn();
    } finally {
      await writeFile(join(dir, `${pad(gen)}.free`), '', { flag: 'wx' }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      });
    }
  });
  queues.set(dir, run);
  try {
    return await run;
  } finally {
    if (queues.get(dir) === run) queues.delete(dir);
  }
}
