/**
 * Shared pieces of the integration tests: a real server on a random 127.0.0.1 port, a raw `ws`
 * client that records every frame and can wait for one, small HTTP helpers, and the table
 * arithmetic (apply a delta, compare row sets) the tests check the server's answers with.
 */
import { SignJWT } from 'jose';
import net from 'node:net';
import WebSocket from 'ws';
import {
  resolveConfig,
  startServer,
  type DeepPartial,
  type VaneConfig,
} from '../../src/node/index.ts';
import type {
  ClientFrame,
  DeltaFrame,
  ServerFrame,
  SnapshotFrame,
  WireRow,
} from '../../src/protocol/index.ts';
import type { Clock } from '../../src/util/index.ts';
import type { VaneServer } from '../../src/node/index.ts';

export const WAIT_MS = 5_000;

export interface TestServer {
  server: VaneServer;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>/v1/ws` */
  wsUrl: string;
  stop(): Promise<void>;
}

/**
 * The transport the tests run on: `VANE_TRANSPORT=uws` (npm run test:uws) runs every integration
 * test on uWebSockets.js; unset, on `ws`.
 */
export const TEST_TRANSPORT = testTransport(process.env.VANE_TRANSPORT);

function testTransport(name: string | undefined): VaneConfig['transport'] {
  if (name === undefined || name === '' || name === 'ws') return 'ws';
  if (name === 'uws') return 'uws';
  throw new Error(`VANE_TRANSPORT=${name}: the tests run on ws or uws`);
}

/**
 * A memory-backed, silent server on a random loopback port, on TEST_TRANSPORT; `tickMs` 2 unless
 * overridden.
 */
export async function startTestServer(
  overrides: DeepPartial<VaneConfig> = {},
  clock?: Clock,
): Promise<TestServer> {
  const config = resolveConfig(
    {
      host: '127.0.0.1',
      port: 0,
      transport: TEST_TRANSPORT,
      dataDir: null,
      logLevel: 'silent',
      tickMs: 2,
    },
    overrides,
  );
  const server = await startServer(config, clock);
  return {
    server,
    url: server.url,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/v1/ws`,
    stop: () => server.stop(),
  };
}

/** A stream with an id column and a running aggregate over it, emitting every 10 ms. */
export const TRADES_SQL = `
CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP, trade_id STRING)
  WITH (timestamp = 'ts', id = 'trade_id', lateness = '1h');
CREATE VIEW last_price WITH (emit_interval = '10ms') AS
  SELECT symbol, last(price) AS price, sum(qty) AS volume, count(*) AS n
  FROM trades GROUP BY symbol;
`;

let tradeCounter = 0;

/** A trade event with a fresh id. */
export function trade(symbol: string, price: number, qty = 1): WireRow {
  tradeCounter += 1;
  return { symbol, price, qty, ts: Date.now(), trade_id: `t${tradeCounter}-${Math.random()}` };
}

// ---------------------------------------------------------------------------------------------
// Raw WebSocket client

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface RawOptions {
  /** Subprotocols to offer; `['vane.v1']` by default. */
  protocols?: string[];
  headers?: Record<string, string>;
  origin?: string;
  /** Called with every frame; with `keep: false` frames are not stored (big fan-out tests). */
  onFrame?: (frame: ServerFrame) => void;
  keep?: boolean;
  /** Decodes binary frames (a `vane.v1.msgpack` connection); without it they fail the test. */
  decodeBinary?: (bytes: Uint8Array) => unknown;
}

/**
 * One raw `ws` connection that parses every text frame and keeps it, with the time it arrived.
 * `waitFor` looks at frames already received and at the ones to come.
 */
export class RawClient {
  readonly frames: ServerFrame[] = [];
  readonly arrivals: number[] = [];
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | null = null;
  private readonly waiters = new Set<() => void>();
  private nextId = 1;

  private constructor(
    readonly ws: WebSocket,
    private readonly options: RawOptions,
  ) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        for (const waiter of this.waiters) waiter();
      });
    });
    ws.on('message', (data, isBinary) => {
      let frame: ServerFrame;
      if (isBinary) {
        if (this.options.decodeBinary === undefined) {
          throw new Error('the server sent a binary frame');
        }
        frame = this.options.decodeBinary(rawBytes(data)) as ServerFrame;
      } else {
        frame = JSON.parse(rawText(data)) as ServerFrame;
      }
      this.options.onFrame?.(frame);
      if (this.options.keep === false) return;
      this.frames.push(frame);
      this.arrivals.push(performance.now());
      for (const waiter of this.waiters) waiter();
    });
    ws.on('error', () => undefined);
  }

  static open(url: string, options: RawOptions = {}): Promise<RawClient> {
    const ws = new WebSocket(url, options.protocols ?? ['vane.v1'], {
      headers: options.headers,
      origin: options.origin,
    });
    const client = new RawClient(ws, options);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_request, response) =>
        reject(new Error(`handshake refused: ${response.statusCode}`)),
      );
      ws.once('error', reject);
    });
  }

  id(): string {
    return `r${this.nextId++}`;
  }

  send(frame: Partial<ClientFrame> | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends a request with a fresh id (unless it has one) and waits for the frame answering it. */
  async request<F extends ServerFrame = ServerFrame>(
    frame: Record<string, unknown>,
    timeoutMs = WAIT_MS,
  ): Promise<F> {
    const id = (frame['id'] as string | undefined) ?? this.id();
    const from = this.frames.length;
    this.send({ ...frame, id });
    return (await this.waitFor(
      (candidate) => 'id' in candidate && candidate.id === id,
      timeoutMs,
      from,
    )) as F;
  }

  /** The first frame (from index `from` on) matching `predicate`, waiting up to `timeoutMs`. */
  waitFor(
    predicate: (frame: ServerFrame) => boolean,
    timeoutMs = WAIT_MS,
    from = 0,
  ): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      let index = from;
      const check = (): void => {
        for (; index < this.frames.length; index++) {
          const frame = this.frames[index]!;
          if (predicate(frame)) {
            done();
            resolve(frame);
            return;
          }
        }
        if (this.closeInfo !== null) {
          done();
          reject(new Error(`connection closed (${this.closeInfo.code}) while waiting`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Subscribes; resolves with the `subscribed` frame (or the error answering it). */
  subscribe(fields: Record<string, unknown>): Promise<ServerFrame> {
    return this.request({ type: 'subscribe', ...fields });
  }

  /** The snapshot, delta and events frames of one subscription, in arrival order. */
  dataFor(sub: string): (SnapshotFrame | DeltaFrame)[] {
    return this.frames.filter(
      (frame): frame is SnapshotFrame | DeltaFrame =>
        (frame.type === 'snapshot' || frame.type === 'delta') && frame.sub === sub,
    );
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(1000);
    }
  }

  /** Closes and waits for the close handshake (or kills the socket after a second). */
  async shut(): Promise<void> {
    if (this.closeInfo !== null) return;
    this.close();
    const timer = setTimeout(() => this.ws.terminate(), 1_000);
    await this.closed;
    clearTimeout(timer);
  }
}

function rawBytes(data: WebSocket.RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}

function rawText(data: WebSocket.RawData): string {
  return rawBytes(data).toString('utf8');
}

/** Tries a WebSocket handshake that should be refused; resolves with the HTTP status and body. */
export function refusedHandshake(
  url: string,
  options: RawOptions = {},
): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(url, options.protocols ?? ['vane.v1'], {
    headers: options.headers,
    origin: options.origin,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the handshake was accepted'));
    });
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    ws.once('error', () => undefined);
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function http<T = unknown>(
  method: string,
  url: string,
  options: {
    body?: unknown;
    raw?: string;
    contentType?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics, HTML)
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** Runs SQL over HTTP and fails loudly on an error answer. */
export async function runSql(
  url: string,
  sql: string,
  headers?: Record<string, string>,
): Promise<{ results: { rows?: WireRow[] }[] }> {
  const answer = await http<{ results: { rows?: WireRow[] }[] }>('POST', `${url}/v1/sql`, {
    body: { sql },
    headers,
  });
  if (answer.status !== 200) throw new Error(`SQL failed (${answer.status}): ${answer.text}`);
  return answer.body;
}

/** The rows of a SELECT over HTTP. */
export async function selectRows(url: string, sql: string): Promise<WireRow[]> {
  const { results } = await runSql(url, sql);
  return results.at(-1)?.rows ?? [];
}

/** `GET /v1/views/{view}`; with `key`, the rows sorted by it (for order-free comparison). */
export async function viewState(
  url: string,
  view: string,
  key?: readonly string[],
): Promise<{ rows: WireRow[]; epoch: string; offset: number }> {
  const answer = await http<{ rows: WireRow[]; epoch: string; offset: number }>(
    'GET',
    `${url}/v1/views/${view}`,
  );
  if (answer.status !== 200) throw new Error(`GET view failed (${answer.status}): ${answer.text}`);
  const state = answer.body;
  return key === undefined ? state : { ...state, rows: sortRows(state.rows, key) };
}

// ---------------------------------------------------------------------------------------------
// Tables

/** A client-side copy of a keyed table: snapshot and deltas applied as SPEC §4 says. */
export class Table {
  readonly rows = new Map<string, WireRow>();

  constructor(readonly key: readonly string[]) {}

  idOf(row: WireRow): string {
    return JSON.stringify(this.key.map((column) => row[column] ?? null));
  }

  replace(rows: readonly WireRow[]): void {
    this.rows.clear();
    for (const row of rows) this.rows.set(this.idOf(row), row);
  }

  apply(frame: { upserts: readonly WireRow[]; deletes: readonly WireRow[] }): void {
    for (const row of frame.deletes) this.rows.delete(this.idOf(row));
    for (const row of frame.upserts) this.rows.set(this.idOf(row), row);
  }

  sorted(): WireRow[] {
    return sortRows([...this.rows.values()], this.key);
  }

  /** The rows as a table would hold them (one per key), sorted by key. */
  replaceAndSort(rows: readonly WireRow[]): WireRow[] {
    this.replace(rows);
    return this.sorted();
  }
}

/** Rows sorted by their key columns, for order-free comparison. */
export function sortRows(rows: readonly WireRow[], key: readonly string[]): WireRow[] {
  const id = (row: WireRow): string => JSON.stringify(key.map((column) => row[column] ?? null));
  return [...rows].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

/**
 * Checks the frames of one view subscription: seq 1, 2, 3, … without gaps, offsets increasing,
 * and (when `snapshotFirst`) a snapshot first and deltas after. Returns the table they build.
 */
export function replay(
  frames: readonly (SnapshotFrame | DeltaFrame)[],
  key: readonly string[],
  options: { snapshotFirst?: boolean; table?: Table; lastOffset?: number } = {},
): { table: Table; lastOffset: number; problems: string[] } {
  const table = options.table ?? new Table(key);
  const problems: string[] = [];
  let lastOffset = options.lastOffset ?? -1;
  frames.forEach((frame, index) => {
    if (frame.seq !== index + 1) problems.push(`frame ${index}: seq ${frame.seq}`);
    if (frame.offset <= lastOffset && !(index === 0 && frame.type === 'snapshot')) {
      problems.push(`frame ${index}: offset ${frame.offset} after ${lastOffset}`);
    }
    lastOffset = frame.offset;
    if (frame.type === 'snapshot') {
      if (index !== 0) problems.push(`frame ${index}: a snapshot after the first frame`);
      table.replace(frame.rows);
    } else {
      if (index === 0 && options.snapshotFirst !== false) {
        problems.push('the first frame is a delta');
      }
      table.apply(frame);
    }
  });
  return { table, lastOffset, problems };
}

// ---------------------------------------------------------------------------------------------
// Time and auth

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** The number on a server's `/metrics` line for `name` (with its labels, as printed); 0 if absent. */
export async function metricValue(baseUrl: string, name: string): Promise<number> {
  const { text } = await http('GET', `${baseUrl}/metrics`);
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

/** `vane_mqtt_messages_total` for one result (accepted, duplicate, malformed, …). */
export const mqttMessages = (baseUrl: string, result: string): Promise<number> =>
  metricValue(baseUrl, `vane_mqtt_messages_total{result="${result}"}`);

/** Polls `check` until it returns true or `timeoutMs` passes; returns the last answer. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = WAIT_MS,
  everyMs = 20,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
}

export const SECRET = 'integration-test-secret-0123456789abcdef';

export interface TokenClaims {
  sub?: string;
  publish?: string[];
  subscribe?: string[];
  admin?: boolean;
  /** Seconds since the epoch; default one hour from now. */
  exp?: number;
  secret?: string;
}

export function signToken(claims: TokenClaims = {}): Promise<string> {
  const vane = {
    publish: claims.publish ?? ['*'],
    subscribe: claims.subscribe ?? ['*'],
    admin: claims.admin ?? false,
  };
  return new SignJWT({ vane })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? 'tester')
    .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 3600)
    .sign(new TextEncoder().encode(claims.secret ?? SECRET));
}

// ---------------------------------------------------------------------------------------------
// A TCP proxy whose connections the test can cut (to kill an SDK's socket from outside).

export interface CuttableProxy {
  /** `ws://127.0.0.1:<proxy port>/v1/ws` */
  wsUrl: string;
  /** Destroys every connection through the proxy (both sides). */
  cut(): void;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<CuttableProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(targetPort, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [inbound, outbound];
    pairs.add(pair);
    const end = (): void => {
      inbound.destroy();
      outbound.destroy();
      pairs.delete(pair);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = (): void => {
    for (const [inbound, outbound] of [...pairs]) {
      inbound.destroy();
      outbound.destroy();
    }
    pairs.clear();
  };
  return {
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    cut,
    get connections() {
      return pairs.size;
    },
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A seeded PRNG (mulberry32), so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
