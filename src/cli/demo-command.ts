import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  demoBanner,
  demoSqlDir,
  isUseCase,
  parseRateOption,
  startDemo,
  USE_CASE_INFO,
  USE_CASES,
  type RunningDemo,
  type UseCase,
} from '../demo/index.ts';
import { VaneError } from '../util/index.ts';
import { TRANSPORT_KINDS, type TransportKind } from '../transport/index.ts';

export const DEMO_HELP = `vane demo: a dev-mode server with live demo data, views and alerts

Usage: vane demo [stocks|iot|social|gaming|all ...] [options]

Starts a server on 127.0.0.1 (no auth) with each use case's stream and views
(src/demo/sql/<use case>.sql) and a generator publishing events into it, and
prints the dashboard URL. Every view is plain SQL: change it while it runs with
vane sql. Ctrl-C stops.

  stocks   trades of 50 symbols: candles, VWAP, EWMA trend, Bollinger bands,
           top movers, a volume-spike alert                  (200 trades/s)
  iot      200 sensors: per-minute stats with p99, anomaly z-scores,
           overheating and silent-device alerts              (200 readings/s)
  social   posts: sentiment per topic, trending hashtags, active users,
           a negative-storm alert                            (50 posts/s)
  gaming   match events: live leaderboard, play sessions, events per second,
           revenue per minute                                (150 events/s)
  all      all four (the default)

Options:
  --port <n>             port (default 7070; 0 picks a free one)
  --data-dir <dir>       keep the data in <dir>: a later run on the same
                         directory resumes the views where they were
  --memory               keep everything in memory
                         (default: a fresh directory in the OS temp dir,
                         removed when the demo stops)
  --rate <r>             a multiplier of every default rate (--rate 0.5), or
                         rates per use case in events/s: stocks=500,iot=50
                         (iot's rate is its number of devices)
  --alert-every <s>      seconds between staged alert conditions (default 25)
  --seed <n>             seed of the generators (default 1): same seed, same data
  --transport <ws|uws>   the HTTP/WebSocket server library (default ws; see
                         vane serve --help)
  --mqtt <url>           feed iot through an MQTT broker (mqtt://127.0.0.1:1883):
                         the sensors publish to vane-demo/sensors/<device>/reading
                         and the server's MQTT bridge stores them (docs/mqtt.md)
  --log-level <level>    debug, info, warn, error or silent (default error)
  -h, --help             this help

Examples:
  vane demo                          everything, at http://127.0.0.1:7070/
  vane demo stocks --rate 2          only stocks, twice as many trades
  vane demo iot --rate iot=1000      1,000 sensors
  vane demo --data-dir ./demo-data   keep the data across runs
  vane demo iot --mqtt mqtt://127.0.0.1:1883
                                     sensors through a local Mosquitto
  vane tail last_price               (in another terminal) a view, live
`;

interface DemoCommandOptions {
  useCases: UseCase[];
  port: number;
  /** temp: a fresh directory in the OS temp dir, removed at exit. */
  storage: { kind: 'temp' } | { kind: 'memory' } | { kind: 'dir'; path: string };
  rates: Partial<Record<UseCase, number>>;
  alertEveryMs: number | undefined;
  seed: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  mqttUrl: string | undefined;
  transport: TransportKind;
}

function usage(message: string): VaneError {
  return new VaneError('INVALID_OPTION', message);
}

/** Flags and use case names; throws INVALID_OPTION (exit code 2) on bad usage. */
export function demoOptions(argv: string[]): DemoCommandOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
      rate: { type: 'string' },
      'alert-every': { type: 'string' },
      seed: { type: 'string' },
      'log-level': { type: 'string' },
      mqtt: { type: 'string' },
      transport: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const useCases = new Set<UseCase>();
  for (const name of positionals.length === 0 ? ['all'] : positionals) {
    if (name === 'all') USE_CASES.forEach((useCase) => useCases.add(useCase));
    else if (isUseCase(name)) useCases.add(name);
    else throw usage(`unknown use case '${name}' (stocks, iot, social, gaming or all)`);
  }
  if (values.mqtt !== undefined && !useCases.has('iot')) {
    throw usage('--mqtt feeds the iot use case: add iot (or all)');
  }
  if (values.memory === true && values['data-dir'] !== undefined) {
    throw usage('--memory and --data-dir exclude each other');
  }
  const transport = TRANSPORT_KINDS.find((kind) => kind === (values.transport ?? 'ws'));
  if (transport === undefined) {
    throw usage(`--transport '${values.transport}': expected ${TRANSPORT_KINDS.join(' or ')}`);
  }
  const logLevel = values['log-level'] ?? 'error';
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    throw usage(`--log-level '${logLevel}': expected debug, info, warn, error or silent`);
  }
  return {
    useCases: [...useCases],
    port: integer('--port', values.port ?? '7070', 0, 65_535),
    storage:
      values.memory === true
        ? { kind: 'memory' }
        : values['data-dir'] !== undefined
          ? { kind: 'dir', path: values['data-dir'] }
          : { kind: 'temp' },
    rates: values.rate === undefined ? {} : parseRateOption(values.rate),
    alertEveryMs:
      values['alert-every'] === undefined
        ? undefined
        : integer('--alert-every', values['alert-every'], 1, 3_600) * 1000,
    seed: integer('--seed', values.seed ?? '1', 0, 2 ** 31),
    logLevel: logLevel as DemoCommandOptions['logLevel'],
    mqttUrl: values.mqtt,
    transport,
  };
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw usage(`${flag} '${text}': expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * Runs the demo until SIGINT or SIGTERM: the generators stop (their last publishes are
 * acknowledged), the server shuts down gracefully, and a temporary data directory is removed.
 */
export async function demo(argv: string[]): Promise<void> {
  const options = demoOptions(argv);
  if (options === 'help') {
    process.stdout.write(DEMO_HELP);
    return;
  }
  const { storage } = options;
  const tempDir = storage.kind === 'temp' ? await mkdtemp(join(tmpdir(), 'vane-demo-')) : null;
  const dataDir = tempDir ?? (storage.kind === 'dir' ? storage.path : null);
  let running: RunningDemo;
  try {
    running = await startDemo({
      useCases: options.useCases,
      port: options.port,
      dataDir,
      rates: options.rates,
      alertEveryMs: options.alertEveryMs,
      seed: options.seed,
      logLevel: options.logLevel,
      mqttUrl: options.mqttUrl,
      transport: options.transport,
    });
  } catch (error) {
    if (tempDir !== null) await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  process.stdout.write(banner(running, dataDir, tempDir !== null));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write('vane demo: stopping now\n');
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`\nvane demo: ${signal}, stopping (again to force)\n`);
    running
      .stop()
      .then(async () => {
        if (tempDir !== null) await rm(tempDir, { recursive: true, force: true });
        const counts = Object.entries(running.accepted())
          .map(([stream, events]) => `${stream} ${events}`)
          .join(', ');
        process.stderr.write(`vane demo: stopped; events accepted: ${counts}\n`);
        process.exit(0);
      })
      .catch((error: unknown) => {
        running.server.node.logger.error({ err: error }, 'demo shutdown failed');
        process.exit(1);
      });
  };
  // on, not once: a second Ctrl-C during a slow shutdown forces the exit.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function banner(running: RunningDemo, dataDir: string | null, temporary: boolean): string {
  const viewsByStream = new Map<string, string[]>();
  for (const view of running.server.node.catalog().views) {
    const views = viewsByStream.get(view.stream) ?? [];
    views.push(view.name);
    viewsByStream.set(view.stream, views);
  }
  const dataNote =
    dataDir === null
      ? 'in memory (lost at exit)'
      : temporary
        ? `${dataDir} (removed at exit; --data-dir keeps it)`
        : `${dataDir} (kept; run again on it to resume)`;
  return demoBanner({
    url: running.server.url,
    useCases: running.useCases,
    viewsByStream,
    tryCommands: (useCase) => USE_CASE_INFO[useCase].tryCommands,
    dataNote,
    sqlDir: demoSqlDir(),
  });
}
