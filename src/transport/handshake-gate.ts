import {
  createConnectionLimiter,
  createHandshakeRate,
  type ConnectionLimiter,
  type HandshakeRate,
  type OriginCheck,
} from '../auth/index.ts';
import { MSGPACK_SUBPROTOCOL, SUBPROTOCOL } from '../protocol/index.ts';

/** The path WebSockets are opened at (SPEC §4). */
export const WS_PATH = '/v1/ws';

/** A handshake turned down, answered as plain HTTP before any upgrade. */
export interface Refusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export interface HandshakeGateOptions {
  connectionsPerIp: number;
  newConnectionsPerIpPerSecond: number;
  originAllowed: OriginCheck;
  now: () => number;
}

/**
 * The checks a WebSocket handshake passes before its token is even looked at, shared by both
 * gateways so that they refuse alike (SPEC §4, §6), in this order: 503 while shutting down, 404 for
 * another path, 403 for a foreign origin, 429 with Retry-After past the per-IP handshake rate,
 * 429 past the per-IP connection cap. The token check (401) follows in the gateway, since it is
 * asynchronous.
 */
export class HandshakeGate {
  private readonly connectionLimiter: ConnectionLimiter;
  private readonly handshakeRate: HandshakeRate;
  /** Set when the gateway starts closing: every handshake from then on gets 503. */
  closing = false;

  constructor(private readonly options: HandshakeGateOptions) {
    this.connectionLimiter = createConnectionLimiter({ maxPerIp: options.connectionsPerIp });
    this.handshakeRate = createHandshakeRate({
      ratePerSec: options.newConnectionsPerIpPerSecond,
      burst: 2 * options.newConnectionsPerIpPerSecond,
      now: options.now,
    });
  }

  /**
   * Null when the handshake may go on to the token check; `ip` then holds one of its connection
   * slots, which the caller gives back with `release` when the handshake fails later or the
   * connection closes, exactly once.
   */
  admit(path: string, origin: string | undefined, ip: string): Refusal | null {
    if (this.closing) return SHUTTING_DOWN;
    if (path !== WS_PATH) return { status: 404, message: 'not found' };
    if (!this.options.originAllowed(origin)) return { status: 403, message: 'origin not allowed' };
    if (!this.handshakeRate.tryAdmit(ip)) {
      const seconds = Math.max(1, Math.ceil(this.handshakeRate.retryAfterMs(ip) / 1000));
      return {
        status: 429,
        message: 'too many new connections from this address; retry shortly',
        headers: { 'Retry-After': String(seconds) },
      };
    }
    if (!this.connectionLimiter.tryAcquire(ip)) {
      return { status: 429, message: 'too many connections from this address' };
    }
    return null;
  }

  release(ip: string): void {
    this.connectionLimiter.release(ip);
  }
}

/** For a handshake whose token check ended after the gateway started closing. */
export const SHUTTING_DOWN: Refusal = { status: 503, message: 'shutting down' };

/** The JSON body of a refusal, as the HTTP API words its errors. */
export function refusalBody(refusal: Refusal): string {
  return JSON.stringify({ error: { message: refusal.message } });
}

/** `401 Unauthorized` and the like, for the status line of a refusal. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/**
 * The first of the client's offered subprotocols that Vane speaks (`vane.v1`, JSON, or
 * `vane.v1.msgpack`), in the client's order of preference; false when it offers none of them.
 * Both gateways then complete the handshake without a Sec-WebSocket-Protocol header, as `ws`
 * does: a client that offered subprotocols must fail such a handshake (RFC 6455 §4.1), and one
 * that offered none speaks JSON.
 */
export function chooseSubprotocol(offered: Iterable<string>): string | false {
  for (const protocol of offered) {
    if (protocol === SUBPROTOCOL || protocol === MSGPACK_SUBPROTOCOL) return protocol;
  }
  return false;
}
