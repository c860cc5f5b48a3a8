/**
 * SPEC §6 on a server with an HS256 secret and one allowed browser origin: refusals at the
 * handshake and on HTTP routes, per-request permissions as FORBIDDEN error frames, the three
 * places a token may travel, and the refusal to serve without auth on a non-loopback address.
 */
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, startServer } from '../../src/node/index.ts';
import type { ErrorFrame } from '../../src/protocol/index.ts';
import {
  http,
  RawClient,
  refusedHandshake,
  SECRET,
  signToken,
  startTestServer,
  trade,
  TRADES_SQL,
  type TestServer,
} from './helpers.ts';

let server: TestServer;
let admin: string;
const clients: RawClient[] = [];

beforeAll(async () => {
  server = await startTestServer({
    initSql: `${TRADES_SQL}
      CREATE STREAM other (a STRING);`,
    auth: { hs256Secret: SECRET },
    allowedOrigins: ['http://allowed.example'],
  });
  admin = await signToken({ admin: true });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.shut()));
});

afterAll(async () => {
  await server.stop();
});

async function open(url: string, options: Parameters<typeof RawClient.open>[1] = {}) {
  const client = await RawClient.open(url, options);
  clients.push(client);
  return client;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

describe('refused tokens', () => {
  const badTokens: [string, () => Promise<string | null>][] = [
    ['missing', () => Promise.resolve(null)],
    ['malformed', () => Promise.resolve('not.a.jwt')],
    ['expired', () => signToken({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['signed with another secret', () => signToken({ secret: 'x'.repeat(40) })],
  ];

  it.each(badTokens)('%s token: 401 at the WebSocket handshake', async (_name, make) => {
    const token = await make();
    const headers = token === null ? {} : bearer(token);
    const refused = await refusedHandshake(server.wsUrl, { headers });
    expect(refused.status).toBe(401);
    const viaQuery = await refusedHandshake(`${server.wsUrl}?token=${token ?? ''}`);
    expect(viaQuery.status).toBe(401);
    const viaProtocol = await refusedHandshake(server.wsUrl, {
      protocols: token === null ? ['vane.v1'] : ['vane.v1', `token.${token}`],
    });
    expect(viaProtocol.status).toBe(401);
  });

  it.each(badTokens)('%s token: 401 on the HTTP routes', async (_name, make) => {
    const token = await make();
    const headers = token === null ? undefined : bearer(token);
    const routes: [string, string, unknown?][] = [
      ['POST', '/v1/streams/trades/events', [trade('AUTH', 1)]],
      ['POST', '/v1/sql', { sql: 'SHOW STREAMS' }],
      ['GET', '/v1/streams'],
      ['GET', '/v1/views'],
      ['GET', '/v1/views/last_price'],
    ];
    for (const [method, path, body] of routes) {
      const answer = await http<{ error: { code: string } }>(method, `${server.url}${path}`, {
        body,
        headers,
      });
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(answer.body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it('leaves /healthz, /readyz, /metrics and / open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/']) {
      expect((await http('GET', `${server.url}${path}`)).status, path).toBe(200);
    }
  });
});

describe('where the token travels', () => {
  it('is accepted in the Authorization header, in ?token= and in the subprotocol pair', async () => {
    const token = await signToken();
    const viaHeader = await open(server.wsUrl, { headers: bearer(token) });
    const viaQuery = await open(`${server.wsUrl}?token=${token}`);
    const viaProtocol = await open(server.wsUrl, { protocols: ['vane.v1', `token.${token}`] });
    for (const client of [viaHeader, viaQuery, viaProtocol]) {
      // Only vane.v1 is echoed, never the token entry.
      expect(client.ws.protocol).toBe('vane.v1');
      expect((await client.request({ type: 'ping' })).type).toBe('pong');
    }
    const answer = await http('GET', `${server.url}/v1/streams`, { headers: bearer(token) });
    expect(answer.status).toBe(200);
  });
});

describe('permissions', () => {
  it('publishing outside the token’s streams is FORBIDDEN; the connection stays open', async () => {
    const token = await signToken({ publish: ['trades'], subscribe: [] });
    const client = await open(server.wsUrl, { headers: bearer(token) });
    const allowed = await client.request({
      type: 'publish',
      stream: 'trades',
      events: [trade('PERM', 1)],
    });
    expect(allowed).toMatchObject({ type: 'ack', accepted: 1 });
    const refused = await client.request<ErrorFrame>({
      type: 'publish',
      stream: 'other',
      events: [{ a: 'x' }],
    });
    expect(refused).toMatchObject({ type: 'error', code: 'FORBIDDEN', temporary: false });
    const http403 = await http('POST', `${server.url}/v1/streams/other/events`, {
      body: [{ a: 'x' }],
      headers: bearer(token),
    });
    expect(http403.status).toBe(403);
    expect((await client.request({ type: 'ping' })).type).toBe('pong');
    // Nothing of the refused batches reached the stream: a watcher sees only the next allowed one.
    const watcher = await open(server.wsUrl, { headers: bearer(admin) });
    await watcher.subscribe({ id: 'w', stream: 'other' });
    await client.request({ type: 'publish', stream: 'other', events: [{ a: 'refused' }] });
    const accepted = await watcher.request({
      type: 'publish',
      stream: 'other',
      events: [{ a: 'admin' }],
    });
    expect(accepted).toMatchObject({ type: 'ack', accepted: 1 });
    const seen = await watcher.waitFor((frame) => frame.type === 'events');
    expect(seen).toMatchObject({ seq: 1, events: [{ a: 'admin' }] });
  });

  it('subscribing outside the token’s views is FORBIDDEN, as are ad-hoc SQL subscriptions', async () => {
    const token = await signToken({ publish: [], subscribe: ['last_*'] });
    const client = await open(server.wsUrl, { headers: bearer(token) });
    const allowed = await client.subscribe({ view: 'last_price' });
    expect(allowed.type).toBe('subscribed');
    for (const target of [
      { stream: 'trades' },
      { sql: 'SELECT symbol, count(*) AS n FROM trades GROUP BY symbol' },
    ]) {
      const refused = (await client.subscribe(target)) as ErrorFrame;
      expect(refused).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    }
    const read = await http('GET', `${server.url}/v1/views/last_price`, { headers: bearer(token) });
    expect(read.status).toBe(200);
    const views = await http<{ views: unknown[] }>('GET', `${server.url}/v1/views`, {
      headers: bearer(token),
    });
    expect(views.body.views).toHaveLength(1);
    const streams = await http<{ streams: unknown[] }>('GET', `${server.url}/v1/streams`, {
      headers: bearer(token),
    });
    expect(streams.body.streams).toEqual([]);
  });

  it('DDL without admin is FORBIDDEN over WebSocket and HTTP; a query is fine', async () => {
    const token = await signToken({ admin: false });
    const client = await open(server.wsUrl, { headers: bearer(token) });
    const refused = await client.request<ErrorFrame>({
      type: 'sql',
      sql: 'CREATE STREAM sneaky (a STRING);',
    });
    expect(refused).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    const viaHttp = await http<{ error: { code: string } }>('POST', `${server.url}/v1/sql`, {
      body: { sql: 'DROP VIEW last_price;' },
      headers: bearer(token),
    });
    expect(viaHttp.status).toBe(403);
    expect(viaHttp.body.error.code).toBe('FORBIDDEN');
    const query = await client.request({ type: 'sql', sql: 'SELECT * FROM last_price' });
    expect(query.type).toBe('result');
    // The admin may.
    const adminClient = await open(server.wsUrl, { headers: bearer(admin) });
    const created = await adminClient.request({
      type: 'sql',
      sql: 'CREATE STREAM allowed (a STRING);',
    });
    expect(created.type).toBe('result');
    const streams = await http<{ streams: { name: string }[] }>('GET', `${server.url}/v1/streams`, {
      headers: bearer(admin),
    });
    expect(streams.body.streams.map((stream) => stream.name)).toContain('allowed');
    expect(streams.body.streams.map((stream) => stream.name)).not.toContain('sneaky');
  });
});

describe('token expiry', () => {
  it('closes an open WebSocket with 4001 when its token expires', async () => {
    const token = await signToken({ exp: Math.floor(Date.now() / 1000) + 2 });
    const client = await open(server.wsUrl, { headers: bearer(token) });
    expect((await client.request({ type: 'ping' })).type).toBe('pong');
    const closed = await client.closed;
    expect(closed.code).toBe(4001);
  });
});

describe('origins', () => {
  it('refuses a foreign Origin with 403 and accepts the allowed one', async () => {
    const token = await signToken();
    const foreign = await refusedHandshake(server.wsUrl, {
      headers: bearer(token),
      origin: 'http://evil.example',
    });
    expect(foreign.status).toBe(403);
    const foreignHttp = await http('GET', `${server.url}/v1/streams`, {
      headers: { ...bearer(token), origin: 'http://evil.example' },
    });
    expect(foreignHttp.status).toBe(403);
    const allowed = await open(server.wsUrl, {
      headers: bearer(token),
      origin: 'http://allowed.example',
    });
    expect((await allowed.request({ type: 'ping' })).type).toBe('pong');
    // The origin check does not replace the token check.
    const noToken = await refusedHandshake(server.wsUrl, { origin: 'http://allowed.example' });
    expect(noToken.status).toBe(401);
  });
});

describe('serving without auth', () => {
  it('is refused on a non-loopback address', async () => {
    const config = resolveConfig({ host: '0.0.0.0', port: 0, dataDir: null, logLevel: 'silent' });
    await expect(startServer(config)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('is allowed on loopback, where every request is accepted', async () => {
    const open = await startTestServer();
    try {
      const ws = new WebSocket(open.wsUrl, ['vane.v1']);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.close();
      expect((await http('GET', `${open.url}/v1/streams`)).status).toBe(200);
    } finally {
      await open.stop();
    }
  });
});
