/**
 * Model references: `fraud@production` (an alias), `fraud/3` (a version),
 * `fraud@latest` (the highest live version).
 *
 * @module
 */
import { MlopsError } from '../errors';
import { validateAlias, validateModelName, validateVersion } from './names';

/** A parsed reference: a model and either a version or an alias. */
export type ModelReference = { name: string; version: number; alias?: undefined } | { name: string; alias: string; version?: undefined };

/**
 * Parses `name@alias` or `name/version`, or validates an object reference.
 * Throws `REGISTRY_INVALID_NAME` (bad name or alias, or a reference with neither part).
 *
 * @example
 * ```ts
 * parseReference('fraud@production'); // { name: 'fraud', alias: 'production' }
 * parseReference('fraud/3');          // { name: 'fraud', version: 3 }
 * ```
 */
export function parseReference(ref: string | ModelReference): ModelReference {
  if (typeof ref === 'object' && ref !== null) {
    const name = validateModelName(ref.name);
    return ref.alias !== undefined ? { name, alias: validateAlias(ref.alias, true) } : { name, version: validateVersion(ref.version) };
  }
  if (typeof ref !== 'string') {
    throw new MlopsError('REGISTRY_INVALID_NAME', `A model reference is a string such as "fraud@production" or "fraud/3", got ${typeof ref}.`);
  }
  const at = ref.indexOf('@');
  if (at >= 0) return { name: validateModelName(ref.slice(0, at)), alias: validateAlias(ref.slice(at + 1), true) };
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    const name = validateModelName(ref.slice(0, slash));
    const v = ref.slice(slash + 1);
    if (!/^[1-9]\d{0,15}$/.test(v)) {
      throw new MlopsError('REGISTRY_INVALID_NAME', `Invalid version in reference ${JSON.stringify(ref.slice(0, 200))}: after "/" comes a version number such as "${name}/3".`, { details: { ref: ref.slice(0, 200) } });
    }
    return { name, version: validateVersion(Number(v)) };
  }
  throw new MlopsError(
    'REGISTRY_INVALID_NAME',
    `Reference ${JSON.stringify(ref.slice(0, 200))} names no version or alias: write "${ref.slice(0, 100)}@production", "${ref.slice(0, 100)}/3" or "${ref.slice(0, 100)}@latest".`,
    { details: { ref: ref.slice(0, 200) } },
  );
}

/** Formats a reference back to its string form. */
export function formatReference(ref: ModelReference): string {
  return ref.alias !== undefined ? `${ref.name}@${ref.alias}` : `${ref.name}/${ref.version}`;
}
