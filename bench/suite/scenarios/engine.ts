/**
 * The engine alone, no server and no peer: bench/engine.ts's first scenario (count/sum/avg by
 * 1,000 keys, TUMBLE 1 s, batches of 1,000 through `engine.ingest`) on one thread, i.e. per
 * core. bench/engine.ts runs as a child process; once it has printed that scenario's line
 * (the median of its own rounds) it is stopped by pid, so its other scenarios do not run.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnNode, stopChild } from '../../server/children.ts';
import { integer } from '../../server/stats.ts';
import type { Scenario } from './scenario.ts';

const ENGINE_BENCH = fileURLToPath(new URL('../../engine.ts', import.meta.url));
const LINE =
  /^count\/sum\/avg.*?([\d,]+) events\/s \(min ([\d,]+), max ([\d,]+)\); ([\d,]+) per CPU-second/;
const TIMEOUT_MS = 180_000;

const number = (text: string): number => Number(text.replaceAll(',', ''));

export const engineScenario: Scenario = {
  id: 'engine',
  title:
    'the engine alone: count/sum/avg by 1,000 keys, TUMBLE 1 s (bench/engine.ts), one thread; ' +
    'each round is bench/engine.ts’s median of its own rounds',
  serverFds: 0,
  contenders: (selected) => selected.filter((contender) => contender.id === 'vane'),
  figures: [
    { key: 'eventsPerSecond', label: 'events/s (one core)', format: integer },
    { key: 'minEventsPerSecond', label: 'its slowest inner round, events/s', format: integer },
    { key: 'perCpuSecond', label: 'events per CPU-second', format: integer },
  ],
  targets: [
    { figure: 'eventsPerSecond', text: '≥ 2,000,000 events/s', met: (v) => v >= 2_000_000 },
  ],
  async round(_contender, timing) {
    const args = [
      '--expose-gc',
      '--import',
      'tsx',
      ENGINE_BENCH,
      ...(timing.quick ? ['--quick'] : []),
    ];
    const child = spawnNode(args, 1_024, ['ignore', 'pipe', 'inherit']);
    try {
      const found = await new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('bench/engine.ts timed out')), TIMEOUT_MS);
        const lines = createInterface({ input: child.stdout! });
        lines.on('line', (line) => {
          const match = LINE.exec(line);
          if (match === null) return;
          clearTimeout(timer);
          resolve(match);
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`bench/engine.ts exited (code ${code}) without its first line`));
        });
      });
      return {
        figures: {
          eventsPerSecond: number(found[1]!),
          minEventsPerSecond: number(found[2]!),
          perCpuSecond: number(found[4]!),
        },
        notes: [],
      };
    } finally {
      await stopChild(child, 'SIGKILL', 2_000);
    }
  },
};
