/**
 * Command-line options of `npm run bench` (bench/suite/main.ts):
 *
 * - `--quick`: one short round of the main scenarios (fan-out 1,000, latency, ingest, idle
 *   10,000, engine) of 0.5 s warm-up and 1 s measured, about 75 seconds with the default peers;
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

/** Bad command-line usage: main prints the message and exits with 2, without a stack trace. */
export class UsageError extends Error {}

/** A positive number from `--name`, or `fallback` when the option is absent. */
function positive(
  name: string,
  text: string | undefined,
  fallback: number,
  integer = false,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0) || (integer && !Number.isInteger(value))) {
    throw new UsageError(
      `--${name} takes a positive ${integer ? 'integer' : 'number'}, got '${text}'`,
    );
  }
  return value;
}

const numbers = (name: string, text: string | undefined, fallback: number[]): number[] =>
  list(text)?.map((item) => positive(name, item, NaN, true)) ?? fallback;

export function readOptions(argv: string[]): SuiteOptions {
  try {
    return parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // parseArgs: an unknown option, or one missing its value.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseOptions(argv: string[]): SuiteOptions {
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
  const rounds = positive('rounds', values.rounds, quick ? 1 : 3, true);
  const warmupMs = positive('warmup', values.warmup, quick ? 0.5 : 2) * 1000;
  const measureMs = positive('seconds', values.seconds, quick ? 1 : 8) * 1000;
  return {
    quick,
    rounds,
    warmupMs,
    measureMs,
    only: list(values.only),
    peers: list(values.peers) ?? DEFAULT_PEERS,
    subscribers: numbers('subscribers', values.subscribers, quick ? [1_000] : [1_000, 10_000]),
    idle: numbers('idle', values.idle, quick ? [10_000] : [10_000, 50_000]),
    json: values.json,
    cpuProf: values['cpu-prof'],
    runLimitMs: (quick ? 10 : 75) * 60_000,
  };
}
