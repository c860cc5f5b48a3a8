import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

const METRICS: [name: string, type: string][] = [
  ['vane_connections', 'gauge'],
  ['vane_subscriptions', 'gauge'],
  ['vane_events_in_total', 'counter'],
  ['vane_changes_out_total', 'counter'],
  ['vane_bytes_out_total', 'counter'],
  ['vane_queued_bytes', 'gauge'],
  ['vane_dedup_ids', 'gauge'],
  ['vane_dedup_evicted_batches', 'gauge'],
  ['vane_slow_consumer_closes_total', 'counter'],
  ['vane_late_events_total', 'counter'],
  ['vane_duplicates_total', 'counter'],
  ['vane_ack_latency_seconds', 'histogram'],
  ['vane_rejected_total', 'counter'],
];

/** The value of one sample line, e.g. `vane_events_in_total{stream="trades"}`; null if absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

describe('createMetrics', () => {
  it.each(METRICS)('renders %s with HELP and TYPE %s', async (name, type) => {
    const text = await createMetrics({ defaultMetrics: false }).render();
    expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    expect(text).toContain(`# TYPE ${name} ${type}\n`);
  });

  it('shows counter increments per label', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.eventsIn.inc({ stream: 'trades' }, 3);
    metrics.eventsIn.inc({ stream: 'trades' });
    metrics.eventsIn.inc({ stream: 'clicks' }, 2);
    metrics.changesOut.inc({ view: 'ohlc_1m' }, 5);
    metrics.lateEvents.inc({ view: 'ohlc_1m' });
    metrics.duplicates.inc({ stream: 'trades' }, 7);
    metrics.rejected.inc({ code: 'UNAUTHORIZED' });
    metrics.rejected.inc({ code: 'RATE_LIMITED' }, 2);
    // @ts-expect-error: the code label takes only ErrorCode values, which keeps it bounded.
    metrics.rejected.inc({ code: 'SOMETHING_ELSE' }, 0);
    metrics.bytesOut.inc(1024);
    metrics.slowConsumerCloses.inc();
    const text = await metrics.render();
    expect(sample(text, 'vane_events_in_total{stream="trades"}')).toBe(4);
    expect(sample(text, 'vane_events_in_total{stream="clicks"}')).toBe(2);
    expect(sample(text, 'vane_changes_out_total{view="ohlc_1m"}')).toBe(5);
    expect(sample(text, 'vane_late_events_total{view="ohlc_1m"}')).toBe(1);
    expect(sample(text, 'vane_duplicates_total{stream="trades"}')).toBe(7);
    expect(sample(text, 'vane_rejected_total{code="UNAUTHORIZED"}')).toBe(1);
    expect(sample(text, 'vane_rejected_total{code="RATE_LIMITED"}')).toBe(2);
    expect(sample(text, 'vane_bytes_out_total')).toBe(1024);
    expect(sample(text, 'vane_slow_consumer_closes_total')).toBe(1);
  });

  it('removes a label series', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.eventsIn.inc({ stream: 'trades' });
    metrics.eventsIn.inc({ stream: 'dropped' });
    metrics.eventsIn.remove({ stream: 'dropped' });
    const text = await metrics.render();
    expect(sample(text, 'vane_events_in_total{stream="trades"}')).toBe(1);
    expect(sample(text, 'vane_events_in_total{stream="dropped"}')).toBeNull();
  });

  it('moves gauges up, down and to a value', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.connections.inc();
    metrics.connections.inc();
    metrics.connections.dec();
    metrics.subscriptions.inc(5);
    metrics.queuedBytes.set(4096);
    const text = await metrics.render();
    expect(sample(text, 'vane_connections')).toBe(1);
    expect(sample(text, 'vane_subscriptions')).toBe(5);
    expect(sample(text, 'vane_queued_bytes')).toBe(4096);
  });

  it('buckets ack latency from 0.5 ms to 1 s', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.ackLatency.observe(0.002);
    metrics.ackLatency.observe(3);
    const text = await metrics.render();
    const bucket = (le: string) => sample(text, `vane_ack_latency_seconds_bucket{le="${le}"}`);
    expect(bucket('0.0005')).toBe(0);
    expect(bucket('0.001')).toBe(0);
    expect(bucket('0.0025')).toBe(1);
    expect(bucket('1')).toBe(1);
    expect(bucket('+Inf')).toBe(2);
    expect(sample(text, 'vane_ack_latency_seconds_count')).toBe(2);
    expect(sample(text, 'vane_ack_latency_seconds_sum')).toBe(3.002);
  });

  it('keeps each instance on its own registry', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.connections.set(3);
    b.connections.set(7);
    expect(sample(await a.render(), 'vane_connections')).toBe(3);
    expect(sample(await b.render(), 'vane_connections')).toBe(7);
  });

  it('adds process metrics prefixed vane_ by default', async () => {
    const withDefaults = await createMetrics().render();
    expect(withDefaults).toContain('# TYPE vane_process_cpu_user_seconds_total counter');
    expect(withDefaults).toContain('vane_nodejs_heap_size_used_bytes');
    expect(withDefaults).not.toMatch(/^process_cpu/m);
    const without = await createMetrics({ defaultMetrics: false }).render();
    expect(without).not.toContain('vane_process_cpu_user_seconds_total');
  });

  it('names the Prometheus text content type', () => {
    expect(createMetrics({ defaultMetrics: false }).contentType).toMatch(
      /^text\/plain; version=0\.0\.4/,
    );
  });
});
