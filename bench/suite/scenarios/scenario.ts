/**
 * What a scenario of the side-by-side suite is: who runs it, the figures it reports, the targets
 * (issue 6) it checks, and one round for one contender.
 */
import type { Contender } from '../contenders.ts';
import type { LoadRates } from '../../server/load-window.ts';

export interface Timing {
  warmupMs: number;
  measureMs: number;
  quick: boolean;
  /** Vane writes a V8 CPU profile here when it stops (`--cpu-prof <scenario>`, first round). */
  cpuProfDir?: string;
}

export interface FigureSpec {
  key: string;
  label: string;
  format: (value: number) => string;
  /** Print a "Vane ÷ peer" row under this figure. */
  ratio?: boolean;
}

/** A target: a ratio Vane ÷ peer (peer set) or an absolute floor on Vane's median (peer unset). */
export interface Target {
  figure: string;
  peer?: string;
  text: string;
  /** Gets the ratio (peer set) or Vane's median. */
  met: (value: number) => boolean;
}

export interface RoundResult {
  figures: Record<string, number>;
  /** Errors, closes, seq gaps, skipped parts: printed with the round and in the notes. */
  notes: string[];
}

export interface Scenario {
  id: string;
  title: string;
  /** Open files the server needs; above `ulimit -Hn` the scenario is skipped. */
  serverFds: number;
  /** Which contenders run it, from the selected ones (e.g. Vane alone, or Vane twice). */
  contenders(selected: Contender[]): Contender[];
  figures: FigureSpec[];
  targets: Target[];
  round(contender: Contender, timing: Timing): Promise<RoundResult>;
}

export const ms = (us: number): string =>
  Number.isFinite(us) ? (us / 1000).toFixed(us < 10_000 ? 2 : 1) : '–';
export const cores = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : '–');

/** The CPU_FIGURES of a measured window. */
export function cpuFigures(measured: LoadRates): Record<string, number> {
  const { serverCores, serverKernelCores, generatorCores, otherCores } = measured;
  return { serverCores, serverKernelCores, generatorCores, otherCores };
}

/** CPU figures every load scenario reports, so the reader sees who was CPU-bound. */
export const CPU_FIGURES: FigureSpec[] = [
  { key: 'serverCores', label: 'server CPU (cores)', format: cores },
  { key: 'serverKernelCores', label: '… of which kernel (cores)', format: cores },
  { key: 'generatorCores', label: 'load generators CPU (cores)', format: cores },
  { key: 'otherCores', label: 'other processes CPU (cores)', format: cores },
];
