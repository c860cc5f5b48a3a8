/**
 * Demo memory benchmark (issue 5): does `vane demo` hold its memory flat while it runs? It runs
 * all four use cases at their default rates (about 600 events/s) in this process, exactly as
 * `vane demo` does (a fresh lmdb data dir in the OS temp dir, no subscribers), and every 10 s
 * samples the process's RSS and V8 heap (after a full GC when run with --expose-gc, as the npm
 * script does, so the heap figure is what is retained, not garbage). It prints a row per sample,
 * then the first minute against the last.
 *
 * What is expected to grow, and for how long: the de-duplication index holds every event id for
 * the 10-minute horizon (SPEC §3; its size is the `dedup ids` column), the log keeps those 10
 * minutes too (lmdb pages count in RSS as the file is touched), and each view's change history
 * holds its last minute (the demo's setting). Past 10 minutes all three are bounded.
 *
 * Run: `npm run bench:demo-memory -- --minutes 10` (`--sample-seconds 5` samples more often).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDemo, USE_CASES } from '../src/demo/index.ts';

const { values: flags } = parseArgs({
  options: { minutes: { type: 'string' }, 'sample-seconds': { type: 'string' } },
});
const MINUTES = Number(flags.minutes ?? 10);
const SAMPLE_MS = Number(flags['sample-seconds'] ?? 10) * 1000;
const MB = 1024 * 1024;

interface Sample {
  atS: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  events: number;
  dedupIds: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function sample(startMs: number, events: number, dedupIds: number): Sample {
  gc?.();
  const usage = process.memoryUsage();
  return {
    atS: Math.round((Date.now() - startMs) / 1000),
    rssMb: usage.rss / MB,
    heapUsedMb: usage.heapUsed / MB,
    heapTotalMb: usage.heapTotal / MB,
    externalMb: usage.external / MB,
    events,
    dedupIds,
  };
}

function row(cells: (string | number)[]): string {
  return cells
    .map((cell, i) =>
      (typeof cell === 'number' ? cell.toFixed(i === 0 ? 0 : 1) : cell).padStart(i === 0 ? 6 : 13),
    )
    .join('');
}

function mean(samples: Sample[], pick: (s: Sample) => number): number {
  return samples.reduce((total, s) => total + pick(s), 0) / samples.length;
}

const dataDir = await mkdtemp(join(os.tmpdir(), 'vane-demo-memory-'));
const demo = await startDemo({ useCases: USE_CASES, port: 0, dataDir, logLevel: 'error' });
const startMs = Date.now();
const totalEvents = () => Object.values(demo.accepted()).reduce((a, b) => a + b, 0);
const cpus = os.cpus();
console.log(
  `vane demo memory: ${MINUTES} min, all use cases at default rates, lmdb in ${dataDir}\n` +
    `node ${process.version}, ${cpus[0]?.model ?? 'unknown cpu'} (${cpus.length} cores), ` +
    `${(os.totalmem() / 1024 ** 3).toFixed(1)} GB, gc before samples: ${gc === undefined ? 'no' : 'yes'}\n`,
);
console.log(
  row(['t (s)', 'rss MB', 'heapUsed MB', 'heapTotal MB', 'external MB', 'events', 'dedup ids']),
);
const samples: Sample[] = [];
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const s = sample(startMs, totalEvents(), demo.server.node.ingestor.dedupEntries);
    samples.push(s);
    console.log(
      row([
        s.atS,
        s.rssMb,
        s.heapUsedMb,
        s.heapTotalMb,
        s.externalMb,
        String(s.events),
        String(s.dedupIds),
      ]),
    );
    if (s.atS >= MINUTES * 60 - 1) {
      clearInterval(timer);
      resolve();
    }
  }, SAMPLE_MS);
});
await demo.stop();
await rm(dataDir, { recursive: true, force: true });

const firstMinute = samples.filter((s) => s.atS <= 60);
const lastMinute = samples.filter((s) => s.atS > samples.at(-1)!.atS - 60);
const elapsedS = samples.at(-1)!.atS;
console.log(
  `\n${samples.at(-1)!.events} events in ${elapsedS} s (${(samples.at(-1)!.events / elapsedS).toFixed(0)}/s)`,
);
console.log(row(['', 'rss MB', 'heapUsed MB', 'heapTotal MB', 'external MB']));
for (const [label, group] of [
  ['first', firstMinute],
  ['last', lastMinute],
] as const) {
  console.log(
    row([
      label,
      mean(group, (s) => s.rssMb),
      mean(group, (s) => s.heapUsedMb),
      mean(group, (s) => s.heapTotalMb),
      mean(group, (s) => s.externalMb),
    ]),
  );
}
process.exit(0);
