import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ConnectionState } from './connection.ts';
import { connect, type VaneClient } from './client.ts';
import { VaneClientError } from './errors.ts';
import type { ConnectOptions } from './options.ts';
import { FakeServer } from './test-server.ts';

let server: FakeServer;
let client: VaneClient | undefined;

beforeEach(async () => {
  server = await FakeServer.start();
});

afterEach(async () => {
  client?.close();
  client = undefined;
  await server.stop();
});

function open(options: ConnectOptions = {}): VaneClient {
  client = connect(server.url, {
    WebSocket,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<VaneClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VaneClientError) return error;
    throw error;
  }
  throw new Error('resolved, expected a rejection');
}

describe('VaneClient requests', { timeout: 5_000 }, () => {
  it('offers vane.v1 and the token as subprotocols', async () => {
    open({ token: 'abc.def.ghi' });
    const connection = await server.nextConnection();
    expect(connection.protocols).toEqual(['vane.v1', 'token.abc.def.ghi']);
  });

  it('offers only vane.v1 without a token', async () => {
    open();
    expect((await server.nextConnection()).protocols).toEqual(['vane.v1']);
  });

  it('queues requests made before the socket opens and matches answers by id', async () => {
    const vane = open();
    const first = vane.publish('trades', [{ trade_id: 't1' }]);
    const second = vane.publish('trades', [{ trade_id: 't2' }, { trade_id: 't3' }]);
    const connection = await server.nextConnection();
    const a = await connection.next('publish');
    const b = await connection.next('publish');
    expect(a.events).toEqual([{ trade_id: 't1' }]);
    expect(b.events).toEqual([{ trade_id: 't2' }, { trade_id: 't3' }]);
    expect(a.id).not.toBe(b.id);
    connection.send({ type: 'ack', id: b.id, accepted: 1, duplicates: 1 });
    connection.send({ type: 'ack', id: a.id, accepted: 1, duplicates: 0 });
    await expect(first).resolves.toEqual({ accepted: 1, duplicates: 0 });
    await expect(second).resolves.toEqual({ accepted: 1, duplicates: 1 });
  });

  it('rejects with a VaneClientError built from the error frame', async () => {
    const vane = open();
    const result = vane.sql('SELEC 1');
    const connection = await server.nextConnection();
    const frame = await connection.next('sql');
    expect(frame.sql).toBe('SELEC 1');
    connection.send({
      type: 'error',
      id: frame.id,
      code: 'SQL_SYNTAX',
      message: 'expected a statement',
      temporary: false,
      line: 1,
      column: 1,
    });
    const error = await rejection(result);
    expect(error).toMatchObject({
      name: 'VaneClientError',
      code: 'SQL_SYNTAX',
      message: 'expected a statement',
      temporary: false,
      line: 1,
      column: 1,
    });
  });

  it("resolves sql with the result frame's results", async () => {
    const vane = open();
    const result = vane.sql('SHOW STREAMS');
    const connection = await server.nextConnection();
    const frame = await connection.next('sql');
    const results = [
      { statement: 'SHOW STREAMS', message: '1 stream', rows: [{ name: 'trades' }] },
    ];
    connection.send({ type: 'result', id: frame.id, ok: true, results, rows: [] });
    await expect(result).resolves.toEqual(results);
  });

  it('times out a request that gets no answer, and ignores a late answer', async () => {
    const vane = open({ requestTimeoutMs: 30 });
    const result = vane.publish('trades', [{ trade_id: 't1' }]);
    const connection = await server.nextConnection();
    const frame = await connection.next('publish');
    const error = await rejection(result);
    expect(error.code).toBe('TIMEOUT');
    expect(error.temporary).toBe(true);
    connection.send({ type: 'ack', id: frame.id, accepted: 1, duplicates: 0 });
    const later = vane.sql('SHOW VIEWS');
    const next = await connection.next('sql');
    connection.send({ type: 'result', id: next.id, ok: true, results: [], rows: [] });
    await expect(later).resolves.toEqual([]);
  });

  it('retries a publish refused with a temporary error, sending the same events', async () => {
    const vane = open({ reconnect: { initialDelayMs: 1, maxDelayMs: 5 } });
    const events = [{ trade_id: 't1', price: 1 }];
    const result = vane.publish('trades', events);
    const connection = await server.nextConnection();
    const first = await connection.next('publish');
    connection.send({
      type: 'error',
      id: first.id,
      code: 'OVERLOADED',
      message: 'try later',
      temporary: true,
    });
    const second = await connection.next('publish');
    expect(second).toEqual(first);
    connection.send({ type: 'ack', id: second.id, accepted: 1, duplicates: 0 });
    await expect(result).resolves.toEqual({ accepted: 1, duplicates: 0 });
  });

  it('gives up after maxPublishRetries temporary errors and rejects a permanent one at once', async () => {
    const vane = open({ reconnect: { initialDelayMs: 1, maxDelayMs: 2 }, maxPublishRetries: 2 });
    const result = vane.publish('trades', [{ trade_id: 't1' }]);
    const connection = await server.nextConnection();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const frame = await connection.next('publish');
      connection.send({
        type: 'error',
        id: frame.id,
        code: 'RATE_LIMITED',
        message: 'slow down',
        temporary: true,
      });
    }
    expect((await rejection(result)).code).toBe('RATE_LIMITED');
    expect(connection.received.filter((frame) => frame.type === 'publish')).toHaveLength(3);

    const invalid = vane.publish('trades', [{ trade_id: 7 }]);
    const frame = await connection.next('publish');
    connection.send({
      type: 'error',
      id: frame.id,
      code: 'INVALID_EVENT',
      message: 'event 0: trade_id: expected STRING, got number',
      temporary: false,
    });
    expect((await rejection(invalid)).code).toBe('INVALID_EVENT');
  });

  it('close() rejects pending requests with CLOSED and closes the socket with 1000', async () => {
    const states: ConnectionState[] = [];
    const vane = open({ onStateChange: (state) => states.push(state) });
    const pending = vane.publish('trades', [{ trade_id: 't1' }]);
    const connection = await server.nextConnection();
    await connection.next('publish');
    const code = new Promise<number>((resolve) => connection.socket.on('close', resolve));
    vane.close();
    expect((await rejection(pending)).code).toBe('CLOSED');
    expect(await code).toBe(1000);
    expect(states).toEqual(['connecting', 'open', 'closed']);
    expect(vane.state).toBe('closed');
    expect((await rejection(vane.sql('SHOW VIEWS'))).code).toBe('CLOSED');
    const table = vane.subscribe('last_price');
    expect((await rejection(table.ready)).code).toBe('CLOSED');
  });

  it('close() while the socket is still connecting settles everything quietly', async () => {
    const states: ConnectionState[] = [];
    const vane = open({ onStateChange: (state) => states.push(state) });
    const pending = vane.publish('trades', [{ trade_id: 't1' }]);
    const table = vane.subscribe('last_price');
    vane.close();
    vane.close();
    expect((await rejection(pending)).code).toBe('CLOSED');
    expect((await rejection(table.ready)).code).toBe('CLOSED');
    expect(states).toEqual(['connecting', 'closed']);
  });

  it('refuses a request past maxPendingRequests with QUEUE_FULL, and takes more once answers come', async () => {
    const vane = open({ maxPendingRequests: 2 });
    // Not yet connected: both wait for the connection; a third is refused at once.
    const first = vane.publish('trades', [{ trade_id: 't1' }]);
    const second = vane.publish('trades', [{ trade_id: 't2' }]);
    const refused = await rejection(vane.publish('trades', [{ trade_id: 't3' }]));
    expect(refused).toMatchObject({ code: 'QUEUE_FULL', temporary: true });
    expect(refused.message).toMatch(/2 requests already wait/);
    const connection = await server.nextConnection();
    const a = await connection.next('publish');
    await connection.next('publish');
    // Sent but unanswered still count.
    expect((await rejection(vane.sql('SHOW VIEWS'))).code).toBe('QUEUE_FULL');
    connection.send({ type: 'ack', id: a.id, accepted: 1, duplicates: 0 });
    await expect(first).resolves.toEqual({ accepted: 1, duplicates: 0 });
    const third = vane.publish('trades', [{ trade_id: 't3' }]);
    expect((await connection.next('publish')).events).toEqual([{ trade_id: 't3' }]);
    vane.close();
    expect((await rejection(second)).code).toBe('CLOSED');
    expect((await rejection(third)).code).toBe('CLOSED');
  });

  it('refuses a maxPendingRequests that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => open({ maxPendingRequests: bad })).toThrow(/maxPendingRequests must be/);
    }
  });

  it('throws a clear error when there is no WebSocket implementation', () => {
    vi.stubGlobal('WebSocket', undefined);
    try {
      expect(() => connect(server.url)).toThrow(/ws package/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
