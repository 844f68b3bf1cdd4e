/**
 * The rules of an alias move, for stores that keep their state in memory or in files
 * and apply moves under their own lock (memory, fs, custom adapters).
 *
 * @module
 */
import type { AliasEvent, AliasMove } from './contracts';
import { aliasConflict, aliasNotFound, versionNotFound } from './store-errors';

/**
 * Checks a move against the alias's current target and builds the history entry.
 * Returns `null` when the alias already points at `move.to` (nothing to record).
 * Throws `REGISTRY_CONFLICT` when `move.expected` does not match, `REGISTRY_NOT_FOUND`
 * when the target is not live or the alias to remove is not set.
 *
 * @param current - the alias's current target, `null` when unset.
 * @param isLive - whether a version of the model is live.
 */
export function planAliasMove(move: AliasMove, current: number | null, isLive: (version: number) => boolean): AliasEvent | null {
  if (move.expected !== undefined && move.expected !== current) {
    throw aliasConflict(move.name, move.alias, move.expected, current);
  }
  if (move.to === null) {
    if (current === null) throw aliasNotFound(move.name, move.alias);
  } else if (!isLive(move.to)) {
    throw versionNotFound(move.name, move.to);
  }
  if (move.to === current) return null;
  return {
    name: move.name,
    alias: move.alias,
    from: current,
    to: move.to,
    action: move.action,
    by: move.by,
    at: move.at,
    reason: move.reason,
  };
}
