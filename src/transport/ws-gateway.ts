import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  createConnectionLimiter,
  createHandshakeRate,
  extractToken,
  type ConnectionLimiter,
  type HandshakeRate,
  type OriginCheck,
  type Principal,
} from '../auth/index.ts';
import { CloseCode, MSGPACK_SUBPROTOCOL, SUBPROTOCOL } from '../protocol/index.ts';
import type { Logger } from '../observability/index.ts';
import { errorBody } from './error-status.ts';
import type { ServerApp } from './server-app.ts';
import { WsSession, type SessionLimits } from './ws-session.ts';
import { FrameBatcher, type WsSink } from './ws-sink.ts';

export interface GatewayOptions {
  maxPayloadBytes: number;
  connectionsPerIp: number;
  newConnectionsPerIpPerSecond: number;
  heartbeatMs: number;
  limits: SessionLimits;
  originAllowed: OriginCheck;
  /** Verifies a token into a principal; rejects with an UNAUTHORIZED VaneError. */
  authenticate: (token: string | null) => Promise<Principal>;
  now: () => number;
  logger: Logger;
}

/**
 * The WebSocket edge at `GET /v1/ws` (SPEC §4, §6): origin check (403), per-IP connection cap
 * (429), token check (401), all answered as plain HTTP before the upgrade, so no unauthenticated
 * socket ever opens. Then one WsSession per socket, a heartbeat that drops peers missing a pong,
 * and a close with 1001 for everyone on shutdown.
 */
export class WsGateway {
  private readonly server: WebSocketServer;
  private readonly connectionLimiter: ConnectionLimiter;
  private readonly handshakeRate: HandshakeRate;
  private readonly sessions = new Map<WebSocket, WsSession>();
  /** Shared by every connection: bodies encoded once, one socket write per connection per turn. */
  private readonly batcher = new FrameBatcher();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly listeners: SocketListeners;
  private closing = false;

  constructor(
    private readonly app: ServerApp,
    private readonly options: GatewayOptions,
  ) {
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false,
      handleProtocols: chooseSubprotocol,
      // The gateway keeps its own map of sessions; ws's set of clients would be a second entry
      // per connection.
      clientTracking: false,
    });
    this.connectionLimiter = createConnectionLimiter({ maxPerIp: options.connectionsPerIp });
    this.handshakeRate = createHandshakeRate({
      ratePerSec: options.newConnectionsPerIpPerSecond,
      burst: 2 * options.newConnectionsPerIpPerSecond,
      now: options.now,
    });
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
    this.listeners = socketListeners(
      (socket) => this.sessions.get(socket),
      (socket) => this.closed(socket),
      options.logger,
    );
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /** See FrameBatcher.backlogged. */
  get writesBacklogged(): boolean {
    return this.batcher.backlogged;
  }

  /** See Transport.onWritesCaughtUp. */
  onWritesCaughtUp(listener: () => void): void {
    this.batcher.onDrained = listener;
  }

  /** Handles an HTTP upgrade request; anything but /v1/ws is refused. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/v1/ws' || this.closing) {
      refuse(socket, this.closing ? 503 : 404, this.closing ? 'shutting down' : 'not found');
      return;
    }
    if (!this.options.originAllowed(request.headers.origin)) {
      refuse(socket, 403, 'origin not allowed');
      return;
    }
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; count it as a.b.c.d.
    const ip = (request.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
    if (!this.handshakeRate.tryAdmit(ip)) {
      const seconds = Math.max(1, Math.ceil(this.handshakeRate.retryAfterMs(ip) / 1000));
      refuse(socket, 429, 'too many new connections from this address; retry shortly', {
        'Retry-After': String(seconds),
      });
      return;
    }
    if (!this.connectionLimiter.tryAcquire(ip)) {
      refuse(socket, 429, 'too many connections from this address');
      return;
    }
    const { token } = extractToken({
      authorization: request.headers.authorization,
      url: request.url,
      secWebSocketProtocol: request.headers['sec-websocket-protocol'],
    });
    this.options.authenticate(token).then(
      (principal) => {
        this.server.handleUpgrade(request, socket, head, (ws) => this.open(ws, principal, ip));
      },
      (error: unknown) => {
        this.connectionLimiter.release(ip);
        refuse(socket, 401, errorBody(error).message);
      },
    );
  }

  private open(socket: WebSocket, principal: Principal, ip: string): void {
    const session = new WsSession(
      socket,
      this.app,
      principal,
      this.options.limits,
      this.options.now,
      this.batcher,
      ip,
      this.sinkDrained,
    );
    this.sessions.set(socket, session);
    this.app.metrics.connections.inc();
    if (principal.expiresAtMs !== null) {
      session.expiry = setTimeout(
        () => session.sink.close(CloseCode.unauthorized, 'token expired'),
        Math.max(0, principal.expiresAtMs - this.options.now()),
      );
    }
    socket.on('message', this.listeners.message);
    socket.on('pong', this.listeners.pong);
    socket.on('close', this.listeners.close);
    socket.on('error', this.listeners.error);
  }

  private readonly sinkDrained = (sink: WsSink): void => {
    const session = this.sessions.get(sink.socket);
    if (session !== undefined) this.app.hub.drained(session.connection);
  };

  private closed(socket: WebSocket): void {
    const session = this.sessions.get(socket);
    if (session === undefined) return;
    if (session.expiry !== null) clearTimeout(session.expiry);
    this.sessions.delete(socket);
    this.connectionLimiter.release(session.ip);
    this.app.metrics.connections.dec();
    session.closed();
  }

  private beat(): void {
    for (const [socket, session] of this.sessions) {
      if (!session.alive) {
        socket.terminate();
        continue;
      }
      session.alive = false;
      socket.ping();
    }
  }

  /**
   * Refuses new connections, lets each open one answer the requests it has taken (bounded by
   * DRAIN_TIMEOUT_MS), then closes it with 1001.
   */
  close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    const closed = [...this.sessions].map(
      ([socket, session]) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          void within(session.drain(), DRAIN_TIMEOUT_MS).then(() => {
            session.sink.close(CloseCode.goingAway, 'server shutting down');
            setTimeout(() => {
              socket.terminate();
              resolve();
            }, 2000).unref();
          });
        }),
    );
    return Promise.all(closed).then(
      () => new Promise<void>((resolve) => this.server.close(() => resolve())),
    );
  }
}

interface SocketListeners {
  message: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  pong: (this: WebSocket) => void;
  close: (this: WebSocket) => void;
  error: (this: WebSocket, error: Error) => void;
}

/**
 * The listeners of every socket of a gateway: one function each, shared (`this` is the socket),
 * not closures per connection; at 4,000 idle connections those were ~0.3 KB of heap each.
 */
function socketListeners(
  sessionOf: (socket: WebSocket) => WsSession | undefined,
  closed: (socket: WebSocket) => void,
  logger: Logger,
): SocketListeners {
  return {
    message(data, isBinary) {
      sessionOf(this)?.receive(data, isBinary);
    },
    pong() {
      const session = sessionOf(this);
      if (session !== undefined) session.alive = true;
    },
    close() {
      closed(this);
    },
    error(error) {
      logger.debug({ err: error.message }, 'websocket error');
    },
  };
}

/**
 * The first of the client's offered subprotocols that Vane speaks (`vane.v1`, JSON, or
 * `vane.v1.msgpack`), in the client's order of preference; none refuses the handshake.
 */
function chooseSubprotocol(offered: Set<string>): string | false {
  for (const protocol of offered) {
    if (protocol === SUBPROTOCOL || protocol === MSGPACK_SUBPROTOCOL) return protocol;
  }
  return false;
}

/** How long a shutdown waits for a connection's pending acks before closing it anyway. */
const DRAIN_TIMEOUT_MS = 5_000;

/** Resolves when `promise` does or after `ms`, whichever comes first. */
function within(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function refuse(
  socket: Duplex,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ error: { message } });
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};
