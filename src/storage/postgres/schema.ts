/**
 * The PostgreSQL schema and its migrations. Applied versions are recorded in
 * `mlops_schema_migrations`; the migration runs in one transaction under
 * `pg_advisory_xact_lock`, so concurrent processes starting at once apply each step
 * exactly once (DDL is transactional in PostgreSQL).
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { PgClient } from './driver';

/** Migrations in order; `s` is the quoted schema name. Index + 1 is the version each produces. */
export const MIGRATIONS: readonly ((s: string) => string)[] = [
  (s) => `
  CREATE TABLE ${s}.mlops_models (
    name text COLLATE "C" PRIMARY KEY,
    created_at timestamptz NOT NULL,
    next_version bigint NOT NULL
  );
  CREATE TABLE ${s}.mlops_versions (
    name text COLLATE "C" NOT NULL REFERENCES ${s}.mlops_models(name),
    version bigint NOT NULL,
    digest text NOT NULL,
    size bigint NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    description text NOT NULL,
    tags jsonb NOT NULL,
    artifact jsonb NOT NULL,
    source jsonb,
    deleted_at timestamptz,
    PRIMARY KEY (name, version)
  );
  CREATE INDEX mlops_versions_digest ON ${s}.mlops_versions (digest) WHERE deleted_at IS NULL;
  CREATE TABLE ${s}.mlops_aliases (
    name text COLLATE "C" NOT NULL,
    alias text COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES ${s}.mlops_versions (name, version)
  );
  CREATE TABLE ${s}.mlops_alias_history (
    seq bigserial PRIMARY KEY,
    name text COLLATE "C" NOT NULL,
    alias text COLLATE "C" NOT NULL,
    from_version bigint,
    to_version bigint,
    action text NOT NULL,
    actor text NOT NULL,
    at timestamptz NOT NULL,
    reason text NOT NULL
  );
  CREATE INDEX mlops_alias_history_name ON ${s}.mlops_alias_history (name, alias, seq);
  CREATE TABLE ${s}.mlops_blobs (
    digest text PRIMARY KEY,
    bytes bytea NOT NULL,
    size bigint NOT NULL,
    stored_at bigint NOT NULL
  );
  -- Artifacts are mostly float tensors that do not compress: store out of line, uncompressed.
  ALTER TABLE ${s}.mlops_blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;
  `,
];

/** Brings the schema to the latest version, inside the caller's transaction. */
export async function migrate(client: PgClient, schema: string, quoted: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mlops-kit:${schema}`]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${quoted}.mlops_schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const { rows } = await client.query(`SELECT COALESCE(MAX(version), 0) AS v FROM ${quoted}.mlops_schema_migrations`);
  const current = Number(rows[0].v);
  if (current > MIGRATIONS.length) {
    throw new MlopsError('STORE_CORRUPT', `Schema "${schema}" is at mlops-kit schema version ${current}; this version of mlops-kit knows up to ${MIGRATIONS.length}. Upgrade mlops-kit.`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    await client.query(MIGRATIONS[v](quoted));
    await client.query(`INSERT INTO ${quoted}.mlops_schema_migrations (version) VALUES ($1)`, [v + 1]);
  }
}
