/**
 * The errors every metadata store raises for the same conditions, so that all adapters
 * report them with the same codes and messages.
 *
 * @module
 */
import { MlopsError } from '../errors';

/** `REGISTRY_NOT_FOUND` for a version that does not exist or was deleted. */
export function versionNotFound(name: string, version: number): MlopsError {
  return new MlopsError(
    'REGISTRY_NOT_FOUND',
    `Model "${name}" has no version ${version} (it was never registered or was deleted). List versions with registry.listVersions("${name}").`,
    { details: { name, version } },
  );
}

/** `REGISTRY_NOT_FOUND` for removing or rolling back an alias that is not set. */
export function aliasNotFound(name: string, alias: string): MlopsError {
  return new MlopsError(
    'REGISTRY_NOT_FOUND',
    `Model "${name}" has no alias "${alias}". List its aliases with registry.getAliases("${name}").`,
    { details: { name, alias } },
  );
}

/** `REGISTRY_CONFLICT` for a failed compare-and-swap on an alias. */
export function aliasConflict(name: string, alias: string, expected: number | null, actual: number | null): MlopsError {
  return new MlopsError(
    'REGISTRY_CONFLICT',
    `Alias "${name}@${alias}" points at ${actual === null ? 'nothing' : `version ${actual}`}, not ${expected === null ? 'nothing' : `version ${expected}`} as expected: someone moved it concurrently. Read it again and retry.`,
    { details: { name, alias, expected, actual } },
  );
}

/** `REGISTRY_ALIAS_IN_USE` for deleting a version an alias points at. */
export function aliasInUse(name: string, version: number, aliases: string[]): MlopsError {
  return new MlopsError(
    'REGISTRY_ALIAS_IN_USE',
    `Version ${version} of "${name}" cannot be deleted while alias${aliases.length > 1 ? 'es' : ''} ${aliases.map((a) => `"${a}"`).join(', ')} point${aliases.length > 1 ? '' : 's'} at it. Move or remove the alias first.`,
    { details: { name, version, aliases } },
  );
}

/** `STORE_CORRUPT` for stored metadata that cannot be read back. */
export function storeCorrupt(what: string, cause?: unknown): MlopsError {
  return new MlopsError('STORE_CORRUPT', `The store holds unreadable metadata: ${what}. Restore it from a backup or remove the damaged entry.`, {
    details: { what },
    cause,
  });
}
