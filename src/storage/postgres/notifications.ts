/**
 * Alias-move notifications over LISTEN/NOTIFY. Writers call `pg_notify` inside their
 * transaction (delivered on commit); one dedicated connection per store listens and
 * fans notices out to subscribers. If that connection drops, subscribers stop hearing
 * notices and fall back to polling (the registry's watchers always poll too); the next
 * `subscribe` opens a new connection.
 *
 * @module
 */
import type { AliasNotice } from '../contracts';
import type { PgPool } from './driver';

/** The channel all mlops-kit stores notify on; payloads carry the schema. */
export const CHANNEL = 'mlops_kit_alias';

/** The listening connection, as the notifier holds it. */
interface Listening {
  /** Destroys the connection (once; later calls do nothing). */
  release(): void;
}

/** One listening connection shared by a store's subscribers. */
export class Notifier {
  readonly #listeners = new Set<(notice: AliasNotice) => void>();
  #connection: Promise<Listening> | undefined;

  constructor(
    private readonly pool: () => Promise<PgPool>,
    private readonly schema: string,
  ) {}

  async subscribe(listener: (notice: AliasNotice) => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    try {
      await this.#connect();
    } catch (err) {
      this.#listeners.delete(listener);
      throw err;
    }
    return async () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) await this.close();
    };
  }

  #connect(): Promise<Listening> {
    if (this.#connection !== undefined) return this.#connection;
    const forget = (): void => {
      if (this.#connection === connection) this.#connection = undefined;
    };
    const connection = this.#open(forget);
    this.#connection = connection;
    connection.catch(forget);
    return connection;
  }

  async #open(onLost: () => void): Promise<Listening> {
    const client = await (await this.pool()).connect();
    // Released exactly once (after an error, or by close()), and destroyed rather than
    // returned to the pool: it carries this LISTEN and these listeners, which stay
    // attached (a second release would throw from an event handler).
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      client.release(true);
    };
    client.on('notification', (msg) => {
      if (released || msg.channel !== CHANNEL || msg.payload === undefined) return;
      let notice: AliasNotice & { schema?: string };
      try {
        notice = JSON.parse(msg.payload) as AliasNotice & { schema?: string };
      } catch {
        return;
      }
      if (notice.schema !== this.schema) return;
      for (const l of this.#listeners) l({ name: notice.name, alias: notice.alias });
    });
    client.on('error', () => {
      if (released) return;
      release();
      onLost();
    });
    try {
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      release();
      throw err;
    }
    return { release };
  }

  /** Stops listening and closes the connection. */
  async close(): Promise<void> {
    const pending = this.#connection;
    this.#connection = undefined;
    (await pending?.catch(() => undefined))?.release();
  }
}

/** The payload writers send with `pg_notify`. */
export function noticePayload(schema: string, name: string, alias: string): string {
  return JSON.stringify({ schema, name, alias });
}
