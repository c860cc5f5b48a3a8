import type { ConnectionState, ReconnectOptions, WebSocketConstructor } from './connection.ts';
import type { VaneClientError } from './errors.ts';
import type { OrderBy } from './keyed-rows.ts';

export interface ConnectOptions {
  /**
   * A JWT (SPEC §6), sent as the `token.<jwt>` subprotocol beside `vane.v1` because browsers cannot
   * set headers on a WebSocket. A function is called before every connection attempt, so a
   * refreshed token is used after a reconnect.
   */
  token?: string | (() => string);
  /**
   * The WebSocket class; defaults to `globalThis.WebSocket`. Node 20 has none: pass the `ws`
   * package's class (`import WebSocket from 'ws'`).
   */
  WebSocket?: WebSocketConstructor;
  /** Backoff between reconnects (defaults 250 ms, ×2, capped at 10 s, jitter 0.5); false: none. */
  reconnect?: Partial<ReconnectOptions> | false;
  /**
   * Heartbeat period (default 20 s): after a period with no frame from the server the SDK sends a
   * ping, and after a second one it drops the socket and reconnects (resuming subscriptions).
   * Catches connections that died without a close (half-open TCP, sleep). False: no heartbeat.
   */
  heartbeatMs?: number | false;
  /**
   * How the server encodes what it sends: 'json' (subprotocol `vane.v1`, the default) or
   * 'msgpack' (`vane.v1.msgpack`: binary MessagePack frames, a third of the bytes of a delta
   * and two to six times faster to decode; docs/protocol.md). Requests go out as JSON either
   * way.
   */
  encoding?: 'json' | 'msgpack';
  /** How long a sent request waits for its answer (default 10 s); time offline does not count. */
  requestTimeoutMs?: number;
  /** How often a publish refused with a temporary error (OVERLOADED, …) is sent again (default 5). */
  maxPublishRetries?: number;
  /**
   * How many requests may wait at once, for a connection or for their answer (default 10,000).
   * One more is refused at once with QUEUE_FULL (temporary): a client that publishes while the
   * server is unreachable holds a bounded queue, and learns it is ahead instead of growing
   * without limit.
   */
  maxPendingRequests?: number;
  /** Every state change; `error` says why the connection was lost or closed for good. */
  onStateChange?(state: ConnectionState, error: VaneClientError | undefined): void;
  /**
   * Errors that belong to no request or subscription: an unreadable frame, an error frame with no
   * known id, and the error that closed the client for good (4001, 4003).
   */
  onError?(error: VaneClientError): void;
}

/** Per key column: one accepted value or a list of them (SPEC §4 `where`). */
export type Where<Row> = { [C in keyof Row]?: Row[C] | readonly Row[C][] };

export interface SubscribeOptions<Row> {
  /** Only rows whose key columns match. */
  where?: Where<Row>;
  /** Top-N: the first `limit` rows in this order, kept so by the server. */
  orderBy?: OrderBy<Row>;
  limit?: number;
  /** At most one delta per interval (`'250ms'`, `'1s'`), holding the latest value of each row. */
  interval?: string;
}

export interface StreamSubscribeOptions<Event> {
  where?: Where<Event>;
}
