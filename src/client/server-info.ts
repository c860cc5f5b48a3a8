import type { WireColumn } from '../protocol/index.ts';
import { VaneClientError } from './errors.ts';

/** A stream of `GET /v1/streams` (docs/protocol.md, HTTP API). */
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

/** What `catalog()` returns: the streams and views the token may see. */
export interface Catalog {
  streams: StreamInfo[];
  views: ViewInfo[];
}

/** `GET /v1/stats`: live rates over the last few seconds, and counts. */
export interface ServerStats {
  /** Open WebSocket connections. */
  connections: number;
  /** Active subscriptions over all connections. */
  subscriptions: number;
  /** Accepted events per second, all streams. */
  eventsPerSecond: number;
  /** Changed rows per second emitted by views (once per view, not per subscriber). */
  changesPerSecond: number;
  /** Receive-to-durable-ack latency over the last acks; null before the first. */
  ackLatencyMs: { p50: number; p99: number } | null;
  streams: { name: string; eventsTotal: number; eventsPerSecond: number }[];
  views: { name: string; changesTotal: number; changesPerSecond: number }[];
}

/** `ws://host:port/v1/ws` → `http://host:port` (`wss:` → `https:`): where the HTTP API is. */
export function httpOrigin(wsUrl: string): string {
  const url = new URL(wsUrl);
  const protocol =
    url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  return `${protocol}//${url.host}`;
}

/**
 * GETs a JSON document from the server's HTTP API with the token as a Bearer header. Rejects with
 * a VaneClientError: the server's code for an error body, CONNECTION_LOST when it is unreachable.
 */
export async function getJson<T>(
  origin: string,
  path: string,
  token: string | undefined,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined && token !== '') headers['authorization'] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`${origin}${path}`, { headers });
  } catch (cause) {
    throw new VaneClientError('CONNECTION_LOST', `GET ${path} failed: the server is unreachable`, {
      temporary: true,
      cause,
    });
  }
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code: string; message: string; temporary?: boolean } } | undefined;
  if (!response.ok) {
    const error = body?.error;
    throw new VaneClientError(
      error?.code ?? 'PROTOCOL_ERROR',
      error?.message ?? `GET ${path} answered ${response.status}`,
      { temporary: error?.temporary === true },
    );
  }
  if (body === undefined) throw new VaneClientError('PROTOCOL_ERROR', `GET ${path}: not JSON`);
  return body as T;
}
