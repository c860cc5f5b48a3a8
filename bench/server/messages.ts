/**
 * The IPC between the benchmark orchestrator (`main.ts`) and its load-generator processes
 * (`generator.ts`). A generator gets one job, says `ready` once its connections are set up (and
 * subscribed), answers every `mark` with its counters, and answers `finish` with its samples,
 * then exits.
 */

/** Keeps `inFlight` publishes of `eventsPerBatch` events (unique ids) outstanding per connection. */
export interface IngestJob {
  kind: 'ingest';
  url: string;
  stream: string;
  connections: number;
  inFlight: number;
  eventsPerBatch: number;
  /** Makes event ids unique across generator processes. */
  tag: string;
}

/** Subscribes `connections` sockets to `view` and counts the delta frames they receive. */
export interface SubscribeJob {
  kind: 'subscribe';
  url: string;
  view: string;
  connections: number;
  /** Every n-th connection parses its deltas: seq check and publish-to-delta latency. */
  sampleEvery: number;
}

/**
 * Publishes a batch every `intervalMs` without waiting for acks; each event carries `sent_at`,
 * the publisher's monotonic clock in µs (shared by every process on the machine).
 */
export interface PublishJob {
  kind: 'publish';
  url: string;
  stream: string;
  intervalMs: number;
  eventsPerBatch: number;
  symbols: number;
}

/** Opens `connections` sockets and leaves them idle. */
export interface IdleJob {
  kind: 'idle';
  url: string;
  connections: number;
}

export type Job = IngestJob | SubscribeJob | PublishJob | IdleJob;

export type ToGenerator = { cmd: 'start'; job: Job } | { cmd: 'mark' } | { cmd: 'finish' };

export interface Counters {
  /** The generator's monotonic clock, µs. */
  atUs: number;
  /** Events acknowledged (ingest, publish) or delta frames received (subscribe). */
  units: number;
  /** Rows in the delta frames received (subscribe), upserts and deletes. */
  rows: number;
  /** CPU time of the generator process, µs. */
  cpuUs: number;
  /** Open connections. */
  open: number;
  /** Seq gaps seen by sampled subscribers. */
  gaps: number;
  /** Close codes of connections closed by the server, with counts. */
  closes: Record<string, number>;
  /** Error frames by code (and failed connects as `CONNECT`). */
  errors: Record<string, number>;
}

export interface Samples {
  /** Publish-to-delta latencies in µs, recorded after the first mark. */
  latencyUs: Float64Array;
  /** Publish-to-ack latencies in µs, recorded after the first mark. */
  ackUs: Float64Array;
}

export type FromGenerator =
  | { kind: 'ready' }
  | { kind: 'mark'; counters: Counters }
  | { kind: 'samples'; samples: Samples }
  | { kind: 'failed'; message: string };
