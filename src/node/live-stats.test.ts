import { describe, expect, it } from 'vitest';
import { LiveStats } from './live-stats.ts';

describe('LiveStats', () => {
  it('reports rates over the sampled window, per stream and view and in total', () => {
    const stats = new LiveStats(2);
    stats.sample(0);
    stats.countEvents('trades', 100);
    stats.countChanges('last_price', 10);
    stats.sample(1_000);
    stats.countEvents('trades', 100);
    stats.countEvents('readings', 50);
    stats.countChanges('last_price', 30);
    const rates = stats.rates(2_000, ['trades', 'readings'], ['last_price', 'idle']);
    expect(rates.streams).toEqual([
      { name: 'trades', eventsTotal: 200, eventsPerSecond: 100 },
      { name: 'readings', eventsTotal: 50, eventsPerSecond: 25 },
    ]);
    expect(rates.views).toEqual([
      { name: 'last_price', changesTotal: 40, changesPerSecond: 20 },
      { name: 'idle', changesTotal: 0, changesPerSecond: 0 },
    ]);
    expect(rates.eventsPerSecond).toBe(125);
    expect(rates.changesPerSecond).toBe(20);
  });

  it('forgets samples older than its window', () => {
    const stats = new LiveStats(1);
    stats.sample(0);
    stats.countEvents('s', 1_000);
    stats.sample(1_000);
    stats.sample(2_000);
    // The oldest kept sample (1 s) already holds the 1,000 events: nothing new since.
    expect(stats.rates(2_000, ['s'], []).eventsPerSecond).toBe(0);
  });

  it('reads zero before any sample, and leaves out names not asked for', () => {
    const stats = new LiveStats();
    stats.countEvents('dropped', 5);
    const rates = stats.rates(1_000, [], []);
    expect(rates).toMatchObject({ streams: [], views: [], eventsPerSecond: 0, ackLatencyMs: null });
  });

  it('gives ack latency percentiles over a bounded ring of the latest acks', () => {
    const stats = new LiveStats(3, 100);
    for (let ms = 1; ms <= 100; ms++) stats.observeAck(ms);
    expect(stats.rates(0, [], []).ackLatencyMs).toEqual({ p50: 51, p99: 100 });
    for (let i = 0; i < 100; i++) stats.observeAck(1_000);
    expect(stats.rates(0, [], []).ackLatencyMs).toEqual({ p50: 1_000, p99: 1_000 });
  });
});
