import type {
  HttpRequest,
  HttpResponse,
  TemplatedApp,
  us_socket_context_t,
  WebSocket,
} from '@trufflesuite/uws-js-unofficial';
import { extractToken, type Principal } from '../auth/index.ts';
import { CloseCode } from '../protocol/index.ts';
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
import type { UwsModule } from './uws-module.ts';
import { remoteAddress, requestUrl } from './uws-request.ts';
import { FrameComposer, UwsSink } from './uws-sink.ts';
import { WsSession } from './ws-session.ts';

/** What a uWS socket carries (its user data): set at the upgrade; sink and session once open. */
interface UwsConnection {
  principal: Principal;
  ip: string;
  /** The chosen subprotocol, '' for none. */
  protocol: string;
  sink: UwsSink | null;
  session: WsSession | null;
}

type UwsSocket = WebSocket<UwsConnection>;

/**
 * uWS's own cap on what it holds for one socket. The hub decides about slow consumers (4008) long
 * before; this only bounds memory if that ever fails, and a message uWS drops past it closes the
 * connection (UwsSink).
 */
const MAX_BACKPRESSURE_BYTES = 64 * 1024 * 1024;

/**
 * The WebSocket edge at `GET /v1/ws` on uWebSockets.js, behaving as WsGateway does: the same
 * HandshakeGate checks and token check answered as plain HTTP before the upgrade, the same
 * subprotocol choice, WsSessions over UwsSinks, 4001 at token expiry, 1001 after draining on
 * shutdown. What uWS does differently is stated where it is handled: message size, heartbeat.
 *
 * Every handler is one function for all sockets; a socket's session is in its user data, so an
 * idle connection costs its UwsConnection, sink and session and no closures.
 */
export class UwsGateway {
  private readonly gate: HandshakeGate;
  private readonly sessions: SessionRegistry<UwsSocket>;
  /**
   * Shared by every connection: bodies encoded once, one corked write per connection per turn.
   * A uWS send still costs a system call per connection, as a raw write does on `ws`, so a large
   * fan-out is sliced across turns the same way and writesBacklogged means the same on both.
   */
  private readonly batcher = new FrameBatcher();
  private readonly composer = new FrameComposer();

  constructor(
    private readonly app: ServerApp,
    private readonly uws: UwsModule,
    private readonly options: GatewayOptions,
  ) {
    this.gate = new HandshakeGate(options);
    this.sessions = new SessionRegistry(app, this.gate, options.now);
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

  /**
   * Takes every WebSocket upgrade request of `server`, at any path, so that one to another path
   * than /v1/ws gets the gateway's 404 as on `ws`; other requests go on to the HTTP routes.
   */
  attach(server: TemplatedApp): void {
    const { maxPayloadBytes } = this.options;
    server.ws<UwsConnection>('/*', {
      compression: this.uws.DISABLED,
      // uWS cuts a connection whose message is over its limit without a close frame (the client
      // sees 1006). Its limit is set above ours so that a message somewhat over maxPayloadBytes
      // is closed with 1009 here as on `ws`; one over twice the limit is still cut by uWS.
      maxPayloadLength: 2 * maxPayloadBytes,
      maxBackpressure: MAX_BACKPRESSURE_BYTES,
      idleTimeout: idleTimeoutSeconds(this.options.heartbeatMs),
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => this.upgrade(res, req, context),
      open: (socket) => this.open(socket),
      message: (socket, message, isBinary) => {
        const session = socket.getUserData().session;
        if (session === null) return;
        if (message.byteLength > maxPayloadBytes) {
          session.sink.close(CloseCode.messageTooBig, 'message too big');
          return;
        }
        session.receive(message, isBinary);
      },
      drain: (socket) => {
        const session = socket.getUserData().session;
        if (session !== null) this.app.hub.drained(session.connection);
      },
      close: (socket) => {
        socket.getUserData().sink?.closed();
        this.sessions.remove(socket);
      },
    });
  }

  /**
   * The request is read before anything asynchronous (uWS's request object lives only during
   * this call); the token check runs with an abort handler, and the answer, an upgrade or a
   * refusal, is written corked and never after the client went away.
   */
  private upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void {
    const path = req.getUrl();
    const url = requestUrl(req);
    const origin = req.getHeader('origin');
    const ip = remoteAddress(res);
    const refusal = this.gate.admit(path, origin === '' ? undefined : origin, ip);
    if (refusal !== null) {
      refuse(res, refusal);
      return;
    }
    const key = req.getHeader('sec-websocket-key');
    const offered = req.getHeader('sec-websocket-protocol');
    const extensions = req.getHeader('sec-websocket-extensions');
    const authorization = req.getHeader('authorization');
    const { token } = extractToken({
      authorization: authorization === '' ? undefined : authorization,
      url,
      secWebSocketProtocol: offered === '' ? undefined : offered,
    });
    const protocol = chooseSubprotocol(offered.split(',').map((item) => item.trim())) || '';
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
      this.gate.release(ip);
    });
    this.options.authenticate(token).then(
      (principal) => {
        if (aborted) return;
        // A shutdown that began meanwhile has already closed the sessions it knew of.
        if (this.gate.closing) {
          this.gate.release(ip);
          res.cork(() => refuse(res, SHUTTING_DOWN));
          return;
        }
        const connection: UwsConnection = { principal, ip, protocol, sink: null, session: null };
        res.cork(() => res.upgrade(connection, key, protocol, extensions, context));
      },
      (error: unknown) => {
        if (aborted) return;
        this.gate.release(ip);
        res.cork(() => refuse(res, { status: 401, message: errorBody(error).message }));
      },
    );
  }

  private open(socket: UwsSocket): void {
    const connection = socket.getUserData();
    const sink = new UwsSink(socket, connection.protocol, this.batcher, this.composer);
    const session = new WsSession(
      sink,
      this.app,
      connection.principal,
      this.options.limits,
      this.options.now,
      connection.ip,
    );
    connection.sink = sink;
    connection.session = session;
    this.sessions.add(socket, session, connection.principal.expiresAtMs);
  }

  /**
   * Refuses new connections, lets each open one answer the requests it has taken, then closes it
   * with 1001 (SessionRegistry.closeAll).
   */
  close(): Promise<void> {
    this.gate.closing = true;
    return this.sessions.closeAll((socket) => socket.close());
  }
}

/**
 * uWS's idle timeout for `heartbeatMs`. `ws` pings every connection every heartbeatMs and drops
 * one that has not answered by the next ping. uWS (sendPingsAutomatically) pings a connection
 * silent for its idle timeout less a margin (4, 8 or 16 s, the largest with idleTimeout >= 4 x
 * margin) and drops it when the margin passes without an answer; timeouts count in steps of 4 s,
 * and uWS refuses (exits!) one under 8 s. This is the longest timeout whose ping comes within
 * heartbeatMs of silence (8 s at least), so a proxy that cuts connections idle for longer than
 * heartbeatMs sees traffic in time, as with `ws`.
 */
export function idleTimeoutSeconds(heartbeatMs: number): number {
  let timeout = MIN_IDLE_TIMEOUT_S;
  for (let candidate = timeout; candidate <= MAX_IDLE_TIMEOUT_S; candidate += 4) {
    if ((candidate - uwsPingMargin(candidate)) * 1000 <= heartbeatMs) timeout = candidate;
  }
  return timeout;
}

const MIN_IDLE_TIMEOUT_S = 8;
/** uWS keeps idle timeouts in 4 s ticks of an 8-bit counter. */
const MAX_IDLE_TIMEOUT_S = 960;

/** uWS's ping margin for an idle timeout (calculateIdleTimeoutCompnents in its sources). */
export function uwsPingMargin(idleTimeoutS: number): number {
  let margin = 4;
  while (idleTimeoutS - margin * 2 >= margin * 2 && margin < 16) margin *= 2;
  return margin;
}

/** Answers the upgrade request with a plain HTTP error and closes the connection. */
function refuse(res: HttpResponse, refusal: Refusal): void {
  res.writeStatus(statusLine(refusal.status));
  res.writeHeader('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(refusal.headers ?? {})) res.writeHeader(name, value);
  res.end(refusalBody(refusal), true);
}
