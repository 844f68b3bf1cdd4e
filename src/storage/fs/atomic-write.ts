/**
 * Crash-safe file writes: a reader sees the old file or the complete new one, never a
 * partial one.
 *
 * Every write goes to a temporary file in the store's `tmp/` directory (same file
 * system), is fsynced, then moved into place with `rename` (replace) or `link`
 * (exclusive create: fails with EEXIST when the name is taken, which is how versions
 * are allocated), and the parent directory is fsynced so the new name survives a
 * power loss.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** A unique temporary path in `tmpDir`; the pid in the name tells whose it was. */
export function tempPath(tmpDir: string): string {
  return join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
}

/**
 * fsyncs a directory so that entries created, renamed or removed in it are durable.
 * (Windows cannot open a directory for fsync; NTFS journals the metadata itself.)
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeTemp(tmpDir: string, data: Uint8Array | string, mode: number, sync: boolean): Promise<string> {
  const tmp = tempPath(tmpDir);
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    if (sync) await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return tmp;
}

/** Writes `data` to `path`, replacing any previous file atomically. */
export async function writeFileAtomic(tmpDir: string, path: string, data: Uint8Array | string, mode = 0o644): Promise<void> {
  const tmp = await writeTemp(tmpDir, data, mode, true);
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path));
}

/**
 * Creates `path` with `data` only if no file has that name: resolves `true` when it was
 * created, `false` when the name was taken. The file appears complete or not at all.
 *
 * @param durable - fsync the data and the directory (default `true`); lock files, which
 *   need not survive a power loss, skip it.
 */
export async function createExclusive(tmpDir: string, path: string, data: Uint8Array | string, durable = true): Promise<boolean> {
  const tmp = await writeTemp(tmpDir, data, 0o644, durable);
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  if (durable) await fsyncDir(dirname(path));
  return true;
}

/**
 * `mkdir -p`, then an fsync of the parent of every directory it created (each new
 * entry lives in its parent), so the whole new path survives a power loss.
 */
export async function ensureDir(path: string): Promise<void> {
  const created = await mkdir(path, { recursive: true });
  if (created === undefined) return;
  const first = resolve(created);
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    await fsyncDir(dirname(dir));
    if (dir === first || dirname(dir) === dir) return;
  }
}
