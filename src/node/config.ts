import type { MqttConfig } from '../mqtt/index.ts';
import type { TransportKind } from '../transport/index.ts';

/**
 * The server's configuration: defaults, then a config file, then VANE_* environment variables,
 * then flags (the CLI merges them in that order). Every field is explained where it is declared.
 */
export interface VaneConfig {
  /** Interface to listen on. Dev mode insists on loopback. @default '127.0.0.1' */
  host: string;
  /** TCP port; 0 picks a free one. @default 7070 */
  port: number;
  /**
   * The library that serves HTTP and WebSocket on the port: `ws` (Node's HTTP server with the `ws`
   * package) or `uws` (uWebSockets.js, faster fan-out; its package, an optional dependency, must
   * load on this platform, or the server refuses to start). Same protocol, API and limits on both
   * (docs/configuration.md). CLI `--transport`, env `VANE_TRANSPORT`. @default 'ws'
   */
  transport: TransportKind;
  /** Where the embedded store lives; null keeps everything in memory (lost on exit). @default './vane-data' */
  dataDir: string | null;
  /** Dev mode: no auth, loopback only, a banner says so. @default false */
  dev: boolean;
  auth: {
    /** HS256 shared secret. */
    hs256Secret?: string;
    /** RS256 or ES256 public key (SPKI PEM). */
    publicKeyPem?: string;
    issuer?: string;
    audience?: string;
    /** Refuse tokens without `exp` (they could never be revoked). @default true */
    requireExpiry?: boolean;
  };
  /** Browser origins allowed to open WebSockets and call the API; '*' allows any. @default [] */
  allowedOrigins: string[];
  /** SQL statements run at start; objects that already exist are kept. */
  initSql: string | null;
  limits: {
    /** Largest WebSocket message and HTTP body. @default 262_144 */
    maxPayloadBytes: number;
    /** Per-connection queue past which a slow consumer is closed with 4008. @default 1_048_576 */
    maxQueuedBytes: number;
    /** Per-connection message rate. @default 2_000 */
    messagesPerSecond: number;
    /** Per-connection inbound byte rate. @default 16_777_216 */
    bytesPerSecond: number;
    /** Open connections per client IP. @default 1_000 */
    connectionsPerIp: number;
    /**
     * New WebSocket connections per client IP and second, with bursts of twice as many: stops
     * connect-close floods that the open-connection cap cannot. @default 200
     */
    newConnectionsPerIpPerSecond: number;
    /** Events in one publish. @default 10_000 */
    maxBatchEvents: number;
  };
  /** The per-view change history that resuming subscribers are served from (SPEC §4). */
  history: {
    /** Change batches kept per view. @default 10_000 */
    maxBatches: number;
    /** Age past which a batch is dropped from the history. @default 300_000 (5 minutes) */
    maxAgeMs: number;
  };
  /**
   * How often every view's state is checkpointed with the log offset it reflects (also at
   * shutdown). A restart replays the log from the last checkpoint. @default 5_000
   */
  checkpointIntervalMs: number;
  /** WebSocket ping interval; a peer that misses a pong is dropped. @default 25_000 */
  heartbeatMs: number;
  /** How often time advances: views emit and throttled subscriptions flush. @default 10 */
  tickMs: number;
  /** @default 'info' */
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** MQTT ingest: subscribe to a broker and publish its messages into streams (docs/mqtt.md). @default null */
  mqtt: MqttConfig | null;
}

export const DEFAULT_CONFIG: VaneConfig = {
  host: '127.0.0.1',
  port: 7070,
  transport: 'ws',
  dataDir: './vane-data',
  dev: false,
  auth: {},
  allowedOrigins: [],
  initSql: null,
  limits: {
    maxPayloadBytes: 262_144,
    maxQueuedBytes: 1_048_576,
    messagesPerSecond: 2_000,
    bytesPerSecond: 16_777_216,
    connectionsPerIp: 1_000,
    newConnectionsPerIpPerSecond: 200,
    maxBatchEvents: 10_000,
  },
  history: { maxBatches: 10_000, maxAgeMs: 300_000 },
  checkpointIntervalMs: 5_000,
  heartbeatMs: 25_000,
  tickMs: 10,
  logLevel: 'info',
  mqtt: null,
};

/** Deep-merges partial configs over the defaults (later ones win). */
export function resolveConfig(...parts: DeepPartial<VaneConfig>[]): VaneConfig {
  const config = structuredClone(DEFAULT_CONFIG);
  for (const part of parts) {
    const { auth, limits, history, ...rest } = part;
    Object.assign(config, withoutUndefined(rest));
    if (auth) Object.assign(config.auth, withoutUndefined(auth));
    if (limits) Object.assign(config.limits, withoutUndefined(limits));
    if (history) Object.assign(config.history, withoutUndefined(history));
  }
  return config;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? Partial<T[K]> : T[K];
};

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}
