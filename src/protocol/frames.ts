/**
 * The WebSocket wire contract (SPEC §4): one JSON object per text frame, discriminated by `type`.
 * Client requests carry an `id` string that the server echoes in its answer. This file is the
 * single definition of the frames for the server, the SDK and the tests; it is browser-safe.
 */

/** Row values as they travel: TIMESTAMP columns are ISO-8601 strings. */
export type WireRow = Record<string, unknown>;

export interface WireColumn {
  name: string;
  type: string;
}

/** A key filter: per key column, a value or a list of accepted values. */
export type WhereFilter = Record<string, unknown>;

export interface PublishFrame {
  type: 'publish';
  id: string;
  stream: string;
  events: WireRow[];
}

/** Resume point of a subscription: the epoch and the last offset the client applied. */
export interface ResumePoint {
  epoch: string;
  offset: number;
}

/** Exactly one of `view`, `stream` or `sql` names what to watch. */
export interface SubscribeFrame {
  type: 'subscribe';
  id: string;
  view?: string;
  stream?: string;
  sql?: string;
  where?: WhereFilter;
  resume?: ResumePoint;
  /** Top-N: `[[column, 'asc' | 'desc'], …]` with `limit`. */
  order_by?: [string, 'asc' | 'desc'][];
  limit?: number;
  /** Throttle: at most one delta per interval ('250ms', '1s'). */
  interval?: string;
}

export interface UnsubscribeFrame {
  type: 'unsubscribe';
  id: string;
  sub: string;
}

export interface SqlFrame {
  type: 'sql';
  id: string;
  sql: string;
}

export interface PingFrame {
  type: 'ping';
  id: string;
}

export type ClientFrame = PublishFrame | SubscribeFrame | UnsubscribeFrame | SqlFrame | PingFrame;

export interface AckFrame {
  type: 'ack';
  id: string;
  accepted: number;
  duplicates: number;
}

export interface SubscribedFrame {
  type: 'subscribed';
  id: string;
  sub: string;
  /** Key column names (views); empty for stream subscriptions. */
  key: string[];
  columns: WireColumn[];
  epoch: string;
  /** True when `resume` was honoured: the deltas that follow are exactly the missed ones. */
  recovered: boolean;
}

export interface SnapshotFrame {
  type: 'snapshot';
  sub: string;
  seq: number;
  offset: number;
  rows: WireRow[];
}

export interface DeltaFrame {
  type: 'delta';
  sub: string;
  seq: number;
  offset: number;
  upserts: WireRow[];
  /** Key columns only. */
  deletes: WireRow[];
}

export interface EventsFrame {
  type: 'events';
  sub: string;
  seq: number;
  events: WireRow[];
}

export interface StatementResultWire {
  statement: string;
  name?: string;
  message: string;
  columns?: WireColumn[];
  rows?: WireRow[];
}

export interface ResultFrame {
  type: 'result';
  id: string;
  ok: true;
  results: StatementResultWire[];
  /** Rows of the last statement that returned rows (SPEC §4 shows `rows`). */
  rows: WireRow[];
}

export interface ErrorFrame {
  type: 'error';
  /** The request's id; absent when the frame could not be read far enough to find one. */
  id?: string;
  /** Present when the error ends a subscription. */
  sub?: string;
  code: string;
  message: string;
  /** True when the same request may succeed later (overload), false for bad input. */
  temporary: boolean;
  /** SQL errors: where in the statement text. */
  line?: number;
  column?: number;
}

export interface PongFrame {
  type: 'pong';
  id: string;
}

export type ServerFrame =
  | AckFrame
  | SubscribedFrame
  | SnapshotFrame
  | DeltaFrame
  | EventsFrame
  | ResultFrame
  | ErrorFrame
  | PongFrame;

/** The WebSocket subprotocol of this contract. */
export const SUBPROTOCOL = 'vane.v1';

/** Close codes (SPEC §4; 1011 extends it: docs/protocol.md). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  messageTooBig: 1009,
  internalError: 1011,
  unauthorized: 4001,
  forbidden: 4003,
  slowConsumer: 4008,
  rateLimited: 4009,
} as const;
