// The LISTEN connection's lifecycle, with a fake pool: no server needed, so the error
// paths (a failed LISTEN, a connection error after close) can be forced.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { PgClient, PgPool } from '../../src/storage/postgres/index';
import { CHANNEL, Notifier, noticePayload } from '../../src/storage/postgres/notifications';

class FakeClient extends EventEmitter {
  releases = 0;
  constructor(private readonly failListen = false) {
    super();
  }
  async query(text: string): Promise<{ rows: []; rowCount: 0 }> {
    if (this.failListen && text.startsWith('LISTEN')) throw new Error('permission denied');
    return { rows: [], rowCount: 0 };
  }
  release(): void {
    // pg throws on a second release of the same client.
    if (++this.releases > 1) throw new Error('Release called on client which has already been released to the pool.');
  }
}

function fakePool(clients: FakeClient[]): () => Promise<PgPool> {
  const pool = {
    connect: async () => {
      const c = clients.shift();
      if (c === undefined) throw new Error('no more clients');
      return c as unknown as PgClient;
    },
    query: async () => ({ rows: [], rowCount: 0 }),
    end: async () => undefined,
  };
  return async () => pool;
}

describe('Notifier', () => {
  it('releases a connection whose LISTEN failed, and connects again on the next subscribe', async () => {
    const broken = new FakeClient(true);
    const good = new FakeClient();
    const notifier = new Notifier(fakePool([broken, good]), 'public');
    await expect(notifier.subscribe(() => undefined)).rejects.toThrow(/permission denied/);
    expect(broken.releases).toBe(1);
    const seen: string[] = [];
    const stop = await notifier.subscribe((n) => seen.push(`${n.name}@${n.alias}`));
    good.emit('notification', { channel: CHANNEL, payload: noticePayload('public', 'fraud', 'production') });
    good.emit('notification', { channel: CHANNEL, payload: noticePayload('other_schema', 'fraud', 'production') });
    expect(seen).toEqual(['fraud@production']);
    await stop();
    expect(good.releases).toBe(1);
  });

  it('a connection error after close releases nothing twice and throws nothing', async () => {
    const client = new FakeClient();
    const notifier = new Notifier(fakePool([client]), 'public');
    const stop = await notifier.subscribe(() => undefined);
    await stop();
    expect(() => client.emit('error', new Error('connection terminated'))).not.toThrow();
    expect(client.releases).toBe(1);
  });

  it('after a connection error, notices stop and the next subscribe opens a new connection', async () => {
    const first = new FakeClient();
    const next = new FakeClient();
    const notifier = new Notifier(fakePool([first, next]), 'public');
    const seen: string[] = [];
    await notifier.subscribe((n) => seen.push(n.name));
    first.emit('error', new Error('connection terminated'));
    expect(() => first.emit('error', new Error('again'))).not.toThrow();
    expect(first.releases).toBe(1);
    first.emit('notification', { channel: CHANNEL, payload: noticePayload('public', 'late', 'production') });
    await notifier.subscribe((n) => seen.push(`again:${n.name}`));
    next.emit('notification', { channel: CHANNEL, payload: noticePayload('public', 'fraud', 'production') });
    expect(seen).toEqual(['fraud', 'again:fraud']);
    await notifier.close();
    expect(next.releases).toBe(1);
  });
});
