/**
 * Load generators and the measured window of one round: the generators (child processes) are
 * started against a contender's server, warmed up, then two marks bracket the measured window;
 * counts become rates over each generator's own clock, CPU comes from /proc and process.cpuUsage.
 */
import type { ProcStats } from '../server/children.ts';
import { GeneratorProcess } from '../server/generator-process.ts';
import { loadProblems, loadRates, markLoad, type LoadRates } from '../server/load-window.ts';
import type { Job, Samples } from '../server/messages.ts';
import type { Contender, RunningServer } from './contenders.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function startGenerators(contender: Contender, jobs: Job[]): Promise<GeneratorProcess[]> {
  return GeneratorProcess.startAll(jobs, contender.generator);
}

export interface Measured extends LoadRates {
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
  const first = await markLoad(server, generators);
  await sleep(measureMs);
  const last = await markLoad(server, generators);
  const samples = await Promise.all(generators.map((generator) => generator.finish()));
  return {
    ...loadRates(first, last, counted),
    samples,
    notes: loadProblems(last.generators),
    server: last.server,
  };
}
