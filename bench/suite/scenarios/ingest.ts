/**
 * Ingest: 50 producers (WebSocket connections, over 2 load processes), each keeping 2 publishes
 * of 100 events in flight; events/s counts acknowledged events. Vane acknowledges a batch once it
 * is durable in its lmdb log (fsync) after validation and de-duplication by id; `vane --memory`
 * is the like-for-like line (no log). A peer acknowledges after applying the batch to its Map:
 * no log, no validation, no de-duplication.
 */
import type { GeneratorProcess } from '../../server/generator-process.ts';
import { integer } from '../../server/stats.ts';
import { INGEST_SQL, split } from '../../server/workloads.ts';
import { withVaneMemory } from '../contenders.ts';
import { measure, startGenerators } from '../load.ts';
import { CPU_FIGURES, cpuFigures, type Scenario } from './scenario.ts';

const PRODUCERS = 50;
const IN_FLIGHT = 2;

export const ingestScenario: Scenario = {
  id: 'ingest',
  title:
    `ingest: ${PRODUCERS} producers × ${IN_FLIGHT} publishes of 100 events in flight, ` +
    'acknowledged (Vane: durable in lmdb; --memory: no log; peers: applied to a Map)',
  serverFds: 1_000,
  contenders: withVaneMemory,
  figures: [
    { key: 'eventsPerSecond', label: 'acknowledged events/s', format: integer, ratio: true },
    { key: 'perCpuSecond', label: 'events per server CPU-second', format: integer, ratio: true },
    ...CPU_FIGURES,
  ],
  targets: [],
  async round(contender, timing) {
    const server = await contender.start({
      initSql: INGEST_SQL,
      memory: false,
      fds: this.serverFds,
      connectionsPerIp: 1_000,
      cpuProfDir: timing.cpuProfDir,
    });
    const started: GeneratorProcess[] = [];
    try {
      started.push(
        ...(await startGenerators(
          contender,
          split(PRODUCERS, 2).map((connections, i) => ({
            kind: 'ingest',
            url: server.url,
            stream: 'ingest',
            connections,
            inFlight: IN_FLIGHT,
            eventsPerBatch: 100,
            tag: `g${i}`,
          })),
        )),
      );
      const measured = await measure(server, started, timing.warmupMs, timing.measureMs);
      return {
        figures: {
          eventsPerSecond: measured.unitsPerSecond,
          perCpuSecond: measured.unitsPerSecond / measured.serverCores,
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
