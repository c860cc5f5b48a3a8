/**
 * Load generators and the measured window of one round: the generators (child processes) are
 * started against a contender's server, warmed up, then two marks bracket the measured window;
 * counts become rates over each generator's own clock, CPU comes from /proc and process.cpuUsage.
 */
import { machineBusySeconds, type ProcStats } from '../server/children.ts';
import { GeneratorProcess } from '../server/generator-process.ts';
import type { Counters, Job, Samples } from '../server/messages.ts';
import { addCounts, describeCounts } from '../server/stats.ts';
import type { Contender, RunningServer } from './contenders.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startGenerators(
  contender: Contender,
  jobs: Job[],
): Promise<GeneratorProcess[]> {
  const started = await Promise.allSettled(
    jobs.map((job) => GeneratorProcess.start(job, contender.generator)),
  );
  const generators = started.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const failure = started.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(generators.map((generator) => generator.stop()));
    throw failure.reason;
  }
  return generators;
}

interface Mark {
  atMs: number;
  machineBusySeconds: number;
  server: ProcStats;
  generators: Counters[];
}

async function mark(server: RunningServer, generators: GeneratorProcess[]): Promise<Mark> {
  const counters = await Promise.all(generators.map((generator) => generator.mark()));
  return {
    atMs: performance.now(),
    machineBusySeconds: machineBusySeconds(),
    server: server.stats(),
    generators: counters,
  };
}

export interface Measured {
  /** Units/s (frames, acknowledged events) summed over the counted generators. */
  unitsPerSecond: number;
  /** Delta rows/s summed over the counted generators. */
  rowsPerSecond: number;
  serverCores: number;
  /** The kernel's part of serverCores: system calls, loopback TCP included. */
  serverKernelCores: number;
  generatorCores: number;
  /** CPU of every other process of the machine: foreign load that skews a round. */
  otherCores: number;
  /** Samples of every generator, in order. */
  samples: Samples[];
  /** Errors, closes and seq gaps seen by the generators. */
  notes: string[];
  server: ProcStats;
}

/**
 * Warms up, measures `measureMs` between two marks, then finishes the generators (which exit).
 * `counted` picks the generators whose units count (e.g. subscribers, not the publisher).
 */
export async function measure(
  server: RunningServer,
  generators: GeneratorProcess[],
  warmupMs: number,
  measureMs: number,
  counted: (index: number) => boolean = () => true,
): Promise<Measured> {
  await sleep(warmupMs);
  const first = await mark(server, generators);
  await sleep(measureMs);
  const last = await mark(server, generators);
  const samples = await Promise.all(generators.map((generator) => generator.finish()));
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
    unitsPerSecond,
    rowsPerSecond,
    serverCores,
    serverKernelCores: (last.server.systemSeconds - first.server.systemSeconds) / seconds,
    generatorCores,
    otherCores: Math.max(0, machineCores - serverCores - generatorCores),
    samples,
    notes: problems(last.generators),
    server: last.server,
  };
}

function problems(generators: Counters[]): string[] {
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
