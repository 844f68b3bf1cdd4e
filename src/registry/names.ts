/**
 * Validation of everything a caller names: models, aliases, version numbers, tags,
 * free text. Names become directory names (fs) and SQL values (always bound), so they
 * are restricted to a portable charset: no path separators, no `..`, no upper case
 * (case-insensitive file systems would merge `Fraud` and `fraud`).
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { Tags } from '../storage/contracts';

const NAME = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;
const TAG_KEY = /^[A-Za-z0-9_.:/-]+$/;

/** Longest model name. */
export const MAX_NAME_LENGTH = 128;
/** Longest alias. */
export const MAX_ALIAS_LENGTH = 64;
/** The computed alias: the highest live version. It cannot be set. */
export const LATEST = 'latest';

const LIMITS = { tags: 64, tagKey: 128, tagValue: 4096, description: 10_000, actor: 256, reason: 2_000 };

function invalid(message: string, details: Record<string, unknown>): MlopsError {
  return new MlopsError('REGISTRY_INVALID_NAME', message, { details });
}

function checkName(kind: 'model name' | 'alias', value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !NAME.test(value) || value.includes('..')) {
    throw invalid(
      `Invalid ${kind} ${JSON.stringify(typeof value === 'string' ? value.slice(0, 200) : value)}: use 1 to ${max} characters from a-z, 0-9, ".", "_" and "-", starting and ending with a letter or digit, without "..", e.g. ${kind === 'alias' ? '"production"' : '"fraud-detector"'}.`,
      { kind, value: typeof value === 'string' ? value.slice(0, 200) : String(value) },
    );
  }
  return value;
}

/** Names Windows reserves for devices: a folder so named breaks the fs store there. */
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/;

/** Returns `name` when it is a valid model name; throws `REGISTRY_INVALID_NAME` otherwise. */
export function validateModelName(name: unknown): string {
  const value = checkName('model name', name, MAX_NAME_LENGTH);
  if (WINDOWS_DEVICES.test(value)) {
    throw invalid(`The model name "${value}" is a device name on Windows (con, prn, aux, nul, com1-9, lpt1-9), where the fs store could not hold it. Choose another name.`, {
      kind: 'model name',
      value,
    });
  }
  return value;
}

/**
 * Returns `alias` when it is a valid alias; throws `REGISTRY_INVALID_NAME` otherwise.
 * Aliases follow the model-name rules, are at most 64 characters and cannot be all
 * digits (that would read as a version number).
 *
 * @param allowLatest - whether the computed alias `latest` is acceptable (reads: yes; moves: no).
 */
export function validateAlias(alias: unknown, allowLatest: boolean): string {
  const value = checkName('alias', alias, MAX_ALIAS_LENGTH);
  if (/^\d+$/.test(value)) {
    throw invalid(`Invalid alias "${value}": an alias cannot be all digits (it would read as a version number). Use a word such as "production".`, { kind: 'alias', value });
  }
  if (!allowLatest && value === LATEST) {
    throw invalid(`The alias "latest" is reserved: it always means the highest live version and cannot be set or removed. Use another alias, e.g. "production".`, { kind: 'alias', value });
  }
  return value;
}

/** Returns `version` when it is a positive safe integer; throws `INVALID_ARGUMENT` otherwise. */
export function validateVersion(version: unknown): number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new MlopsError('INVALID_ARGUMENT', `A version number must be a positive integer (1, 2, ...), got ${JSON.stringify(version)}.`, { details: { version } });
  }
  return version;
}

/** Checks tags: string values, portable keys, bounded sizes. Returns a plain copy. */
export function validateTags(tags: unknown): Tags {
  if (tags === undefined) return {};
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw new MlopsError('INVALID_ARGUMENT', `tags must be an object of string values, e.g. { team: "risk" }.`);
  }
  const entries = Object.entries(tags);
  if (entries.length > LIMITS.tags) {
    throw new MlopsError('INVALID_ARGUMENT', `At most ${LIMITS.tags} tags per version, got ${entries.length}.`);
  }
  const out: Tags = {};
  for (const [key, value] of entries) {
    // `__proto__` fits the charset but cannot be an ordinary key: assigned, it would vanish
    // (and a filter on it would match every version).
    if (key.length > LIMITS.tagKey || !TAG_KEY.test(key) || key === '__proto__') {
      throw new MlopsError('INVALID_ARGUMENT', `Invalid tag key ${JSON.stringify(key.slice(0, 200))}: use 1 to ${LIMITS.tagKey} characters from A-Z, a-z, 0-9, "_", ".", ":", "/" and "-" (not "__proto__").`, { details: { key } });
    }
    if (typeof value !== 'string' || value.length > LIMITS.tagValue) {
      throw new MlopsError('INVALID_ARGUMENT', `Tag "${key}" must be a string of at most ${LIMITS.tagValue} characters (convert numbers with String()).`, { details: { key } });
    }
    out[key] = value;
  }
  return out;
}

/** Checks a bounded free-text field (`description`, `reason`, `by`). */
export function validateText(field: 'description' | 'reason' | 'by', value: unknown): string {
  const max = field === 'by' ? LIMITS.actor : LIMITS[field];
  if (typeof value !== 'string' || value.length > max || (field === 'by' && value.length === 0)) {
    throw new MlopsError('INVALID_ARGUMENT', `${field} must be a ${field === 'by' ? 'non-empty ' : ''}string of at most ${max} characters.`, { details: { field } });
  }
  return value;
}
