import { CloseCode, type ServerFrame } from '../protocol/index.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { VaneClientError } from './errors.ts';

/**
 * The part of the WHATWG WebSocket the SDK uses: the browser's class and `ws`'s class both fit.
 * Text frames must arrive as strings in `data` (both do so); binary frames (MessagePack) as an
 * ArrayBuffer or a typed array (the SDK asks for 'arraybuffer').
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { code: number; reason: string }) => void,
  ): void;
  addEventListener(type: 'error', listener: (event: { message?: unknown }) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

/**
 * 'connecting': the first attempt; 'open': requests flow; 'reconnecting': the connection was lost
 * and a new one is being made (after a backoff delay); 'closed': for good, by `close()`, by an
 * access refusal or, with `reconnect: false`, by the first loss.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ReconnectOptions extends BackoffOptions {
  /** A connection that stays open this long resets the delay to `initialDelayMs`. */
  resetAfterMs: number;
}

export interface ConnectionHandlers {
  state(state: ConnectionState, error: VaneClientError | undefined): void;
  /** The socket is open: send what waits. */
  open(): void;
  frame(frame: ServerFrame): void;
  /** The socket closed; a new one follows unless `state('closed')` follows instead. */
  lost(): void;
  /** A frame that is not a JSON object with a string `type`. */
  unreadable(error: VaneClientError): void;
  /**
   * A handshake failed without saying why (a browser hides the HTTP status of a refused
   * handshake): asks the server over HTTP whether it refuses these credentials. Resolves with the
   * UNAUTHORIZED or FORBIDDEN error that ends the connection, or undefined to go on retrying.
   */
  probeRefusal?(): Promise<VaneClientError | undefined>;
}

const OPEN = 1;
/** The heartbeat's ping; its pong answers no request (the request map ignores unknown ids). */
const HEARTBEAT_PING = '{"type":"ping","id":"heartbeat"}';
/** How `ws` words a refused handshake in its error event. */
const HANDSHAKE_REFUSED = /Unexpected server response: (401|403)\b/;

/**
 * One logical connection to a Vane server made of successive sockets. Reconnects after every loss
 * (network error, 1001 shutdown, 4008 slow consumer, 4009 rate limited, …) with exponential
 * backoff and jitter; stops on 4001/4003 or an HTTP 401/403 handshake, because the same
 * credentials would be refused again. Events of a replaced socket are ignored.
 */
export class Connection {
  private socket: WebSocketLike | undefined;
  private current: ConnectionState = 'connecting';
  private readonly backoff: Backoff | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  /** Frames received since the last heartbeat check. */
  private framesSinceBeat = 0;
  private pingOutstanding = false;
  /** A probeRefusal is in flight: failed handshakes meanwhile start none of their own. */
  private probing = false;

  /**
   * `heartbeatMs`: every so often, if nothing arrived since the last check, a ping is sent; if
   * nothing arrives by the check after that, the socket is taken for dead (a half-open TCP
   * connection, a sleeping laptop, a proxy that dropped it) and replaced, as after any loss. A
   * browser sees no WebSocket-level pings, so this is how it notices. False: no heartbeat.
   */
  constructor(
    private readonly url: string,
    private readonly protocols: () => string[],
    private readonly WebSocket: WebSocketConstructor,
    private readonly reconnect: ReconnectOptions | false,
    private readonly handlers: ConnectionHandlers,
    private readonly heartbeatMs: number | false = false,
    /** Decodes binary frames (the `vane.v1.msgpack` subprotocol); without it they are refused. */
    private readonly decodeBinary?: (bytes: Uint8Array) => unknown,
  ) {
    this.backoff = reconnect === false ? undefined : new Backoff(reconnect);
  }

  get state(): ConnectionState {
    return this.current;
  }

  get isOpen(): boolean {
    return this.current === 'open' && this.socket?.readyState === OPEN;
  }

  start(): void {
    this.setState('connecting', undefined);
    this.dial();
  }

  /** Writes one text frame; false when no socket is open (the caller keeps the frame queued). */
  send(text: string): boolean {
    if (!this.isOpen || this.socket === undefined) return false;
    this.socket.send(text);
    return true;
  }

  /** Closes for good with 1000; `error` tells the handlers why (absent for a plain close). */
  close(error?: VaneClientError): void {
    if (this.current === 'closed') return;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stableTimer);
    clearInterval(this.heartbeatTimer);
    const socket = this.socket;
    this.socket = undefined;
    this.setState('closed', error);
    socket?.close(CloseCode.normal);
  }

  private dial(): void {
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocket(this.url, this.protocols());
    } catch (cause) {
      // A malformed URL throws at once in browsers and in ws; retrying would not help.
      this.close(new VaneClientError('PROTOCOL_ERROR', `cannot open ${this.url}`, { cause }));
      return;
    }
    this.socket = socket;
    if (this.decodeBinary !== undefined) socket.binaryType = 'arraybuffer';
    let refusal: VaneClientError | undefined;
    let opened = false;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      opened = true;
      this.setState('open', undefined);
      // Reset only once the connection proved stable: a server that accepts and closes at once
      // (4008, 4009) must not be redialled at the initial delay forever.
      this.stableTimer =
        this.reconnect === false
          ? undefined
          : setTimeout(() => this.backoff?.reset(), this.reconnect.resetAfterMs);
      this.startHeartbeat(socket);
      this.handlers.open();
    });
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket) return;
      this.framesSinceBeat++;
      this.receive(event.data);
    });
    socket.addEventListener('error', (event) => {
      // `ws` reports a refused handshake only here; browsers cannot tell it from a network error.
      const message = typeof event.message === 'string' ? event.message : '';
      const status = HANDSHAKE_REFUSED.exec(message)?.[1];
      if (status !== undefined) refusal = refusalError(status === '401' ? 4001 : 4003, '');
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      const error = refusal ?? refusalError(event.code, event.reason);
      this.socketLost(error, closeMessage(event.code, event.reason));
      if (!opened && error === undefined) this.probe();
    });
  }

  /**
   * After a handshake that failed for no stated reason, asks `probeRefusal` whether the server
   * refuses the credentials; if so, closes for good as a 401/403 handshake would under `ws`. The
   * reconnect scheduled meanwhile goes ahead when the answer is no (or never comes).
   */
  private probe(): void {
    if (this.handlers.probeRefusal === undefined || this.probing || this.current === 'closed') {
      return;
    }
    this.probing = true;
    void this.handlers.probeRefusal().then(
      (refused) => {
        this.probing = false;
        if (refused !== undefined && this.current !== 'open') this.close(refused);
      },
      () => {
        this.probing = false;
      },
    );
  }

  /** The current socket is gone: report it, then reconnect or close for good. */
  private socketLost(refusal: VaneClientError | undefined, message: string): void {
    this.socket = undefined;
    clearTimeout(this.stableTimer);
    clearInterval(this.heartbeatTimer);
    this.handlers.lost();
    if (refusal !== undefined) {
      this.close(refusal);
      return;
    }
    const cause = new VaneClientError('CONNECTION_LOST', message, { temporary: true });
    if (this.backoff === undefined) {
      this.close(cause);
    } else {
      this.setState('reconnecting', cause);
      this.retryTimer = setTimeout(() => this.dial(), this.backoff.next());
    }
  }

  private startHeartbeat(socket: WebSocketLike): void {
    const periodMs = this.heartbeatMs;
    if (periodMs === false) return;
    this.framesSinceBeat = 0;
    this.pingOutstanding = false;
    this.heartbeatTimer = setInterval(() => {
      if (this.socket !== socket) return;
      if (this.framesSinceBeat > 0) {
        this.framesSinceBeat = 0;
        this.pingOutstanding = false;
      } else if (!this.pingOutstanding) {
        this.pingOutstanding = true;
        socket.send(HEARTBEAT_PING);
      } else {
        // Not even the pong came back: the socket is dead, whatever its state says. Its close
        // event may take minutes on a half-open connection; a new socket does not wait for it.
        this.socketLost(
          undefined,
          `no answer from the server for ${(2 * periodMs) / 1000} s (heartbeat)`,
        );
        socket.close(CloseCode.normal);
      }
    }, periodMs);
  }

  private receive(data: unknown): void {
    let frame: unknown;
    if (typeof data === 'string') {
      try {
        frame = JSON.parse(data);
      } catch (cause) {
        this.handlers.unreadable(
          new VaneClientError('PROTOCOL_ERROR', 'frame is not JSON', { cause }),
        );
        return;
      }
    } else {
      const bytes = binaryBytes(data);
      if (bytes === undefined || this.decodeBinary === undefined) {
        this.handlers.unreadable(new VaneClientError('PROTOCOL_ERROR', 'binary frame ignored'));
        return;
      }
      try {
        frame = this.decodeBinary(bytes);
      } catch (cause) {
        this.handlers.unreadable(
          new VaneClientError('PROTOCOL_ERROR', 'frame is not MessagePack', { cause }),
        );
        return;
      }
    }
    if (
      typeof frame !== 'object' ||
      frame === null ||
      typeof (frame as { type?: unknown }).type !== 'string'
    ) {
      this.handlers.unreadable(new VaneClientError('PROTOCOL_ERROR', 'frame without a type'));
      return;
    }
    this.handlers.frame(frame as ServerFrame);
  }

  private setState(state: ConnectionState, error: VaneClientError | undefined): void {
    this.current = state;
    this.handlers.state(state, error);
  }
}

function refusalError(code: number, reason: string): VaneClientError | undefined {
  if (code === CloseCode.unauthorized) {
    return new VaneClientError('UNAUTHORIZED', reason || 'the server refused the token');
  }
  if (code === CloseCode.forbidden) {
    return new VaneClientError('FORBIDDEN', reason || 'the server refused access');
  }
  return undefined;
}

function closeMessage(code: number, reason: string): string {
  return `connection closed (${code}${reason === '' ? '' : `: ${reason}`})`;
}

/** The bytes of a binary frame as browsers (ArrayBuffer) and `ws` (Buffer, ArrayBuffer) deliver it. */
function binaryBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}
