/**
 * Command-line options of `npm run bench` (bench/suite/main.ts):
 *
 * - `--quick`: one short round of the main scenarios (fan-out 1,000, latency, ingest, idle
 *   10,000, engine), about two minutes;
 * - `--only fanout,idle`: scenarios by id or id prefix (`fanout` = every fan-out size);
 * - `--peers ws-corked,uws`: the peers compared with Vane (`vane-uws` only on request);
 * - `--rounds N`, `--warmup S`, `--seconds S` (measured seconds per round);
 * - `--subscribers 1000,10000`: the fan-out sizes; `--idle 10000,50000`: the idle sizes;
 * - `--json FILE`: every round's raw figures, the medians, ratios and targets;
 * - `--cpu-prof fanout-1000`: profiles Vane's server (each Vane line) in that scenario's first
 *   round and prints its hottest functions (self time).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PEERS } from './contenders.ts';

export interface SuiteOptions {
  quick: boolean;
  rounds: number;
  warmupMs: number;
  measureMs: number;
  only: string[] | undefined;
  peers: string[];
  subscribers: number[];
  idle: number[];
  json: string | undefined;
  /** A scenario id: Vane's server is CPU-profiled in its first round, hottest functions printed. */
  cpuProf: string | undefined;
  /** The whole run stops (children killed) past this. */
  runLimitMs: number;
}

const list = (text: string | undefined): string[] | undefined =>
  text
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const numbers = (text: string | undefined, fallback: number[]): number[] =>
  list(text)?.map(Number) ?? fallback;

export function readOptions(argv: string[]): SuiteOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      seconds: { type: 'string' },
      only: { type: 'string' },
      peers: { type: 'string' },
      subscribers: { type: 'string' },
      idle: { type: 'string' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const quick = values.quick;
  const rounds = values.rounds === undefined ? (quick ? 1 : 3) : Number(values.rounds);
  const warmupMs =
    values.warmup === undefined ? (quick ? 1_000 : 2_000) : Number(values.warmup) * 1000;
  const measureMs =
    values.seconds === undefined ? (quick ? 2_000 : 8_000) : Number(values.seconds) * 1000;
  return {
    quick,
    rounds,
    warmupMs,
    measureMs,
    only: list(values.only),
    peers: list(values.peers) ?? DEFAULT_PEERS,
    subscribers: numbers(values.subscribers, quick ? [1_000] : [1_000, 10_000]),
    idle: numbers(values.idle, quick ? [10_000] : [10_000, 50_000]),
    json: values.json,
    cpuProf: values['cpu-prof'],
    runLimitMs: (quick ? 10 : 75) * 60_000,
  };
}
