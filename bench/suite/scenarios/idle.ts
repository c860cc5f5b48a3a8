/**
 * Idle memory per connection: N WebSocket connections (4 load processes) that do nothing, the
 * server's RSS before and after them, divided by N. Each server first takes and drops 200
 * connections, so code loaded on first use is not counted per connection. No forced GC: Vane
 * cannot be asked to collect from outside, so none of the servers is. Vane runs with --memory.
 *
 * Every connection is one open file of the server, and `ulimit -Hn` caps that per process (it
 * cannot be raised without privileges): a target above the limit is measured at the most the
 * limit allows, and the scenario says so.
 */
import type { GeneratorProcess } from '../../server/generator-process.ts';
import { integer, mib } from '../../server/stats.ts';
import { LIVE_SQL, split } from '../../server/workloads.ts';
import { sleep, startGenerators } from '../load.ts';
import type { Scenario } from './scenario.ts';

/** Open files the server keeps besides the connections (its own, the log, the runtime's). */
const SERVER_FD_MARGIN = 500;

export function idleScenario(target: number, hardFdLimit: number): Scenario {
  const connections = Math.min(target, hardFdLimit - SERVER_FD_MARGIN);
  const capped = connections < target;
  const limitNote = capped
    ? `${integer(target)} not reachable here (ulimit -Hn ${integer(hardFdLimit)} per process); measured at ${integer(connections)}`
    : undefined;
  return {
    id: `idle-${target}`,
    title:
      `idle memory: ${integer(connections)} open connections, no subscriptions; Vane --memory` +
      (limitNote === undefined ? '' : ` (${limitNote})`),
    serverFds: connections + SERVER_FD_MARGIN,
    contenders: (selected) => selected,
    figures: [
      { key: 'rssKib', label: 'RSS KiB per connection', format: kib, ratio: true },
      { key: 'rssBefore', label: 'RSS before, MiB', format: mib },
      { key: 'rssAfter', label: 'RSS with the connections, MiB', format: mib },
      { key: 'open', label: 'connections open', format: integer },
    ],
    targets: [
      {
        figure: 'rssKib',
        peer: 'ws-corked',
        text: '≤ 1.3× ws-corked (raw ws)',
        met: (r) => r <= 1.3,
      },
    ],
    async round(contender, timing) {
      const server = await contender.start({
        initSql: LIVE_SQL,
        memory: true,
        fds: this.serverFds,
        connectionsPerIp: connections + 100,
        cpuProfDir: timing.cpuProfDir,
      });
      const started: GeneratorProcess[] = [];
      try {
        const [warm] = await startGenerators(contender, [
          { kind: 'idle', url: server.url, connections: 200 },
        ]);
        await warm!.finish();
        await sleep(timing.quick ? 500 : 2_000);
        const before = server.stats();
        started.push(
          ...(await startGenerators(
            contender,
            split(connections, 4).map((share) => ({
              kind: 'idle',
              url: server.url,
              connections: share,
            })),
          )),
        );
        await sleep(timing.quick ? 1_000 : 5_000);
        const after = server.stats();
        const marks = await Promise.all(started.map((generator) => generator.mark()));
        const open = marks.reduce((sum, counters) => sum + counters.open, 0);
        await Promise.all(started.map((generator) => generator.finish()));
        // The limit, if any, is in the title; notes are what went wrong in this round.
        const notes: string[] = [];
        if (open !== connections) notes.push(`${integer(open)} of ${integer(connections)} open`);
        return {
          figures: {
            rssKib: (after.rssBytes - before.rssBytes) / 1024 / connections,
            rssBefore: before.rssBytes,
            rssAfter: after.rssBytes,
            open,
          },
          notes,
        };
      } finally {
        await Promise.all(started.map((generator) => generator.stop()));
        await server.stop();
      }
    },
  };
}

const kib = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : '–');
