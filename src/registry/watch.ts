/**
 * Polling (and, where the store can push, notification-driven) alias watching.
 *
 * @module
 */
import { MlopsError } from '../errors';
import type { AliasNotice } from '../storage/contracts';
import type { ModelVersion } from './types';

/** A move of a watched alias. */
export interface AliasChange {
  /** Model name. */
  name: string;
  /** Alias watched. */
  alias: string;
  /** The version the alias points at now, or `null` when it is unset (or, for `latest`, no live version). */
  version: ModelVersion | null;
  /** The version number it pointed at before; `undefined` for the initial report (`emitInitial`). */
  previous: number | null | undefined;
}

/** Options of `Registry.watch`. */
export interface WatchOptions {
  /** Poll period in milliseconds (default 5000; minimum 10). */
  intervalMs?: number;
  /** Also call back once with the state found by the first poll (default `false`). */
  emitInitial?: boolean;
  /** Stops the watcher when it fires. */
  signal?: AbortSignal;
  /**
   * Receives failures of polling or of the callback (default: `console.warn`). A failed
   * callback is retried on the next poll: the change counts as seen only once the
   * callback has succeeded.
   */
  onError?: (error: unknown) => void;
}

/** A running watcher. */
export interface AliasWatcher {
  /** Settles after the first poll (and its callback, with `emitInitial`). */
  readonly ready: Promise<void>;
  /** The version number last seen (`null`: unset; `undefined`: not polled yet). */
  readonly current: number | null | undefined;
  /** Triggers a poll now (for example from an operator's "reload" endpoint). */
  refresh(): Promise<void>;
  /** Stops polling and unsubscribes. Idempotent. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** What the registry hands to {@link startWatch}. @internal */
export interface WatchSource {
  name: string;
  alias: string;
  resolve: () => Promise<ModelVersion | null>;
  subscribe?: (listener: (notice: AliasNotice) => void) => Promise<() => Promise<void>>;
  onClose?: () => void;
}

/** Starts a watcher. @internal */
export function startWatch(source: WatchSource, callback: (change: AliasChange) => void | Promise<void>, options: WatchOptions = {}): AliasWatcher {
  const intervalMs = options.intervalMs ?? 5000;
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 10) {
    throw new MlopsError('INVALID_ARGUMENT', `watch intervalMs must be a number of milliseconds >= 10, got ${String(intervalMs)}.`);
  }
  if (typeof callback !== 'function') throw new MlopsError('INVALID_ARGUMENT', 'watch needs a callback function.');
  const onError = options.onError ?? ((err: unknown) => console.warn(`[mlops-kit] watch ${source.name}@${source.alias}:`, err));
  let closed = false;
  let current: number | null | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let unsubscribe: (() => Promise<void>) | undefined;

  const pollOnce = async (): Promise<void> => {
    if (closed) return; // closed before the first poll: do not query a store being closed
    try {
      const found = await source.resolve();
      if (closed) return;
      const next = found === null ? null : found.version;
      const previous = current;
      if (previous === undefined ? options.emitInitial !== true : previous === next) {
        current = next;
        return;
      }
      current = next;
      try {
        await callback({ name: source.name, alias: source.alias, version: found, previous });
      } catch (err) {
        current = previous; // retried on the next poll
        if (!closed) onError(err);
      }
    } catch (err) {
      if (!closed) onError(err);
    }
  };
  const poll = (): Promise<void> => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await pollOnce();
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(() => void poll().then(schedule), intervalMs);
  };
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    source.onClose?.();
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    const stop = unsubscribe;
    unsubscribe = undefined;
    if (stop !== undefined) await stop().catch(onError);
    await running;
  };
  const onAbort = (): void => void close();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const subscribed =
    source.subscribe === undefined
      ? Promise.resolve()
      : source
          .subscribe((notice) => {
            if (!closed && notice.name === source.name && notice.alias === source.alias) void poll();
          })
          .then(
            (stop) => {
              if (closed) return stop();
              unsubscribe = stop;
            },
            (err: unknown) => onError(err),
          );
  const ready = subscribed.then(() => poll()).then(schedule);
  if (options.signal?.aborted === true) void close();

  return {
    ready,
    get current() {
      return current;
    },
    refresh: poll,
    close,
    [Symbol.asyncDispose]: close,
  };
}
