import type { Principal } from '../auth/index.ts';
import type { Logger } from '../observability/index.ts';
import type { DashboardSource } from './dashboard-routes.ts';

/** The WebSocket (and HTTP) server library a transport runs on. */
export type TransportKind = 'ws' | 'uws';
export const TRANSPORT_KINDS: readonly TransportKind[] = ['ws', 'uws'];

/** How long a closing transport lets HTTP requests in flight finish before dropping them. */
export const CLOSE_GRACE_MS = 2_000;

export interface TransportOptions {
  /** Which implementation serves the port (see createTransport). @default 'ws' */
  transport?: TransportKind;
  host: string;
  port: number;
  allowedOrigins: string[];
  maxPayloadBytes: number;
  connectionsPerIp: number;
  newConnectionsPerIpPerSecond: number;
  heartbeatMs: number;
  messagesPerSecond: number;
  bytesPerSecond: number;
  maxBatchEvents: number;
  /** Turns a token (or its absence) into a principal, or rejects with UNAUTHORIZED. */
  authenticate: (token: string | null) => Promise<Principal>;
  /** The dashboard's files: GET / and GET /assets/{file}. */
  dashboard: DashboardSource;
  now: () => number;
  logger: Logger;
}

export interface Transport {
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting, closes WebSockets with 1001, then stops the HTTP server. */
  close(): Promise<void>;
  readonly connections: number;
  /**
   * True while the writes of an earlier fan-out are still going out (a large fan-out is written
   * over several turns). The node holds view emissions back meanwhile: the views keep coalescing
   * changes per key, so a server that cannot write every emission sends fewer, fuller deltas
   * instead of falling ever further behind.
   */
  readonly writesBacklogged: boolean;
  /**
   * Calls `listener` when writes that were backlogged have all gone out, so whoever held work
   * back for them can go on at once rather than at its next timer.
   */
  onWritesCaughtUp(listener: () => void): void;
}
