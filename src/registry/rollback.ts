/**
 * Where `rollback` sends an alias: an undo over the alias history.
 *
 * Every `set` or `remove` pushes the target it replaced; every `rollback` pops one.
 * Rolling back twice therefore goes two steps back (3 -> 2 -> 1), not back and forth.
 *
 * @module
 */
import type { AliasEvent } from '../storage/contracts';

/**
 * The target a rollback would restore, given the alias's history (oldest first):
 * `{ to }`, where `to` is `null` when the previous state is "unset", or `undefined`
 * when there is nothing to undo.
 */
export function rollbackTarget(history: readonly AliasEvent[]): { to: number | null; current: number | null } | undefined {
  const stack: (number | null)[] = [];
  for (const e of history) {
    if (e.action === 'rollback') stack.pop();
    else stack.push(e.from);
  }
  if (stack.length === 0) return undefined;
  const current = history.length === 0 ? null : history[history.length - 1].to;
  return { to: stack[stack.length - 1], current };
}
