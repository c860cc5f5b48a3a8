import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { extractToken, type Principal } from '../auth/index.ts';
import type { Logger } from '../observability/index.ts';
import { clientAddress } from './client-address.ts';
import { errorBody } from './error-status.ts';
import { FrameBatcher } from './frame-batcher.ts';
import type { GatewayOptions } from './gateway-options.ts';
import {
  chooseSubprotocol,
  HandshakeGate,
  refusalBody,
  SHUTTING_DOWN,
  statusLine,
  type Refusal,
} from './handshake-gate.ts';
import type { ServerApp } from './server-app.ts';
import { SessionRegistry } from './session-registry.ts';
import { WsSession } from './ws-session.ts';
import { WsSink } from './ws-sink.ts';

/**
 * The WebSocket edge at `GET /v1/ws` on `ws` (SPEC §4, §6): the HandshakeGate's checks (404, 503,
 * 403, 429) and the token check (401), all answered as plain HTTP before the upgrade, so no
 * unauthenticated socket ever opens. Then one WsSession per socket over a WsSink, a heartbeat
 * that drops peers missing a pong, and a close with 1001 for everyone on shutdown.
 */
export class WsGateway {
  private readonly server: WebSocketServer;
  private readonly gate: HandshakeGate;
  private readonly sessions: SessionRegistry<WebSocket>;
  /** Shared by every connection: bodies encoded once, one socket write per connection per turn. */
  private readonly batcher = new FrameBatcher();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly listeners: SocketListeners;

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
    this.gate = new HandshakeGate(options);
    this.sessions = new SessionRegistry(app, this.gate, options.now);
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
    this.listeners = socketListeners(
      (socket) => this.sessions.get(socket),
      (socket) => this.sessions.remove(socket),
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
    const path = (request.url ?? '').split('?')[0]!;
    const ip = clientAddress(request.socket.remoteAddress ?? '');
    const refusal = this.gate.admit(path, request.headers.origin, ip);
    if (refusal !== null) {
      refuse(socket, refusal);
      return;
    }
    const { token } = extractToken({
      authorization: request.headers.authorization,
      url: request.url,
      secWebSocketProtocol: request.headers['sec-websocket-protocol'],
    });
    this.options.authenticate(token).then(
      (principal) => {
        // A shutdown that began meanwhile has already closed the sessions it knew of.
        if (this.gate.closing) {
          this.gate.release(ip);
          refuse(socket, SHUTTING_DOWN);
          return;
        }
        let opened = false;
        this.server.handleUpgrade(request, socket, head, (ws) => {
          opened = true;
          this.open(ws, principal, ip);
        });
        // Without verifyClient, ws completes or drops the upgrade before handleUpgrade returns;
        // it drops it without calling back when the client left during the token check or the
        // request is malformed (400). The slot is given back then, or it would be held forever.
        if (!opened) this.gate.release(ip);
      },
      (error: unknown) => {
        this.gate.release(ip);
        refuse(socket, { status: 401, message: errorBody(error).message });
      },
    );
  }

  private open(socket: WebSocket, principal: Principal, ip: string): void {
    const sink = new WsSink(socket, this.batcher, this.sinkDrained);
    const session = new WsSession(
      sink,
      this.app,
      principal,
      this.options.limits,
      this.options.now,
      ip,
    );
    this.sessions.add(socket, session, principal.expiresAtMs);
    socket.on('message', this.listeners.message);
    socket.on('pong', this.listeners.pong);
    socket.on('close', this.listeners.close);
    socket.on('error', this.listeners.error);
  }

  private readonly sinkDrained = (sink: WsSink): void => {
    const session = this.sessions.get(sink.socket);
    if (session !== undefined) this.app.hub.drained(session.connection);
  };

  private beat(): void {
    for (const [socket, session] of this.sessions.entries()) {
      if (!session.alive) {
        socket.terminate();
        continue;
      }
      session.alive = false;
      socket.ping();
    }
  }

  /**
   * Refuses new connections, lets each open one answer the requests it has taken, then closes it
   * with 1001 (SessionRegistry.closeAll).
   */
  close(): Promise<void> {
    this.gate.closing = true;
    clearInterval(this.heartbeat);
    return this.sessions
      .closeAll((socket) => socket.terminate())
      .then(() => new Promise<void>((resolve) => this.server.close(() => resolve())));
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

/** Answers the upgrade request with a plain HTTP error and closes the TCP connection. */
function refuse(socket: Duplex, refusal: Refusal): void {
  const body = refusalBody(refusal);
  const extra = Object.entries(refusal.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${statusLine(refusal.status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}
