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
import type { PgClient, PgPool } from './driver';

/** The channel all mlops-kit stores notify on; payloads carry the schema. */
export const CHANNEL = 'mlops_kit_alias';

/** One listening connection shared by a store's subscribers. */
export class Notifier {
  readonly #listeners = new Set<(notice: AliasNotice) => void>();
  #client: Promise<PgClient> | undefined;

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

  #connect(): Promise<PgClient> {
    this.#client ??= (async () => {
      const client = await (await this.pool()).connect();
      client.on('notification', (msg) => {
        if (msg.channel !== CHANNEL || msg.payload === undefined) return;
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
        this.#client = undefined;
        client.release(true);
      });
      await client.query(`LISTEN ${CHANNEL}`);
      return client;
    })();
    this.#client.catch(() => {
      this.#client = undefined;
    });
    return this.#client;
  }

  /** Stops listening and returns the connection to the pool. */
  async close(): Promise<void> {
    const pending = this.#client;
    this.#client = undefined;
    if (pending === undefined) return;
    const client = await pending.catch(() => undefined);
    if (client === undefined) return;
    await client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
    client.release();
  }
}

/** The payload writers send with `pg_notify`. */
export function noticePayload(schema: string, name: string, alias: string): string {
  return JSON.stringify({ schema, name, alias });
}
