/**
 * Fixed rules of the wire contract: a frame that breaks one is rejected by `parseClientFrame`
 * whatever the server's configuration.
 */
export const PROTOCOL_RULES = {
  /** Longest request `id`, in UTF-16 code units (`id.length`). */
  maxIdLength: 128,
  /** Largest `limit` of a top-N subscription. */
  maxTopNLimit: 10_000,
} as const;

/**
 * The server's default limits (SPEC §4); a deployment may configure others. The SDK reads
 * `heartbeatIntervalMs` to know how long silence may last before a connection is presumed dead.
 */
export const DEFAULT_LIMITS = {
  /** Largest WebSocket text frame; a bigger one closes the connection with 1009. */
  maxPayloadBytes: 256 * 1024,
  /** Bytes queued for one connection after conflation; over it the connection closes with 4008. */
  maxQueuedBytes: 1024 * 1024,
  /** Most events in one publish frame or HTTP batch; more is PAYLOAD_TOO_LARGE. */
  maxEventsPerBatch: 10_000,
  /** The server sends a WebSocket ping this often; no pong before the next ping ends the link. */
  heartbeatIntervalMs: 25_000,
} as const;
