/** @module observability: the logger and metrics ports, backed by pino and prom-client. */
export {
  createLogger,
  type LogDestination,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './logger.ts';
export {
  ACK_LATENCY_BUCKETS_SECONDS,
  createMetrics,
  type CounterMetric,
  type GaugeMetric,
  type HistogramMetric,
  type LabeledCounterMetric,
  type Metrics,
  type MetricsOptions,
} from './metrics.ts';
