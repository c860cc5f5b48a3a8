import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { connect, type VaneClient } from './client.ts';
import type { ConnectionState, WebSocketLike } from './connection.ts';
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
    reconnect: { initialDelayMs: 2, maxDelayMs: 10 },
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('VaneClient reconnect', { timeout: 5_000 }, () => {
  it('sends an unacknowledged publish again, byte for byte, after the connection drops', async () => {
    const vane = open();
    const result = vane.publish('trades', [
      { trade_id: 't1', price: 189.2 },
      { trade_id: 't2', price: 189.3 },
    ]);
    const first = await server.nextConnection();
    await first.next('publish');
    first.drop();

    const second = await server.nextConnection();
    const again = await second.next('publish');
    expect(second.texts[0]).toBe(first.texts[0]);
    expect(again.events.map((event) => event.trade_id)).toEqual(['t1', 't2']);
    second.send({ type: 'ack', id: again.id, accepted: 0, duplicates: 2 });
    await expect(result).resolves.toEqual({ accepted: 0, duplicates: 2 });
    expect(second.received.filter((frame) => frame.type === 'publish')).toHaveLength(1);
  });

  it('sends requests made while disconnected after the reconnect, in order', async () => {
    const states: ConnectionState[] = [];
    let requests: [Promise<unknown>, Promise<unknown>] | undefined;
    const vane: VaneClient = open({
      onStateChange: (state) => {
        states.push(state);
        if (state === 'reconnecting' && requests === undefined) {
          requests = [vane.publish('trades', [{ trade_id: 'a' }]), vane.sql('SHOW VIEWS')];
        }
      },
    });
    const first = await server.nextConnection();
    await vi.waitFor(() => expect(vane.state).toBe('open'));
    first.drop();
    const second = await server.nextConnection();
    const publish = await second.next();
    const sql = await second.next();
    expect([publish.type, sql.type]).toEqual(['publish', 'sql']);
    second.send({ type: 'ack', id: publish.id, accepted: 1, duplicates: 0 });
    second.send({ type: 'result', id: sql.id, ok: true, results: [], rows: [] });
    await expect(requests?.[0]).resolves.toEqual({ accepted: 1, duplicates: 0 });
    await expect(requests?.[1]).resolves.toEqual([]);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('rejects a sql request that was sent when the connection dropped (it may have run)', async () => {
    const vane = open();
    const result = vane.sql('CREATE VIEW v AS SELECT count(*) AS n FROM trades');
    const first = await server.nextConnection();
    await first.next('sql');
    first.drop();
    const error = await rejection(result);
    expect(error.code).toBe('CONNECTION_LOST');
    expect(error.temporary).toBe(true);
    const second = await server.nextConnection();
    await sleep(20);
    expect(second.received).toEqual([]);
  });

  it.each([
    [1001, 'shutting down'],
    [4008, 'slow consumer'],
    [4009, 'rate limited'],
  ])('reconnects after close code %i (%s)', async (code) => {
    const errors: (VaneClientError | undefined)[] = [];
    open({ onStateChange: (state, error) => state === 'reconnecting' && errors.push(error) });
    const first = await server.nextConnection();
    first.close(code, 'bye');
    await server.nextConnection();
    expect(errors[0]?.code).toBe('CONNECTION_LOST');
    expect(errors[0]?.message).toContain(String(code));
  });

  it.each([
    [4001, 'UNAUTHORIZED'],
    [4003, 'FORBIDDEN'],
  ])('stops reconnecting after close code %i and surfaces %s', async (code, expected) => {
    const states: [ConnectionState, string | undefined][] = [];
    const reported: VaneClientError[] = [];
    const vane = open({
      reconnect: { initialDelayMs: 1, maxDelayMs: 1 },
      onStateChange: (state, error) => states.push([state, error?.code]),
      onError: (error) => reported.push(error),
    });
    const table = vane.subscribe('last_price');
    const tableErrors: string[] = [];
    table.on('error', (error) => tableErrors.push(error.code));
    const pending = vane.publish('trades', [{ trade_id: 't1' }]);
    const connection = await server.nextConnection();
    await connection.next('publish');
    connection.close(code, 'token expired');
    expect((await rejection(pending)).code).toBe(expected);
    expect((await rejection(table.ready)).code).toBe(expected);
    await sleep(30);
    expect(server.connections).toHaveLength(1);
    expect(states.at(-1)).toEqual(['closed', expected]);
    expect(reported.map((error) => error.code)).toEqual([expected]);
    expect(reported[0]?.message).toBe('token expired');
    expect(tableErrors).toEqual([expected]);
    expect((await rejection(vane.publish('trades', []))).code).toBe(expected);
  });

  it('stops reconnecting when ws reports an HTTP 401 handshake', async () => {
    await server.stop();
    server = await FakeServer.start(401);
    const states: ConnectionState[] = [];
    const vane = open({ onStateChange: (state) => states.push(state) });
    const error = await rejection(vane.sql('SHOW VIEWS'));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(states).toEqual(['connecting', 'closed']);
  });

  it('with reconnect: false, the first loss closes the client', async () => {
    const vane = open({ reconnect: false });
    const pending = vane.publish('trades', [{ trade_id: 't1' }]);
    const connection = await server.nextConnection();
    await connection.next('publish');
    connection.drop();
    expect((await rejection(pending)).code).toBe('CONNECTION_LOST');
    expect(vane.state).toBe('closed');
  });
});

/** An in-memory WebSocket whose test decides when it opens and fails. */
class ScriptedSocket implements WebSocketLike {
  static created: ScriptedSocket[] = [];
  readyState = 0;
  readonly createdAt = Date.now();
  private readonly listeners = new Map<string, ((event: never) => void)[]>();

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    ScriptedSocket.created.push(this);
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(): void {}

  close(): void {
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.fire('open', {});
  }

  fail(): void {
    this.readyState = 3;
    this.fire('error', {});
    this.fire('close', { code: 1006, reason: '' });
  }

  private fire(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) {
      (listener as (event: unknown) => void)(event);
    }
  }
}

describe('VaneClient backoff timing', { timeout: 5_000 }, () => {
  let timed: VaneClient | undefined;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    // A failed ScriptedSocket looks like a browser's refused handshake, which the SDK checks
    // with a fetch; fetch's own timers would be the "next timer" these tests advance to.
    vi.stubGlobal('fetch', undefined);
    ScriptedSocket.created = [];
  });

  afterEach(() => {
    timed?.close();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  /** Fails the newest socket `count` times and returns how long each reconnect waited. */
  function failedAttemptDelays(count: number): number[] {
    const delays: number[] = [];
    for (let attempt = 0; attempt < count; attempt += 1) {
      const failedAt = Date.now();
      ScriptedSocket.created.at(-1)?.fail();
      vi.advanceTimersToNextTimer();
      delays.push((ScriptedSocket.created.at(-1)?.createdAt ?? NaN) - failedAt);
    }
    return delays;
  }

  it('waits longer after each failure, up to the cap, with jitter taken off each delay', () => {
    timed = connect('ws://vane.test/v1/ws', {
      WebSocket: ScriptedSocket,
      reconnect: { jitter: 0.2 },
    });
    expect(ScriptedSocket.created).toHaveLength(1);
    // random() = 0.5 and jitter 0.2: each delay is 90% of min(10 s, 250 ms × 2^n).
    expect(failedAttemptDelays(8)).toEqual([225, 450, 900, 1800, 3600, 7200, 9000, 9000]);
  });

  it('resets the delay only after a connection stayed open for resetAfterMs', () => {
    timed = connect('ws://vane.test/v1/ws', {
      WebSocket: ScriptedSocket,
      reconnect: { jitter: 0, resetAfterMs: 1000 },
    });
    expect(failedAttemptDelays(3)).toEqual([250, 500, 1000]);
    // Open and closed at once (a server that rate-limits on connect): the delay keeps growing.
    ScriptedSocket.created.at(-1)?.open();
    expect(failedAttemptDelays(1)).toEqual([2000]);
    ScriptedSocket.created.at(-1)?.open();
    vi.advanceTimersByTime(1000);
    expect(failedAttemptDelays(2)).toEqual([250, 500]);
  });
});

describe('VaneClient heartbeat', { timeout: 5_000 }, () => {
  it('pings a silent server, and replaces a socket that does not answer', async () => {
    const states: ConnectionState[] = [];
    open({ heartbeatMs: 50, onStateChange: (state) => states.push(state) });
    const first = await server.nextConnection();
    // The server goes silent: no pong, no close (a half-open connection).
    const ping = await first.next('ping');
    expect(ping.id).toBe('heartbeat');
    const second = await server.nextConnection();
    expect(states).toContain('reconnecting');
    // A server that answers keeps the socket: pings come, no third connection.
    for (let i = 0; i < 3; i++) {
      const again = await second.next('ping');
      second.send({ type: 'pong', id: again.id });
    }
    expect(server.connections).toHaveLength(2);
  });

  it('sends no ping while frames keep arriving', async () => {
    open({ heartbeatMs: 40 });
    const connection = await server.nextConnection();
    for (let i = 0; i < 8; i++) {
      connection.send({ type: 'pong', id: 'chatter' });
      await sleep(15);
    }
    expect(connection.received.filter((frame) => frame.type === 'ping')).toEqual([]);
  });
});
