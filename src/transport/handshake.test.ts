/**
 * The WebSocket handshake on both transports, side by side: every refusal of WsGateway (404, 503,
 * 403, 429 with Retry-After, 429, 401) with the same status, body and headers on uWebSockets.js,
 * the subprotocol choice, an aborted handshake, the closes a session ends with (1009, 4001, 1001).
 * The transport runs against a stub node: a hub that only counts connections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEV_PRINCIPAL, type Principal } from '../auth/index.ts';
import type { Hub } from '../hub/index.ts';
import { createLogger, createMetrics } from '../observability/index.ts';
import { VaneError } from '../util/index.ts';
import { createTransport } from './create-transport.ts';
import type { ServerApp } from './server-app.ts';
import type { Transport, TransportKind, TransportOptions } from './transport.ts';
import { idleTimeoutSeconds, uwsPingMargin } from './uws-gateway.ts';

interface Running {
  transport: Transport;
  url: string;
  app: ServerApp & { connected: number; release(): void };
}

const running: Transport[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((transport) => transport.close()));
});

/** A token check that waits: `entered` when it starts, accepted once `pass` resolves. */
interface SlowCheck {
  entered(): void;
  pass: Promise<void>;
}

const NOT_SLOW: SlowCheck = { entered: () => undefined, pass: Promise.resolve() };

/** Tokens: `good`, `slow` (see SlowCheck), `short` (expires in 100 ms); others fail. */
function authenticate(slow: SlowCheck) {
  return async (token: string | null): Promise<Principal> => {
    if (token === 'good') return DEV_PRINCIPAL;
    if (token === 'slow') {
      slow.entered();
      await slow.pass;
      return DEV_PRINCIPAL;
    }
    if (token === 'short') return { ...DEV_PRINCIPAL, expiresAtMs: Date.now() + 100 };
    throw new VaneError('UNAUTHORIZED', `bad token ${token ?? '(none)'}`);
  };
}

/** A node whose publish waits until `release()`: a request in flight for the drain on close. */
function stubApp(): Running['app'] {
  let connected = 0;
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const hub = {
    connect: () => ({ id: ++connected }),
    disconnect: () => void connected--,
    drained: () => undefined,
  } as unknown as Hub;
  return {
    hub,
    metrics: createMetrics({ defaultMetrics: false }),
    publish: () => held.then(() => ({ accepted: 1, duplicates: 0 })),
    executeSql: () => Promise.resolve([]),
    catalog: () => ({ streams: [], views: [] }),
    viewRows: () => ({ rows: [], epoch: 'e', offset: 0 }),
    readiness: () => ({ ready: true, checks: {} }),
    stats: () => {
      throw new Error('not in these tests');
    },
    get connected() {
      return connected;
    },
    release: () => release(),
  };
}

async function start(
  kind: TransportKind,
  overrides: Partial<TransportOptions> = {},
  slow: SlowCheck = NOT_SLOW,
): Promise<Running> {
  const app = stubApp();
  const transport = createTransport(app, {
    transport: kind,
    host: '127.0.0.1',
    port: 0,
    allowedOrigins: ['https://ok.example'],
    maxPayloadBytes: 1024,
    connectionsPerIp: 100,
    newConnectionsPerIpPerSecond: 100,
    heartbeatMs: 25_000,
    messagesPerSecond: 1000,
    bytesPerSecond: 1_000_000,
    maxBatchEvents: 100,
    authenticate: authenticate(slow),
    dashboard: () => Promise.resolve(undefined),
    now: () => Date.now(),
    logger: createLogger({ level: 'silent' }),
    ...overrides,
  });
  running.push(transport);
  const { port } = await transport.listen();
  return { transport, url: `ws://127.0.0.1:${port}`, app };
}

interface Refused {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** A handshake that must be refused: its HTTP answer. */
function refused(url: string, options: { protocols?: string[]; origin?: string } = {}) {
  return new Promise<Refused>((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? ['vane.v1'], { origin: options.origin });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the handshake was accepted'));
    });
    ws.once('unexpected-response', (_request, response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: JSON.parse(text) as unknown,
          headers: response.headers,
        }),
      );
    });
    ws.once('error', () => undefined);
  });
}

/** An accepted connection that records what it receives and how it closes. */
async function connect(url: string, protocols: string[] = ['vane.v1']) {
  const ws = new WebSocket(url, protocols);
  const frames: unknown[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    frames.push(isBinary ? data : (JSON.parse(data.toString('utf8')) as unknown));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe.each(['ws', 'uws'] as const)('the %s transport', (kind) => {
  it('refuses another path with 404, a foreign origin with 403 and a bad token with 401', async () => {
    const { url } = await start(kind);
    expect(await refused(`${url}/v1/other?token=good`)).toMatchObject({
      status: 404,
      body: { error: { message: 'not found' } },
      headers: { 'content-type': 'application/json', connection: 'close' },
    });
    expect(
      await refused(`${url}/v1/ws?token=good`, { origin: 'https://evil.example' }),
    ).toMatchObject({ status: 403, body: { error: { message: 'origin not allowed' } } });
    expect(await refused(`${url}/v1/ws?token=nope`)).toMatchObject({
      status: 401,
      body: { error: { message: 'bad token nope' } },
    });
    const allowed = await connect(`${url}/v1/ws?token=good`);
    allowed.ws.close();
    const fromPage = new WebSocket(`${url}/v1/ws?token=good`, ['vane.v1'], {
      origin: 'https://ok.example',
    });
    await new Promise((resolve, reject) => fromPage.once('open', resolve).once('error', reject));
    fromPage.close();
  });

  it('refuses past the handshake rate with 429 and Retry-After, and past the cap with 429', async () => {
    const rated = await start(kind, { newConnectionsPerIpPerSecond: 1 });
    // A burst of twice the rate, then refused.
    const first = await connect(`${rated.url}/v1/ws?token=good`);
    const second = await connect(`${rated.url}/v1/ws?token=good`);
    const third = await refused(`${rated.url}/v1/ws?token=good`);
    expect(third).toMatchObject({
      status: 429,
      body: { error: { message: 'too many new connections from this address; retry shortly' } },
    });
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    first.ws.close();
    second.ws.close();

    const capped = await start(kind, { connectionsPerIp: 2 });
    const open = [
      await connect(`${capped.url}/v1/ws?token=good`),
      await connect(`${capped.url}/v1/ws?token=good`),
    ];
    expect(await refused(`${capped.url}/v1/ws?token=good`)).toMatchObject({
      status: 429,
      body: { error: { message: 'too many connections from this address' } },
    });
    // A refused token gives its slot back: after two 401s, closing one lets one more in.
    await refused(`${capped.url}/v1/ws?token=bad`);
    expect(capped.transport.connections).toBe(2);
    open[0]!.ws.close();
    await open[0]!.closed;
    await until(() => capped.transport.connections === 1);
    const again = await connect(`${capped.url}/v1/ws?token=good`);
    expect(capped.transport.connections).toBe(2);
    again.ws.close();
    open[1]!.ws.close();
  });

  it('chooses the first subprotocol Vane speaks, in the client order', async () => {
    const { url } = await start(kind);
    const msgpack = await connect(`${url}/v1/ws?token=good`, [
      'chat',
      'vane.v1.msgpack',
      'vane.v1',
    ]);
    expect(msgpack.ws.protocol).toBe('vane.v1.msgpack');
    msgpack.ws.close();
    const json = await connect(`${url}/v1/ws?token=good`, ['vane.v1', 'vane.v1.msgpack']);
    expect(json.ws.protocol).toBe('vane.v1');
    json.ws.send('{"type":"ping","id":"p"}');
    await until(() => json.frames.length === 1);
    expect(json.frames).toEqual([{ type: 'pong', id: 'p' }]);
    json.ws.close();
    // None of Vane's offered: the handshake completes without a subprotocol, which a client
    // that offered some must fail.
    const foreign = new WebSocket(`${url}/v1/ws?token=good`, ['chat']);
    const failure = await new Promise<Error>((resolve) => foreign.once('error', resolve));
    expect(failure.message).toBe('Server sent no subprotocol');
    // None offered at all: JSON.
    const bare = await connect(`${url}/v1/ws?token=good`, []);
    expect(bare.ws.protocol).toBe('');
    bare.ws.send('{"type":"ping","id":"b"}');
    await until(() => bare.frames.length === 1);
    expect(bare.frames).toEqual([{ type: 'pong', id: 'b' }]);
    bare.ws.close();
  });

  it('takes the token from the subprotocol pair and the Authorization header', async () => {
    const { url } = await start(kind);
    const viaProtocol = await connect(`${url}/v1/ws`, ['vane.v1', 'token.good']);
    expect(viaProtocol.ws.protocol).toBe('vane.v1');
    viaProtocol.ws.close();
    const viaHeader = new WebSocket(`${url}/v1/ws`, ['vane.v1'], {
      headers: { authorization: 'Bearer good' },
    });
    await new Promise((resolve, reject) => viaHeader.once('open', resolve).once('error', reject));
    viaHeader.close();
  });

  it('survives a client that leaves during the token check, and gives its slot back', async () => {
    let pass = (): void => undefined;
    let entered = (): void => undefined;
    const checking = new Promise<void>((resolve) => (entered = resolve));
    const slow = { entered, pass: new Promise<void>((resolve) => (pass = resolve)) };
    const { url, transport } = await start(kind, { connectionsPerIp: 1 }, slow);
    const leaving = new WebSocket(`${url}/v1/ws?token=slow`, ['vane.v1']);
    const left = new Promise((resolve) => leaving.once('close', resolve));
    leaving.on('error', () => undefined);
    await checking;
    leaving.terminate();
    await left;
    // Let the server see the connection go before the token check ends.
    await new Promise((resolve) => setTimeout(resolve, 50));
    pass();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(transport.connections).toBe(0);
    // The one slot this address has is free again.
    const next = await connect(`${url}/v1/ws?token=good`);
    expect(transport.connections).toBe(1);
    next.ws.close();
  });

  it('closes with 1009 a message over maxPayloadBytes, and others keep working', async () => {
    const { url } = await start(kind);
    const big = await connect(`${url}/v1/ws?token=good`);
    const other = await connect(`${url}/v1/ws?token=good`);
    big.ws.send(`{"type":"ping","id":"${'x'.repeat(1100)}"}`);
    expect((await big.closed).code).toBe(1009);
    expect(big.frames).toEqual([]);
    other.ws.send(`{"type":"ping","id":"${'y'.repeat(900)}"}`);
    await until(() => other.frames.length === 1);
    other.ws.close();
  });

  it('closes with 4001 when the token expires', async () => {
    const { url } = await start(kind);
    const client = await connect(`${url}/v1/ws?token=short`);
    expect(await client.closed).toEqual({ code: 4001, reason: 'token expired' });
  });

  it('answers requests in flight, closes with 1001 and refuses handshakes with 503 on close', async () => {
    const { url, transport, app } = await start(kind);
    const client = await connect(`${url}/v1/ws?token=good`);
    client.ws.send('{"type":"publish","id":"in-flight","stream":"s","events":[{}]}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = transport.close();
    expect(await refused(`${url}/v1/ws?token=good`)).toMatchObject({
      status: 503,
      body: { error: { message: 'shutting down' } },
    });
    app.release();
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(client.frames).toEqual([{ type: 'ack', id: 'in-flight', accepted: 1, duplicates: 0 }]);
    await closing;
    expect(app.connected).toBe(0);
    running.splice(running.indexOf(transport), 1);
  });
});

describe('createTransport', () => {
  it('refuses an unknown transport with INVALID_OPTION', () => {
    expect(() =>
      createTransport(stubApp(), { transport: 'h2' as TransportKind } as TransportOptions),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }) as Error);
  });
});

describe('idleTimeoutSeconds', () => {
  it('is the longest uWS idle timeout whose ping comes within the heartbeat, at least 8 s', () => {
    // uWS pings at idleTimeout - margin: 40 - 16 = 24 s; 44 would ping at 28 s.
    expect(idleTimeoutSeconds(25_000)).toBe(40);
    expect(idleTimeoutSeconds(30_000)).toBe(44);
    expect(idleTimeoutSeconds(1_000)).toBe(8);
    for (const heartbeatMs of [5_000, 12_000, 25_000, 60_000]) {
      const timeout = idleTimeoutSeconds(heartbeatMs);
      expect(timeout % 4).toBe(0);
      expect((timeout - uwsPingMargin(timeout)) * 1000).toBeLessThanOrEqual(heartbeatMs);
      const longer = timeout + 4;
      expect((longer - uwsPingMargin(longer)) * 1000).toBeGreaterThan(heartbeatMs);
    }
  });

  it('follows uWS margins: 4 s below 16 s, 8 s below 32 s, 16 s from there', () => {
    expect([8, 12, 16, 28, 32, 48].map(uwsPingMargin)).toEqual([4, 4, 8, 8, 16, 16]);
  });
});
