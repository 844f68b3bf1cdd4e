/**
 * Garbage collection of blobs that no live version references.
 *
 * Safe against a concurrent `register`, which writes the blob first and the metadata
 * second: a blob whose last `put` is younger than the grace period is never deleted,
 * and every `put` of an existing digest refreshes that time. The sweep is:
 *
 * 1. list the blobs whose last `put` is older than `now - graceMs` (the candidates);
 * 2. read the digests referenced by live versions;
 * 3. delete each unreferenced candidate with `delete(digest, { storedBefore: cutoff })`,
 *    which re-checks the time atomically, so a blob refreshed by a `register` after
 *    step 1 survives.
 *
 * A `register` that started its `put` before the cutoff and has not written its
 * metadata by step 2 would lose its blob; that needs a register slower than the grace
 * period (one hour by default).
 *
 * @module
 */
import { MlopsError, throwIfAborted } from '../errors';
import type { BlobStore, MetadataStore } from '../storage/contracts';

/** Options of `Registry.gc`. */
export interface GcOptions {
  /**
   * Blobs stored or refreshed within this many milliseconds are kept even when
   * unreferenced (default one hour). It must exceed the longest `register` and the
   * clock skew between the machines sharing the store.
   */
  graceMs?: number;
  /** Report what would be deleted without deleting (default `false`). */
  dryRun?: boolean;
  /** Cancels the sweep between blobs. */
  signal?: AbortSignal;
}

/** What a garbage collection found and did. */
export interface GcReport {
  /** Blobs listed. */
  scanned: number;
  /** Blobs a live version references (kept). */
  referenced: number;
  /** Unreferenced blobs kept because they are younger than the grace period (or refreshed during the sweep). */
  spared: number;
  /** Digests deleted (or, with `dryRun`, that would be). */
  deleted: string[];
  /** Bytes freed (or that would be). */
  freedBytes: number;
}

/** Default grace period: one hour. */
export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

/** Runs one sweep. See the module notes for the safety argument. */
export async function collectGarbage(metadata: MetadataStore, blobs: BlobStore, now: number, options: GcOptions = {}): Promise<GcReport> {
  const graceMs = options.graceMs ?? DEFAULT_GC_GRACE_MS;
  if (typeof graceMs !== 'number' || !Number.isFinite(graceMs) || graceMs < 0) {
    throw new MlopsError('INVALID_ARGUMENT', `gc graceMs must be a non-negative number of milliseconds, got ${String(graceMs)}.`);
  }
  const cutoff = now - graceMs;
  const report: GcReport = { scanned: 0, referenced: 0, spared: 0, deleted: [], freedBytes: 0 };
  const candidates: { digest: string; size: number }[] = [];
  const young = new Set<string>();
  for await (const blob of blobs.list()) {
    throwIfAborted(options.signal, 'garbage collection');
    report.scanned++;
    if (blob.storedAt < cutoff) candidates.push({ digest: blob.digest, size: blob.size });
    else young.add(blob.digest);
  }
  const referenced = await metadata.referencedDigests();
  for (const digest of young) {
    if (referenced.has(digest)) report.referenced++;
    else report.spared++;
  }
  for (const { digest, size } of candidates) {
    throwIfAborted(options.signal, 'garbage collection');
    if (referenced.has(digest)) {
      report.referenced++;
    } else if (options.dryRun === true || (await blobs.delete(digest, { storedBefore: cutoff }))) {
      report.deleted.push(digest);
      report.freedBytes += size;
    } else {
      report.spared++;
    }
  }
  return report;
}
