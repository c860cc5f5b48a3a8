/**
 * Fan-out of one changing view: the `live` view (20 symbols, 2,000 events/s from one publisher,
 * emitted every 10 ms) to N subscribers in child processes. For every contender a delta message
 * holds the rows changed since the previous one, so rows and frames mean the same on all sides:
 * deliveries/s = row changes received by subscribers (BENCHMARKS.md), frames/s = delta messages.
 * Vane runs on lmdb (its changes reach subscribers once durable), and `vane --memory` beside it is
 * the like-for-like line: the peers keep no log.
 */
import type { GeneratorProcess } from '../../server/generator-process.ts';
import { sortedSamples, percentile, integer } from '../../server/stats.ts';
import {
  FANOUT_BATCH,
  FANOUT_BATCH_EVERY_MS,
  FANOUT_SYMBOLS,
  LIVE_SQL,
  split,
} from '../../server/workloads.ts';
import { withVaneMemory } from '../contenders.ts';
import { measure, startGenerators } from '../load.ts';
import { CPU_FIGURES, cpuFigures, ms, type Scenario } from './scenario.ts';

export function fanoutScenario(subscribers: number): Scenario {
  const processes = subscribers >= 5_000 ? 4 : subscribers >= 500 ? 2 : 1;
  return {
    id: `fanout-${subscribers}`,
    title:
      `fan-out of one view (${FANOUT_SYMBOLS} keys, ` +
      `${integer((FANOUT_BATCH * 1000) / FANOUT_BATCH_EVERY_MS)} events/s, emitted every 10 ms) ` +
      `to ${integer(subscribers)} subscribers in ${processes} process(es); Vane on lmdb, and ` +
      '--memory (no log) like the peers',
    serverFds: subscribers + 500,
    contenders: withVaneMemory,
    figures: [
      {
        key: 'rowsPerSecond',
        label: 'deliveries/s (row changes received)',
        format: integer,
        ratio: true,
      },
      { key: 'framesPerSecond', label: 'delta frames received/s', format: integer, ratio: true },
      { key: 'rowsPerFrame', label: 'rows per frame', format: (x) => x.toFixed(1) },
      {
        key: 'perCpuSecond',
        label: 'deliveries per server CPU-second',
        format: integer,
        ratio: true,
      },
      { key: 'p50', label: 'publish → delta p50 (ms)', format: ms },
      { key: 'p99', label: 'publish → delta p99 (ms)', format: ms },
      ...CPU_FIGURES,
    ],
    targets: [
      { figure: 'rowsPerSecond', peer: 'socketio', text: '≥ 6× socketio', met: (r) => r >= 6 },
      { figure: 'rowsPerSecond', peer: 'ws-corked', text: '≥ 1× ws-corked', met: (r) => r >= 1 },
      { figure: 'rowsPerSecond', peer: 'uws', text: '≥ 0.7× uws', met: (r) => r >= 0.7 },
    ],
    async round(contender, timing) {
      const server = await contender.start({
        initSql: LIVE_SQL,
        memory: false,
        fds: this.serverFds,
        connectionsPerIp: subscribers + 100,
        cpuProfDir: timing.cpuProfDir,
      });
      const started: GeneratorProcess[] = [];
      try {
        const sampleEvery = Math.max(1, Math.round(subscribers / 100));
        const subscriberGenerators = await startGenerators(
          contender,
          split(subscribers, processes).map((connections) => ({
            kind: 'subscribe',
            url: server.url,
            view: 'live',
            connections,
            sampleEvery,
          })),
        );
        started.push(...subscriberGenerators);
        // Two batches every 10 ms, so every emission has changes.
        const [publisher] = await startGenerators(contender, [
          {
            kind: 'publish',
            url: server.url,
            stream: 'ticks',
            intervalMs: FANOUT_BATCH_EVERY_MS,
            eventsPerBatch: FANOUT_BATCH,
            symbols: FANOUT_SYMBOLS,
          },
        ]);
        started.push(publisher!);
        const measured = await measure(
          server,
          started,
          timing.warmupMs,
          timing.measureMs,
          (i) => i < subscriberGenerators.length,
        );
        const latency = sortedSamples(measured.samples.map((sample) => sample.latencyUs));
        return {
          figures: {
            rowsPerSecond: measured.rowsPerSecond,
            framesPerSecond: measured.unitsPerSecond,
            rowsPerFrame: measured.rowsPerSecond / measured.unitsPerSecond,
            perCpuSecond: measured.rowsPerSecond / measured.serverCores,
            p50: percentile(latency, 50),
            p99: percentile(latency, 99),
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
}
