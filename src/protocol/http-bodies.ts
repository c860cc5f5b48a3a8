import type { WireColumn } from './frames.ts';

/**
 * The JSON bodies of the HTTP API's read routes (docs/protocol.md, HTTP API): one definition for
 * the server that writes them and the SDK, CLI and dashboard that read them.
 */

/** A stream of `GET /v1/streams`. */
export interface StreamInfo {
  name: string;
  sql: string;
  columns: WireColumn[];
  timestamp: string | null;
  id: string | null;
  latenessMs: number;
  retentionMs: number;
  /** Names of the views that read it. */
  views: string[];
}

/** A view of `GET /v1/views`. */
export interface ViewInfo {
  name: string;
  stream: string;
  sql: string;
  columns: WireColumn[];
  key: string[];
  /** `'none'` for a running aggregate, else e.g. `TUMBLE(1m)`. */
  window: string;
  emit: 'changes' | 'final';
  emitIntervalMs: number;
}

/** The streams and views a token may see (`GET /v1/streams` and `GET /v1/views` together). */
export interface Catalog {
  streams: StreamInfo[];
  views: ViewInfo[];
}

/** The rates of `GET /v1/stats`, over the last few seconds. */
export interface LiveRates {
  /** Accepted events per second, all streams. */
  eventsPerSecond: number;
  /** Changed rows per second emitted by views (once per view, not per subscriber). */
  changesPerSecond: number;
  /** Receive-to-durable-ack latency over the last acks; null before the first. */
  ackLatencyMs: { p50: number; p99: number } | null;
  streams: { name: string; eventsTotal: number; eventsPerSecond: number }[];
  views: { name: string; changesTotal: number; changesPerSecond: number }[];
}

/** `GET /v1/stats`: live rates, and counts. */
export interface ServerStats extends LiveRates {
  /** Open WebSocket connections. */
  connections: number;
  /** Active subscriptions over all connections. */
  subscriptions: number;
}
