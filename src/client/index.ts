/**
 * @module client: the Vane SDK for browsers and Node (SPEC §4). Connect, publish with acks, run
 * SQL, and subscribe to live tables that survive reconnects. Browser-safe: no `node:*` imports.
 */
export { connect, VaneClient } from './client.ts';
export type { PublishAck, StatementResult } from './client.ts';
export { VaneClientError } from './errors.ts';
export type { ClientErrorCode, VaneClientErrorCode } from './errors.ts';
export type {
  ConnectionState,
  ReconnectOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './connection.ts';
export type { BackoffOptions } from './backoff.ts';
export type { ConnectOptions, StreamSubscribeOptions, SubscribeOptions, Where } from './options.ts';
export type { Change, OrderBy } from './keyed-rows.ts';
export { LiveTable } from './live-table.ts';
export type { Catalog, ServerStats, StreamInfo, ViewInfo } from './server-info.ts';
/** A column as the server describes it: `LiveTable.columns`, `ViewInfo.columns`. */
export type { WireColumn } from '../protocol/index.ts';
/**
 * The server's order of a top-N subscription (order terms, then the key; NULLs last), for
 * sorting rows locally exactly as the server ranks them.
 */
export { rowComparator, type OrderTerm, type RowComparator } from '../protocol/index.ts';
export type { LiveTableEvents } from './live-table.ts';
export { StreamSubscription } from './stream-subscription.ts';
export type { StreamSubscriptionEvents } from './stream-subscription.ts';
export type { SubscriptionEvents } from './subscription.ts';
export type {
  AnySchema,
  ClientSchema,
  StreamEvent,
  StreamName,
  ViewName,
  ViewRow,
} from './schema.ts';
