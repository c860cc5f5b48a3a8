/**
 * A browser cannot read the HTTP status of a refused WebSocket handshake: it sees a close with
 * 1006, as for a server that is down. The SDK then asks the HTTP API with the same token, and
 * stops for good on a 401 or 403 instead of redialling a server that will always refuse it.
 * `BrowserLikeWebSocket` is `ws` with its error events stripped of the text that would name the
 * status, as a browser's are.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type VaneClient } from '../../src/client/index.ts';
import type { ConnectionState, WebSocketLike } from '../../src/client/index.ts';
import type { VaneClientError } from '../../src/client/index.ts';
import {
  eventually,
  SECRET,
  signToken,
  sleep,
  startTestServer,
  TRADES_SQL,
  type TestServer,
} from './helpers.ts';

let dials = 0;

/** `ws` seen as a browser's WebSocket: the same events, but 'error' without any text. */
class BrowserLikeWebSocket implements WebSocketLike {
  private readonly inner: WebSocket;

  constructor(url: string, protocols: string[]) {
    this.inner = new WebSocket(url, protocols);
    dials++;
  }

  get readyState(): number {
    return this.inner.readyState;
  }

  send(data: string): void {
    this.inner.send(data);
  }

  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    const call = listener as (event: unknown) => void;
    if (type === 'error') this.inner.on('error', () => call({}));
    else if (type === 'open') this.inner.on('open', () => call({}));
    else if (type === 'message') {
      this.inner.on('message', (data: Buffer) => call({ data: data.toString('utf8') }));
    } else if (type === 'close') {
      this.inner.on('close', (code, reason) => call({ code, reason: reason.toString() }));
    }
  }
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ initSql: TRADES_SQL, auth: { hs256Secret: SECRET } });
});

afterAll(async () => {
  await server.stop();
});

function open(
  url: string,
  token: string,
  seen: ConnectionState[],
  errors: (VaneClientError | undefined)[],
): VaneClient {
  return connect(url, {
    WebSocket: BrowserLikeWebSocket,
    token,
    reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
    onStateChange: (state, error) => {
      seen.push(state);
      errors.push(error);
    },
  });
}

describe('a handshake refused where the status cannot be read', () => {
  it('stops with UNAUTHORIZED after asking the HTTP API, not after endless redials', async () => {
    dials = 0;
    const states: ConnectionState[] = [];
    const errors: (VaneClientError | undefined)[] = [];
    const client = open(server.wsUrl, 'not.a.jwt', states, errors);
    try {
      expect(await eventually(() => states.includes('closed'))).toBe(true);
      expect(errors.at(-1)?.code).toBe('UNAUTHORIZED');
      // A redial or two may start before the answer comes; not dozens.
      expect(dials).toBeLessThanOrEqual(3);
      const settled = dials;
      await sleep(200);
      expect(dials).toBe(settled);
    } finally {
      client.close();
    }
  });

  it('opens with a good token', async () => {
    const states: ConnectionState[] = [];
    const client = open(server.wsUrl, await signToken(), states, []);
    try {
      expect(await eventually(() => states.includes('open'))).toBe(true);
    } finally {
      client.close();
    }
  });

  it('keeps redialling a server that is down', async () => {
    const down = await startTestServer({ initSql: TRADES_SQL, auth: { hs256Secret: SECRET } });
    const url = down.wsUrl;
    await down.stop();
    dials = 0;
    const states: ConnectionState[] = [];
    const client = open(url, 'not.a.jwt', states, []);
    try {
      expect(await eventually(() => dials >= 5)).toBe(true);
      expect(states).not.toContain('closed');
    } finally {
      client.close();
    }
  });
});
