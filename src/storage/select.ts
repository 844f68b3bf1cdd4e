/**
 * Filtering and paging over records held in memory, shared by the memory and fs
 * adapters and handy for custom adapters: load the candidate records, then let these
 * functions apply a {@link VersionQuery} or {@link ModelQuery} exactly as the SQL
 * adapters do.
 *
 * Cursors are the last item's version number (versions) or name (models), as strings.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { ModelQuery, ModelRecord, Page, Tags, VersionQuery, VersionRecord } from './contracts';

/** The version number a version-listing cursor holds; `INVALID_ARGUMENT` for anything else. */
export function versionCursor(cursor: string): number {
  if (!/^\d{1,16}$/.test(cursor)) {
    throw new MlopsError('INVALID_ARGUMENT', `Invalid cursor ${JSON.stringify(cursor.slice(0, 40))}: pass the nextCursor of a previous listVersions page.`);
  }
  return Number(cursor);
}

/** Whether `tags` contains every key/value pair of `wanted`. */
export function tagsMatch(tags: Tags, wanted: Tags | undefined): boolean {
  if (wanted === undefined) return true;
  for (const key of Object.keys(wanted)) {
    if (!Object.prototype.hasOwnProperty.call(tags, key) || tags[key] !== wanted[key]) return false;
  }
  return true;
}

/** Whether a version satisfies the filters of a query (tags, created-at range). */
export function versionMatches(record: VersionRecord, query: Pick<VersionQuery, 'tags' | 'createdFrom' | 'createdTo'>): boolean {
  if (query.createdFrom !== undefined && record.createdAt < query.createdFrom) return false;
  if (query.createdTo !== undefined && record.createdAt >= query.createdTo) return false;
  return tagsMatch(record.tags, query.tags);
}

/** Applies a version query (filters, order, cursor, limit) to live records of one model. */
export function selectVersions(records: Iterable<VersionRecord>, query: VersionQuery): Page<VersionRecord> {
  const after = query.cursor === undefined ? undefined : versionCursor(query.cursor);
  const desc = query.order === 'desc';
  const matching: VersionRecord[] = [];
  for (const r of records) {
    if (after !== undefined && (desc ? r.version >= after : r.version <= after)) continue;
    if (versionMatches(r, query)) matching.push(r);
  }
  matching.sort((a, b) => (desc ? b.version - a.version : a.version - b.version));
  return page(matching, query.limit, (r) => String(r.version));
}

/** Applies a model query (prefix, cursor, limit) to model records. */
export function selectModels(records: Iterable<ModelRecord>, query: ModelQuery): Page<ModelRecord> {
  const matching: ModelRecord[] = [];
  for (const m of records) {
    if (query.cursor !== undefined && m.name <= query.cursor) continue;
    if (query.prefix !== undefined && !m.name.startsWith(query.prefix)) continue;
    matching.push(m);
  }
  matching.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return page(matching, query.limit, (m) => m.name);
}

function page<T>(sorted: T[], limit: number, cursorOf: (item: T) => string): Page<T> {
  if (sorted.length <= limit) return { items: sorted };
  const items = sorted.slice(0, limit);
  return { items, nextCursor: cursorOf(items[items.length - 1]) };
}
