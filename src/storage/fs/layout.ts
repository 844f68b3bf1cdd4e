/**
 * Where everything lives under the store's root directory:
 *
 * ```
 * <root>/
 *   mlops-store.json                  format marker: {"format":"mlops-kit/fs-store","version":1}
 *   tmp/                              temporary files, moved into place by rename/link
 *   blobs/sha256/<d0d1>/<digest>      artifact bytes (read-only files); mtime = last put
 *   blobs/trash/                      blobs being deleted by gc (see FsBlobStore.delete)
 *   models/<name>/model.json          {"name","createdAt"}; a model exists once this exists
 *   models/<name>/versions/<v>.json   version record, <v> zero-padded to 10 digits
 *   models/<name>/versions/<v>.deleted  tombstone: the version was deleted
 *   models/<name>/history/<seq>.json  alias history entry <seq> (zero-padded, from 1)
 *   models/<name>/aliases.json        current aliases: {"seq": <last applied history seq>, "aliases": {...}}
 *   models/<name>/lock/<gen>.json     model lock, generation <gen> (see model-lock.ts)
 * ```
 *
 * @module
 */
import { join } from 'node:path';

/** Format marker written at the root. */
export const FORMAT = { format: 'mlops-kit/fs-store', version: 1 } as const;

const PAD = 10;

/** Zero-pads a version or sequence number so names sort in numeric order. */
export function pad(n: number): string {
  return String(n).padStart(PAD, '0');
}

/** `0000000003.json` -> 3, else undefined. */
export function parseNumbered(file: string, suffix: '.json' | '.deleted'): number | undefined {
  if (file.length !== PAD + suffix.length || !file.endsWith(suffix)) return undefined;
  const digits = file.slice(0, PAD);
  return /^\d+$/.test(digits) ? Number(digits) : undefined;
}

/** Paths under one root. */
export class Layout {
  constructor(readonly root: string) {}

  get marker(): string {
    return join(this.root, 'mlops-store.json');
  }
  get tmp(): string {
    return join(this.root, 'tmp');
  }
  get blobs(): string {
    return join(this.root, 'blobs', 'sha256');
  }
  get trash(): string {
    return join(this.root, 'blobs', 'trash');
  }
  blob(digest: string): string {
    return join(this.blobs, digest.slice(0, 2), digest);
  }
  get models(): string {
    return join(this.root, 'models');
  }
  model(name: string): string {
    return join(this.models, name);
  }
  modelFile(name: string): string {
    return join(this.models, name, 'model.json');
  }
  versions(name: string): string {
    return join(this.models, name, 'versions');
  }
  version(name: string, version: number): string {
    return join(this.models, name, 'versions', `${pad(version)}.json`);
  }
  tombstone(name: string, version: number): string {
    return join(this.models, name, 'versions', `${pad(version)}.deleted`);
  }
  history(name: string): string {
    return join(this.models, name, 'history');
  }
  historyEntry(name: string, seq: number): string {
    return join(this.models, name, 'history', `${pad(seq)}.json`);
  }
  aliases(name: string): string {
    return join(this.models, name, 'aliases.json');
  }
  lock(name: string): string {
    return join(this.models, name, 'lock');
  }
}
