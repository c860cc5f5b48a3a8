import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorCode } from '../util/index.ts';

export interface CounterMetric {
  inc(by?: number): void;
}

/**
 * A counter with one label, named by `Name` and valued by `Value`: `inc({ stream: 'trades' }, 3)`.
 * Every distinct label value is a time series kept until removed, so label only with bounded sets
 * (catalog names, error codes), never with raw client input, and `remove` a stream's or view's
 * series when it is dropped.
 */
export interface LabeledCounterMetric<Name extends string, Value extends string = string> {
  inc(labels: Record<Name, Value>, by?: number): void;
  remove(labels: Record<Name, Value>): void;
}

export interface GaugeMetric {
  set(value: number): void;
  inc(by?: number): void;
  dec(by?: number): void;
}

/** Observations in the metric's unit; every Vane histogram is in seconds. */
export interface HistogramMetric {
  observe(seconds: number): void;
}

/** The server's metrics (SPEC §5 `/metrics`). Modules record through these, never prom-client. */
export interface Metrics {
  /** `vane_connections`: open WebSocket connections. */
  readonly connections: GaugeMetric;
  /** `vane_subscriptions`: active subscriptions over all connections. */
  readonly subscriptions: GaugeMetric;
  /** `vane_events_in_total{stream}`: events accepted (not duplicates). */
  readonly eventsIn: LabeledCounterMetric<'stream'>;
  /** `vane_changes_out_total{view}`: changed rows emitted, counted once per view, not per subscriber. */
  readonly changesOut: LabeledCounterMetric<'view'>;
  /** `vane_bytes_out_total`: bytes sent to subscribers. */
  readonly bytesOut: CounterMetric;
  /** `vane_queued_bytes`: bytes waiting in per-connection send queues. */
  readonly queuedBytes: GaugeMetric;
  /** `vane_dedup_ids`: event ids held for de-duplication. */
  readonly dedupIds: GaugeMetric;
  /** `vane_dedup_evicted_batches`: batches forgotten early because the index hit its cap (total since start). */
  readonly dedupEvictedBatches: GaugeMetric;
  /** `vane_slow_consumer_closes_total`: connections closed with 4008. */
  readonly slowConsumerCloses: CounterMetric;
  /** `vane_late_events_total{view}`: events behind the watermark, not applied. */
  readonly lateEvents: LabeledCounterMetric<'view'>;
  /** `vane_duplicates_total{stream}`: events acknowledged as already accepted. */
  readonly duplicates: LabeledCounterMetric<'stream'>;
  /** `vane_ack_latency_seconds`: from receiving a batch to acknowledging it durable. */
  readonly ackLatency: HistogramMetric;
  /** Checkpoint rounds completed, and failed. */
  readonly checkpoints: CounterMetric;
  readonly checkpointFailures: CounterMetric;
  /** Seconds the last checkpoint round took, and the longest it held the event loop at once. */
  readonly checkpointSeconds: GaugeMetric;
  readonly checkpointStallSeconds: GaugeMetric;
  /** Log batches deleted by retention. */
  readonly logTruncatedBatches: CounterMetric;
  /** `vane_rejected_total{code}`: requests, batches and handshakes refused, by error code. */
  readonly rejected: LabeledCounterMetric<'code', ErrorCode>;
  /** `vane_mqtt_messages_total{result}`: MQTT messages by outcome (docs/mqtt.md). */
  readonly mqttMessages: LabeledCounterMetric<
    'result',
    'accepted' | 'malformed' | 'refused' | 'failed'
  >;
  /** `vane_mqtt_connected`: 1 while the MQTT bridge is connected to its broker, else 0. */
  readonly mqttConnected: GaugeMetric;
  /** The Prometheus text exposition of everything above plus the process metrics. */
  render(): Promise<string>;
  /** The Content-Type header for `render()`'s output. */
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Process and Node.js metrics (`vane_process_*`, `vane_nodejs_*`); default true. */
  defaultMetrics?: boolean;
}

/** Sub-millisecond (memory log) to one second (a slow fsync under load). */
export const ACK_LATENCY_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

/**
 * Creates the metrics on a registry of their own, never prom-client's global one, so several
 * servers in one process (tests, embedding) neither collide nor see each other's numbers.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'vane_' });
  const registers = [registry];

  function gauge(name: string, help: string): GaugeMetric {
    const metric = new Gauge({ name, help, registers });
    return {
      set: (value) => metric.set(value),
      inc: (by = 1) => metric.inc(by),
      dec: (by = 1) => metric.dec(by),
    };
  }

  function counter(name: string, help: string): CounterMetric {
    const metric = new Counter({ name, help, registers });
    return { inc: (by = 1) => metric.inc(by) };
  }

  function labeledCounter<Name extends string, Value extends string = string>(
    name: string,
    help: string,
    labelName: Name,
  ): LabeledCounterMetric<Name, Value> {
    const metric = new Counter({ name, help, labelNames: [labelName], registers });
    return {
      inc: (labels, by = 1) => metric.inc(labels, by),
      remove: (labels) => metric.remove(labels),
    };
  }

  const ackLatency = new Histogram({
    name: 'vane_ack_latency_seconds',
    help: 'Time from receiving an event batch to acknowledging it as durable.',
    buckets: ACK_LATENCY_BUCKETS_SECONDS,
    registers,
  });

  return {
    connections: gauge('vane_connections', 'Open WebSocket connections.'),
    subscriptions: gauge('vane_subscriptions', 'Active subscriptions over all connections.'),
    eventsIn: labeledCounter(
      'vane_events_in_total',
      'Events accepted into a stream, duplicates excluded.',
      'stream',
    ),
    changesOut: labeledCounter(
      'vane_changes_out_total',
      'Changed rows emitted by a view, once per view however many subscribers.',
      'view',
    ),
    bytesOut: counter('vane_bytes_out_total', 'Bytes sent to subscribers.'),
    queuedBytes: gauge('vane_queued_bytes', 'Bytes waiting in per-connection send queues.'),
    dedupIds: gauge('vane_dedup_ids', 'Event ids held for de-duplication within their horizon.'),
    dedupEvictedBatches: gauge(
      'vane_dedup_evicted_batches',
      'Batches whose ids were forgotten before their horizon because the index was full.',
    ),
    slowConsumerCloses: counter(
      'vane_slow_consumer_closes_total',
      'Connections closed because their send queue exceeded its cap (close code 4008).',
    ),
    lateEvents: labeledCounter(
      'vane_late_events_total',
      'Events that arrived behind the watermark of a view and were not applied.',
      'view',
    ),
    duplicates: labeledCounter(
      'vane_duplicates_total',
      'Events acknowledged as duplicates of an event already accepted.',
      'stream',
    ),
    ackLatency: { observe: (seconds) => ackLatency.observe(seconds) },
    checkpoints: counter('vane_checkpoints_total', 'Checkpoint rounds completed.'),
    checkpointFailures: counter(
      'vane_checkpoint_failures_total',
      'Checkpoint rounds that failed (the previous checkpoints stay valid).',
    ),
    checkpointSeconds: gauge(
      'vane_checkpoint_last_duration_seconds',
      'Wall time of the last checkpoint round, until every record was durable.',
    ),
    checkpointStallSeconds: gauge(
      'vane_checkpoint_last_stall_seconds',
      'The longest the last checkpoint round held the event loop at once (one view).',
    ),
    logTruncatedBatches: counter(
      'vane_log_truncated_batches_total',
      'Event log batches deleted by retention (older than retention and behind every checkpoint).',
    ),
    rejected: labeledCounter<'code', ErrorCode>(
      'vane_rejected_total',
      'Requests, event batches and handshakes refused, by error code.',
      'code',
    ),
    mqttMessages: labeledCounter<'result', 'accepted' | 'malformed' | 'refused' | 'failed'>(
      'vane_mqtt_messages_total',
      'MQTT messages received by the bridge, by result: accepted (stored and acknowledged), malformed or refused (acknowledged, not stored), failed (not acknowledged: QoS 1 is redelivered, QoS 0 lost).',
      'result',
    ),
    mqttConnected: gauge(
      'vane_mqtt_connected',
      '1 while the MQTT bridge is connected to its broker, else 0.',
    ),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
