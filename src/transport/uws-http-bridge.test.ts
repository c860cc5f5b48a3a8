/**
 * The HTTP bridge of the uWS transport: one fastify instance listens on its own port (Node's HTTP
 * server, as the ws transport serves it) and is served through uWS by bridgeHttp on another;
 * every request goes to both and the answers must match: status, body and headers, query strings,
 * repeated headers, HEAD and 204, and the 413 of a body over the limit, whether its length is
 * declared or it comes chunked. Then what only the bridge does: a request whose client went away
 * is never answered (uWS forbids touching an aborted response) and never blocks shutdown.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUws } from './uws-module.ts';
import { bridgeHttp, type HttpBridge } from './uws-http-bridge.ts';

const LIMIT = 1_000;
const uws = loadUws();

let http: FastifyInstance;
let bridge: HttpBridge;
let nodePort: number;
let uwsPort: number;
let listenSocket: unknown;
/** The GET /wait handler's calls, and how to let the waiting ones answer. */
let waits = 0;
let releaseWaits = (): void => undefined;
let posts = 0;

beforeAll(async () => {
  http = Fastify({ logger: false, bodyLimit: LIMIT });
  http.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  http.get('/echo/*', (request) => ({
    url: request.url,
    query: request.query,
    one: request.headers['x-one'],
    many: request.headers['x-many'],
    host: request.headers.host,
  }));
  http.post('/body', (request) => {
    posts++;
    return { type: request.headers['content-type'], body: request.body };
  });
  http.get('/headers', (_request, reply) =>
    reply
      .code(201)
      .header('x-custom', 'yes')
      .header('set-cookie', ['a=1', 'b=2'])
      .type('text/plain; charset=utf-8')
      .send('made'),
  );
  http.get('/empty', (_request, reply) => reply.code(204).send());
  http.get('/wait', async () => {
    waits++;
    await new Promise<void>((resolve) => {
      const previous = releaseWaits;
      releaseWaits = () => {
        previous();
        resolve();
      };
    });
    return { waited: true };
  });
  await http.listen({ host: '127.0.0.1', port: 0 });
  nodePort = (http.server.address() as AddressInfo).port;
  const server = uws.App();
  bridge = bridgeHttp(server, http, LIMIT);
  uwsPort = await new Promise<number>((resolve, reject) =>
    server.listen('127.0.0.1', 0, (socket) => {
      if (socket === false) return reject(new Error('uWS could not listen'));
      listenSocket = socket;
      resolve(uws.us_socket_local_port(socket));
    }),
  );
});

afterAll(async () => {
  if (listenSocket !== undefined) uws.us_listen_socket_close(listenSocket as never);
  await http.close();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Sent {
  method?: string;
  path: string;
  headers?: Record<string, string | string[]>;
  /** Sent with a Content-Length, or in chunks without one when `chunked`. */
  body?: string;
  chunked?: boolean;
}

/** One request on a connection of its own. */
function send(port: number, sent: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...sent.headers };
    if (sent.body !== undefined && !sent.chunked) {
      headers['content-length'] = String(Buffer.byteLength(sent.body));
    }
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: sent.method ?? 'GET',
        path: sent.path,
        headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (sent.body !== undefined && sent.chunked) {
      // Several chunks, so that uWS hands the body over in pieces too.
      for (let at = 0; at < sent.body.length; at += 300) req.write(sent.body.slice(at, at + 300));
    } else if (sent.body !== undefined) {
      req.write(sent.body);
    }
    req.end();
  });
}

/** The answers of Node+fastify and of the bridge, with what differs by design taken out. */
async function both(sent: Sent): Promise<[Answer, Answer]> {
  const [direct, bridged] = await Promise.all([send(nodePort, sent), send(uwsPort, sent)]);
  return [comparable(direct), comparable(bridged)];
}

/** Date and the server's own headers differ; keep-alive framing is each server's business. */
function comparable(answer: Answer): Answer {
  const headers = { ...answer.headers };
  for (const name of ['date', 'connection', 'keep-alive', 'uwebsockets']) delete headers[name];
  return { ...answer, headers };
}

describe('the uWS HTTP bridge answers as fastify on its own port', () => {
  it('passes the path and query string as sent, and repeated headers joined', async () => {
    const [direct, bridged] = await both({
      path: '/echo/a%20b/c?x=1&x=2&y=%C3%A9+z&empty=',
      headers: { 'x-one': 'one', 'x-many': ['first', 'second'], host: 'example.test:81' },
    });
    expect(bridged).toEqual(direct);
    expect(JSON.parse(bridged.body)).toEqual({
      url: '/echo/a%20b/c?x=1&x=2&y=%C3%A9+z&empty=',
      query: { x: ['1', '2'], y: 'é z', empty: '' },
      one: 'one',
      many: 'first, second',
      host: 'example.test:81',
    });
  });

  it('copies status, content type, repeated set-cookie and custom headers; HEAD and 204 have no body', async () => {
    const [direct, bridged] = await both({ path: '/headers' });
    expect(bridged).toEqual(direct);
    expect(bridged).toMatchObject({
      status: 201,
      body: 'made',
      headers: {
        'x-custom': 'yes',
        'set-cookie': ['a=1', 'b=2'],
        'content-type': 'text/plain; charset=utf-8',
        'content-length': '4',
      },
    });
    const [directHead, bridgedHead] = await both({ method: 'HEAD', path: '/headers' });
    expect(bridgedHead).toEqual(directHead);
    expect(bridgedHead).toMatchObject({
      status: 201,
      body: '',
      headers: { 'content-length': '4' },
    });
    const [directEmpty, bridgedEmpty] = await both({ path: '/empty' });
    expect(bridgedEmpty).toEqual(directEmpty);
    expect(bridgedEmpty.status).toBe(204);
    const [directMissing, bridgedMissing] = await both({ path: '/nowhere?q=1' });
    expect(bridgedMissing).toEqual(directMissing);
    expect(bridgedMissing.status).toBe(404);
  });

  it('hands over a body read in chunks, at the limit too', async () => {
    const json = JSON.stringify({ text: 'é'.repeat(100) });
    for (const chunked of [false, true]) {
      const [direct, bridged] = await both({
        method: 'POST',
        path: '/body',
        headers: { 'content-type': 'application/json' },
        body: json,
        chunked,
      });
      expect(bridged).toEqual(direct);
      expect(JSON.parse(bridged.body)).toEqual({
        type: 'application/json',
        body: JSON.parse(json) as unknown,
      });
    }
    const full = 'x'.repeat(LIMIT);
    const [direct, bridged] = await both({
      method: 'POST',
      path: '/body',
      headers: { 'content-type': 'text/plain' },
      body: full,
      chunked: true,
    });
    expect(bridged).toEqual(direct);
    expect(bridged.status).toBe(200);
  });

  it('answers 413 for a body over maxPayloadBytes, declared or chunked, without reading it all', async () => {
    const before = posts;
    for (const chunked of [false, true]) {
      const [direct, bridged] = await both({
        method: 'POST',
        path: '/body',
        headers: { 'content-type': 'text/plain' },
        body: 'x'.repeat(LIMIT + 1),
        chunked,
      });
      expect(bridged).toEqual(direct);
      expect(bridged.status).toBe(413);
      expect(JSON.parse(bridged.body)).toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    }
    // Far over the limit: refused on its Content-Length and the connection closed, the rest of
    // the upload never read (a client still writing may see the close before the answer).
    const huge = await send(uwsPort, {
      method: 'POST',
      path: '/body',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(2_000_000),
    }).catch((error: unknown) => error as Error);
    if (!(huge instanceof Error)) expect(huge.status).toBe(413);
    expect(posts).toBe(before);
    expect(bridge.inFlight).toBe(0);
  });
});

describe('the uWS HTTP bridge and clients that go away', () => {
  it('never writes the answer of a request whose client left, and serves the next one', async () => {
    const before = waits;
    const req = httpRequest({ host: '127.0.0.1', port: uwsPort, path: '/wait', agent: false });
    req.on('error', () => undefined);
    req.end();
    await until(() => waits === before + 1);
    expect(bridge.inFlight).toBe(1);
    req.destroy();
    await until(() => bridge.inFlight === 0);
    // The handler ends after the abort; writing its answer would throw inside uWS.
    releaseWaits();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = await send(uwsPort, { path: '/echo/after' });
    expect(next.status).toBe(200);
  });

  it('drops a request whose client left during its body: fastify never sees it', async () => {
    const before = posts;
    const req = httpRequest({
      host: '127.0.0.1',
      port: uwsPort,
      method: 'POST',
      path: '/body',
      headers: { 'content-type': 'text/plain', 'content-length': '500' },
      agent: false,
    });
    req.on('error', () => undefined);
    req.write('x'.repeat(100));
    await until(() => bridge.inFlight === 1);
    req.destroy();
    await until(() => bridge.inFlight === 0);
    expect(posts).toBe(before);
  });

  it('settles at once without requests, and after a grace period with a stuck one', async () => {
    const started = performance.now();
    await bridge.settled(1_000);
    expect(performance.now() - started).toBeLessThan(100);
    const req = httpRequest({ host: '127.0.0.1', port: uwsPort, path: '/wait', agent: false });
    req.on('error', () => undefined);
    req.end();
    await until(() => bridge.inFlight === 1);
    const waiting = performance.now();
    await bridge.settled(100);
    expect(performance.now() - waiting).toBeGreaterThanOrEqual(95);
    releaseWaits();
    await until(() => bridge.inFlight === 0);
    req.destroy();
  });
});

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}
