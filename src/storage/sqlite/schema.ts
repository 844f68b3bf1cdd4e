/**
 * The sqlite schema and its migrations. `mlops_schema` holds the applied version;
 * migrations run inside `BEGIN IMMEDIATE`, so concurrent openers apply each exactly once.
 *
 * @module
 */
import { MlopsError } from '../../errors';
import type { SqliteDatabase } from './driver';

/** Migrations, in order; index + 1 is the schema version each produces. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE mlops_models (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    next_version INTEGER NOT NULL
  );
  CREATE TABLE mlops_versions (
    name TEXT NOT NULL REFERENCES mlops_models(name),
    version INTEGER NOT NULL,
    digest TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    description TEXT NOT NULL,
    tags TEXT NOT NULL,
    artifact TEXT NOT NULL,
    source TEXT,
    deleted_at TEXT,
    PRIMARY KEY (name, version)
  );
  CREATE INDEX mlops_versions_digest ON mlops_versions(digest) WHERE deleted_at IS NULL;
  CREATE TABLE mlops_aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES mlops_versions(name, version)
  );
  CREATE TABLE mlops_alias_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    from_version INTEGER,
    to_version INTEGER,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE INDEX mlops_alias_history_name ON mlops_alias_history(name, alias, seq);
  CREATE TABLE mlops_blobs (
    digest TEXT PRIMARY KEY,
    bytes BLOB NOT NULL,
    size INTEGER NOT NULL,
    stored_at INTEGER NOT NULL
  );
  `,
];

/** Brings the schema to the latest version. */
export function migrate(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS mlops_schema (version INTEGER NOT NULL)');
  db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS v FROM mlops_schema').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > MIGRATIONS.length) {
      throw new MlopsError('STORE_CORRUPT', `The sqlite store has schema version ${current}; this version of mlops-kit knows up to ${MIGRATIONS.length}. Upgrade mlops-kit.`);
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]);
      db.prepare('INSERT INTO mlops_schema (version) VALUES (?)').run(v + 1);
    }
  }).immediate();
}
