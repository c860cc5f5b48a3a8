/**
 * A measured window of a load run: marks taken before and after it (every generator's counters,
 * the server's and the machine's CPU time), and the rates between two marks. Shared by the server
 * benchmark (bench/server/main.ts) and the side-by-side suite (bench/suite/load.ts).
 */
import { machineBusySeconds, type ProcStats } from './children.ts';
import type { GeneratorProcess } from './generator-process.ts';
import type { Counters } from './messages.ts';
import { addCounts, describeCounts } from './stats.ts';

export interface LoadMark {
  atMs: number;
  machineBusySeconds: number;
  server: ProcStats;
  generators: Counters[];
}

export interface LoadRates {
  seconds: number;
  /** Units/s (frames, acknowledged events) summed over the counted generators, each over its own clock. */
  unitsPerSecond: number;
  /** Delta rows/s summed over the counted generators. */
  rowsPerSecond: number;
  serverCores: number;
  /** The kernel's part of serverCores: system calls, loopback TCP included. */
  serverKernelCores: number;
  generatorCores: number;
  /** CPU of every other process of the machine: foreign load that skews a round. */
  otherCores: number;
}

/** Every generator's counters and the CPU times, now. */
export async function markLoad(
  server: { stats(): ProcStats },
  generators: readonly GeneratorProcess[],
): Promise<LoadMark> {
  const counters = await Promise.all(generators.map((generator) => generator.mark()));
  return {
    atMs: performance.now(),
    machineBusySeconds: machineBusySeconds(),
    server: server.stats(),
    generators: counters,
  };
}

/** The rates between two marks; `counted` picks the generators whose units count. */
export function loadRates(
  first: LoadMark,
  last: LoadMark,
  counted: (index: number) => boolean = () => true,
): LoadRates {
  const seconds = (last.atMs - first.atMs) / 1000;
  let unitsPerSecond = 0;
  let rowsPerSecond = 0;
  let generatorCores = 0;
  last.generators.forEach((end, i) => {
    const start = first.generators[i]!;
    const own = (end.atUs - start.atUs) / 1e6;
    if (counted(i)) {
      unitsPerSecond += (end.units - start.units) / own;
      rowsPerSecond += (end.rows - start.rows) / own;
    }
    generatorCores += (end.cpuUs - start.cpuUs) / 1e6 / own;
  });
  const serverCores = (last.server.cpuSeconds - first.server.cpuSeconds) / seconds;
  const machineCores = (last.machineBusySeconds - first.machineBusySeconds) / seconds;
  return {
    seconds,
    unitsPerSecond,
    rowsPerSecond,
    serverCores,
    serverKernelCores: (last.server.systemSeconds - first.server.systemSeconds) / seconds,
    generatorCores,
    otherCores: Math.max(0, machineCores - serverCores - generatorCores),
  };
}

/** Errors, closes and seq gaps the generators saw, as report notes. */
export function loadProblems(generators: readonly Counters[]): string[] {
  const errors: Record<string, number> = {};
  const closes: Record<string, number> = {};
  let gaps = 0;
  for (const counters of generators) {
    addCounts(errors, counters.errors);
    addCounts(closes, counters.closes);
    gaps += counters.gaps;
  }
  const notes: string[] = [];
  if (Object.keys(errors).length > 0) notes.push(`errors: ${describeCounts(errors)}`);
  if (Object.keys(closes).length > 0) notes.push(`closed by server: ${describeCounts(closes)}`);
  if (gaps > 0) notes.push(`seq gaps: ${gaps}`);
  return notes;
}
