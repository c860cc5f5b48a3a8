import type { LiveRates } from '../protocol/index.ts';

/**
 * Live rates for `GET /v1/stats` and the dashboard: events per second per stream, changed rows
 * per second per view, and ack latency percentiles. Prometheus counters only hold totals (rates
 * are the scraper's job) and histograms only buckets, so the node keeps this small tracker beside
 * them, fed at the same points.
 *
 * Rates are the difference between the current totals and the totals of the oldest sample in a
 * short window (`sample()` is called about once a second), so a reading is at most a second old
 * and smooths over `windowSamples` seconds. Memory is bounded: one number per stream and view per
 * sample, and a ring of the last `maxAckSamples` ack latencies.
 */

interface Sample {
  atMs: number;
  events: Map<string, number>;
  changes: Map<string, number>;
}

export class LiveStats {
  private readonly events = new Map<string, number>();
  private readonly changes = new Map<string, number>();
  private readonly samples: Sample[] = [];
  private readonly ackMs: number[] = [];
  private ackNext = 0;

  constructor(
    private readonly windowSamples = 3,
    private readonly maxAckSamples = 1024,
  ) {}

  countEvents(stream: string, count: number): void {
    this.events.set(stream, (this.events.get(stream) ?? 0) + count);
  }

  countChanges(view: string, count: number): void {
    this.changes.set(view, (this.changes.get(view) ?? 0) + count);
  }

  observeAck(latencyMs: number): void {
    if (this.ackMs.length < this.maxAckSamples) this.ackMs.push(latencyMs);
    else this.ackMs[this.ackNext] = latencyMs;
    this.ackNext = (this.ackNext + 1) % this.maxAckSamples;
  }

  /** Takes a sample of the totals; call about once a second. */
  sample(nowMs: number): void {
    this.samples.push({
      atMs: nowMs,
      events: new Map(this.events),
      changes: new Map(this.changes),
    });
    while (this.samples.length > this.windowSamples + 1) this.samples.shift();
  }

  /** Rates for the given catalog names (dropped streams and views fall out of the answer). */
  rates(nowMs: number, streams: readonly string[], views: readonly string[]): LiveRates {
    const oldest = this.samples[0];
    const seconds = oldest === undefined ? 0 : (nowMs - oldest.atMs) / 1000;
    const rate = (total: number, before: number | undefined): number =>
      seconds > 0 ? Math.max(0, total - (before ?? 0)) / seconds : 0;
    const streamRates = streams.map((name) => {
      const total = this.events.get(name) ?? 0;
      return { name, eventsTotal: total, eventsPerSecond: rate(total, oldest?.events.get(name)) };
    });
    const viewRates = views.map((name) => {
      const total = this.changes.get(name) ?? 0;
      return {
        name,
        changesTotal: total,
        changesPerSecond: rate(total, oldest?.changes.get(name)),
      };
    });
    return {
      streams: streamRates,
      views: viewRates,
      eventsPerSecond: sum(streamRates.map((stream) => stream.eventsPerSecond)),
      changesPerSecond: sum(viewRates.map((view) => view.changesPerSecond)),
      ackLatencyMs: this.ackPercentiles(),
    };
  }

  private ackPercentiles(): { p50: number; p99: number } | null {
    if (this.ackMs.length === 0) return null;
    const sorted = [...this.ackMs].sort((a, b) => a - b);
    const at = (q: number): number =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { p50: at(0.5), p99: at(0.99) };
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
