/**
 * Publish → delta latency at 10,000 events/s: one publisher sends 100 events every 10 ms (10
 * symbols), each carrying its send time (`sent_at`, the monotonic clock shared by the machine's
 * processes); 4 subscribers of the `live` view (emitted every 10 ms) take the newest `sent_at` of
 * each delta. Publisher and subscribers are two load processes. Vane on lmdb applies a change
 * once it is durable; the peers (and `vane --memory`, the like-for-like line) apply it at once.
 */
import type { GeneratorProcess } from '../../server/generator-process.ts';
import { integer, percentile, sortedSamples } from '../../server/stats.ts';
import { LIVE_SQL } from '../../server/workloads.ts';
import { withVaneMemory } from '../contenders.ts';
import { measure, startGenerators } from '../load.ts';
import { CPU_FIGURES, cpuFigures, ms, type Scenario } from './scenario.ts';

export const latencyScenario: Scenario = {
  id: 'latency',
  title:
    'publish → delta latency: 10,000 events/s (100 every 10 ms, 10 keys), 4 subscribers, ' +
    'emitted every 10 ms; Vane on lmdb, and --memory (no log) like the peers',
  serverFds: 1_000,
  contenders: withVaneMemory,
  figures: [
    { key: 'p50', label: 'publish → delta p50 (ms)', format: ms, ratio: true },
    { key: 'p99', label: 'publish → delta p99 (ms)', format: ms, ratio: true },
    { key: 'max', label: 'publish → delta max (ms)', format: ms },
    { key: 'ackP99', label: 'publish → ack p99 (ms)', format: ms },
    { key: 'eventsPerSecond', label: 'acknowledged events/s', format: integer },
    ...CPU_FIGURES,
  ],
  targets: [
    { figure: 'p99', peer: 'socketio', text: 'p99 below socketio (ratio < 1)', met: (r) => r < 1 },
  ],
  async round(contender, timing) {
    const server = await contender.start({
      initSql: LIVE_SQL,
      memory: false,
      fds: this.serverFds,
      connectionsPerIp: 1_000,
      cpuProfDir: timing.cpuProfDir,
    });
    const started: GeneratorProcess[] = [];
    try {
      // Subscribers first, so they are subscribed before the first event; then the publisher.
      started.push(
        ...(await startGenerators(contender, [
          { kind: 'subscribe', url: server.url, view: 'live', connections: 4, sampleEvery: 1 },
        ])),
      );
      started.push(
        ...(await startGenerators(contender, [
          {
            kind: 'publish',
            url: server.url,
            stream: 'ticks',
            intervalMs: 10,
            eventsPerBatch: 100,
            symbols: 10,
          },
        ])),
      );
      const measured = await measure(
        server,
        started,
        timing.warmupMs,
        timing.measureMs,
        (i) => i === 1,
      );
      const latency = sortedSamples([measured.samples[0]!.latencyUs]);
      const acks = sortedSamples([measured.samples[1]!.ackUs]);
      return {
        figures: {
          p50: percentile(latency, 50),
          p99: percentile(latency, 99),
          max: latency.length === 0 ? NaN : latency[latency.length - 1]!,
          ackP99: percentile(acks, 99),
          eventsPerSecond: measured.unitsPerSecond,
          ...cpuFigures(measured),
        },
        notes: measured.notes,
      };
    } finally {
      await Promise.all(started.map((generator) => generator.stop()));
      await server.stop();
    }
  },
};
