/**
 * Row <-> record mapping shared by the SQL adapters (sqlite, postgres). Both use the
 * same column names; they differ in how JSON and timestamps come back from the driver.
 *
 * @module
 */
import type { AliasAction, AliasEvent, AliasRecord, ModelRecord, VersionRecord } from './contracts';

/** A row of the versions table as a driver returns it. */
export interface VersionRow {
  name: string;
  version: number | string;
  digest: string;
  size: number | string;
  created_at: string | Date;
  created_by: string;
  description: string;
  tags: string | Record<string, string>;
  artifact: string | Record<string, unknown>;
  source: string | Record<string, unknown> | null;
}

/** A row of the aliases table. */
export interface AliasRow {
  alias: string;
  version: number | string;
  updated_at: string | Date;
  updated_by: string;
}

/** A row of the alias history table. */
export interface HistoryRow {
  name: string;
  alias: string;
  from_version: number | string | null;
  to_version: number | string | null;
  action: string;
  actor: string;
  at: string | Date;
  reason: string;
}

/** A row of the models listing query. */
export interface ModelRow {
  name: string;
  created_at: string | Date;
  latest_version: number | string | null;
  version_count: number | string;
}

function iso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

function json<T>(value: string | T): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

function num(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

function numOrNull(value: number | string | null): number | null {
  return value === null ? null : num(value);
}

/** Builds a version record from a row. */
export function toVersion(row: VersionRow): VersionRecord {
  const record: VersionRecord = {
    name: row.name,
    version: num(row.version),
    digest: row.digest,
    size: num(row.size),
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
    description: row.description,
    tags: json(row.tags),
    artifact: json(row.artifact),
  };
  if (row.source !== null) record.source = json(row.source) as unknown as VersionRecord['source'];
  return record;
}

/** Builds an alias record from a row. */
export function toAlias(row: AliasRow): AliasRecord {
  return { alias: row.alias, version: num(row.version), updatedAt: iso(row.updated_at), updatedBy: row.updated_by };
}

/** Builds a history entry from a row. */
export function toEvent(row: HistoryRow): AliasEvent {
  return {
    name: row.name,
    alias: row.alias,
    from: numOrNull(row.from_version),
    to: numOrNull(row.to_version),
    action: row.action as AliasAction,
    by: row.actor,
    at: iso(row.at),
    reason: row.reason,
  };
}

/** Builds a model record from a row. */
export function toModel(row: ModelRow): ModelRecord {
  return { name: row.name, createdAt: iso(row.created_at), latestVersion: numOrNull(row.latest_version), versionCount: num(row.version_count) };
}
