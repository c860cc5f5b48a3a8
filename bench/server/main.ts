/**
 * Server benchmark (issue #3): the Vane server as a child process (`bin/vane.js serve`), load from
 * separate generator processes of raw `ws` clients, everything on 127.0.0.1. Scenarios: durable
 * ingest over WebSocket, fan-out of one view to 1,000 and 10,000 subscribers, publish-to-delta
 * latency at 10,000 events/s, and idle memory per connection. Prints the median of rounds with
 * min–max, the server's CPU and RSS, and the floors.
 *
 * Run: `npm run bench:server` (about 6 minutes), `-- --quick` (about a minute),
 * `-- --only latency,idle`, `-- --rounds 5`, `-- --cpu-prof fanout-10000` (profiles the server in
 * that scenario's first round and prints its hottest functions). A benchmark, not a test: the
 * figures go to BENCHMARKS.md with the command.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileLimits, killAllChildren, type ProcStats } from './children.ts';
import { GeneratorProcess } from './generator-process.ts';
import type { Job } from './messages.ts';
import { loadProblems, loadRates, markLoad, type LoadMark, type LoadRates } from './load-window.ts';
import { hotFunctions } from './profile-summary.ts';
import { ServerProcess } from './server-process.ts';
import { fixed, integer, median, mib, percentile, sortedSamples, spread } from './stats.ts';
import {
  FANOUT_BATCH,
  FANOUT_BATCH_EVERY_MS,
  FANOUT_SYMBOLS,
  INGEST_SQL,
  LIVE_SQL,
  split,
} from './workloads.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'ingest-connections': { type: 'string', default: '4' },
    'in-flight': { type: 'string', default: '16' },
  },
});
const quick = flags.quick;
const ROUNDS = flags.rounds === undefined ? (quick ? 1 : 3) : Number(flags.rounds);
const WARMUP_MS = quick ? 1_000 : 2_000;
const MEASURE_MS = quick ? 4_000 : 10_000;
/** The whole run is bounded: past this, every child is killed and the run fails. */
const RUN_LIMIT_MS = quick ? 5 * 60_000 : 25 * 60_000;
const IDLE_CONNECTIONS = 10_000;
const INGEST_CONNECTIONS = Number(flags['ingest-connections']);
const IN_FLIGHT = Number(flags['in-flight']);

type Snapshot = LoadMark;
type Window = LoadRates;

/** One figure of one round; rows of the report are built from these. */
type Figures = Record<string, number>;

interface RoundOutcome {
  figures: Figures;
  server: ProcStats;
  /** CPU use in the measured window (NaN where not measured). */
  cores: Pick<Window, 'serverCores' | 'serverKernelCores' | 'generatorCores' | 'otherCores'>;
  /** Problems seen (errors, closes, seq gaps): repeated at the end of the report. */
  notes: string[];
  /** Shown with the round only. */
  info?: string;
}

interface Scenario {
  id: string;
  title: string;
  /** Open files the server needs for this scenario. */
  serverFds: number;
  round(profileDir: string | undefined): Promise<RoundOutcome>;
  rows: { figure: string; key: string; format: (value: number) => string; floor?: Floor }[];
}

interface Floor {
  text: string;
  met: (value: number) => boolean;
}

const ms = (us: number): string => fixed(us / 1000, 1);
const kib = (value: number): string => fixed(value, 2);

const sleep = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

const snapshot = markLoad;
const startGenerators = (jobs: Job[]) => GeneratorProcess.startAll(jobs);

/** The rates between two snapshots, counting the units of the generators at `indexes` (all). */
function between(first: Snapshot, last: Snapshot, indexes?: number[]): Window {
  return loadRates(first, last, (i) => indexes === undefined || indexes.includes(i));
}

/** Errors, closes and seq gaps seen by the generators, as report notes. */
function problems(last: Snapshot): string[] {
  return loadProblems(last.generators);
}

const ingestScenario: Scenario = {
  id: 'ingest',
  title: `durable ingest (lmdb), ${INGEST_CONNECTIONS} connections × ${IN_FLIGHT} publishes of 100 in flight`,
  serverFds: 1_000,
  rows: [
    {
      figure: 'acknowledged events/s',
      key: 'eventsPerSecond',
      format: integer,
      floor: { text: '≥ 200,000', met: (value) => value >= 200_000 },
    },
    { figure: 'events per server CPU-second', key: 'perCpuSecond', format: integer },
  ],
  async round(profileDir) {
    const server = await ServerProcess.start({
      memory: false,
      initSql: INGEST_SQL,
      fds: this.serverFds,
      connectionsPerIp: 1_000,
      cpuProfDir: profileDir,
    });
    try {
      const generators = await startGenerators(
        split(INGEST_CONNECTIONS, Math.min(2, INGEST_CONNECTIONS)).map((connections, i) => ({
          kind: 'ingest',
          url: server.url,
          stream: 'ingest',
          connections,
          inFlight: IN_FLIGHT,
          eventsPerBatch: 100,
          tag: `g${i}`,
        })),
      );
      await sleep(WARMUP_MS);
      const first = await snapshot(server, generators);
      await sleep(MEASURE_MS);
      const last = await snapshot(server, generators);
      await Promise.all(generators.map((generator) => generator.finish()));
      const measured = between(first, last);
      return {
        figures: {
          eventsPerSecond: measured.unitsPerSecond,
          perCpuSecond: measured.unitsPerSecond / measured.serverCores,
        },
        server: last.server,
        cores: measured,
        notes: problems(last),
      };
    } finally {
      await server.stop();
    }
  },
};

function fanoutScenario(subscribers: number, processes: number, memory: boolean): Scenario {
  const store = memory ? 'memory' : 'lmdb';
  return {
    id: `fanout-${subscribers}${memory ? '-memory' : ''}`,
    title:
      `fan-out of one view (${FANOUT_SYMBOLS} keys, ` +
      `${integer((FANOUT_BATCH * 1000) / FANOUT_BATCH_EVERY_MS)} events/s, emit_interval 10ms) ` +
      `to ${integer(subscribers)} subscribers, ${store}`,
    serverFds: subscribers + 500,
    rows: [
      {
        figure: 'deliveries/s (row changes received by subscribers)',
        key: 'rowsPerSecond',
        format: integer,
        floor: { text: '≥ 500,000', met: (value) => value >= 500_000 },
      },
      { figure: 'delta frames received/s', key: 'framesPerSecond', format: integer },
      { figure: 'rows per delta frame', key: 'rowsPerFrame', format: (x) => x.toFixed(1) },
      { figure: 'row deliveries per server CPU-second', key: 'perCpuSecond', format: integer },
      { figure: 'deltas/s per subscriber', key: 'deltasPerSubscriber', format: integer },
      { figure: 'publish → delta p50 (ms)', key: 'p50', format: ms },
      { figure: 'publish → delta p99 (ms)', key: 'p99', format: ms },
    ],
    async round(profileDir) {
      const server = await ServerProcess.start({
        memory,
        initSql: LIVE_SQL,
        fds: this.serverFds,
        connectionsPerIp: subscribers + 100,
        cpuProfDir: profileDir,
      });
      try {
        const sampleEvery = Math.max(1, Math.round(subscribers / 100));
        const subscriberJobs: Job[] = split(subscribers, processes).map((connections) => ({
          kind: 'subscribe',
          url: server.url,
          view: 'live',
          connections,
          sampleEvery,
        }));
        const generators = await startGenerators(subscriberJobs);
        // Two batches every 10 ms, so every emission has changes; half the symbols change per batch.
        const publisher = await GeneratorProcess.start({
          kind: 'publish',
          url: server.url,
          stream: 'ticks',
          intervalMs: FANOUT_BATCH_EVERY_MS,
          eventsPerBatch: FANOUT_BATCH,
          symbols: FANOUT_SYMBOLS,
        });
        const all = [...generators, publisher];
        await sleep(WARMUP_MS);
        const first = await snapshot(server, all);
        await sleep(MEASURE_MS);
        const last = await snapshot(server, all);
        const samples = await Promise.all(all.map((generator) => generator.finish()));
        const latency = sortedSamples(samples.map((sample) => sample.latencyUs));
        const measured = between(
          first,
          last,
          generators.map((_, i) => i),
        );
        const notes = problems(last);
        const info = `${integer(latency.length)} latency samples from ~100 subscribers`;
        return {
          figures: {
            rowsPerSecond: measured.rowsPerSecond,
            framesPerSecond: measured.unitsPerSecond,
            rowsPerFrame: measured.rowsPerSecond / measured.unitsPerSecond,
            perCpuSecond: measured.rowsPerSecond / measured.serverCores,
            deltasPerSubscriber: measured.unitsPerSecond / subscribers,
            p50: percentile(latency, 50),
            p99: percentile(latency, 99),
          },
          server: last.server,
          cores: measured,
          notes,
          info,
        };
      } finally {
        await server.stop();
      }
    },
  };
}

function latencyScenario(memory: boolean): Scenario {
  return {
    id: `latency${memory ? '-memory' : ''}`,
    title: `latency: 10,000 events/s (100 every 10 ms, 10 keys) into an emit_interval 10ms view, 4 subscribers, ${memory ? 'memory' : 'lmdb'}`,
    serverFds: 1_000,
    rows: [
      { figure: 'publish → delta p50 (ms)', key: 'p50', format: ms },
      {
        figure: 'publish → delta p99 (ms)',
        key: 'p99',
        format: ms,
        floor: { text: '< 20', met: (value) => value < 20_000 },
      },
      { figure: 'publish → delta max (ms)', key: 'max', format: ms },
      { figure: 'publish → ack p50 (ms)', key: 'ackP50', format: ms },
      { figure: 'publish → ack p99 (ms)', key: 'ackP99', format: ms },
      { figure: 'acknowledged events/s', key: 'eventsPerSecond', format: integer },
    ],
    async round(profileDir) {
      const server = await ServerProcess.start({
        memory,
        initSql: LIVE_SQL,
        fds: this.serverFds,
        connectionsPerIp: 1_000,
        cpuProfDir: profileDir,
      });
      try {
        const subscribers = await GeneratorProcess.start({
          kind: 'subscribe',
          url: server.url,
          view: 'live',
          connections: 4,
          sampleEvery: 1,
        });
        const publisher = await GeneratorProcess.start({
          kind: 'publish',
          url: server.url,
          stream: 'ticks',
          intervalMs: 10,
          eventsPerBatch: 100,
          symbols: 10,
        });
        const all = [subscribers, publisher];
        await sleep(WARMUP_MS);
        const first = await snapshot(server, all);
        await sleep(MEASURE_MS);
        const last = await snapshot(server, all);
        const [received, published] = await Promise.all(all.map((generator) => generator.finish()));
        const latency = sortedSamples([received!.latencyUs]);
        const acks = sortedSamples([published!.ackUs]);
        const measured = between(first, last, [1]);
        const notes = problems(last);
        const info = `${integer(latency.length)} deltas, ${integer(acks.length)} acks sampled`;
        return {
          figures: {
            p50: percentile(latency, 50),
            p99: percentile(latency, 99),
            max: latency.length === 0 ? NaN : latency[latency.length - 1]!,
            ackP50: percentile(acks, 50),
            ackP99: percentile(acks, 99),
            eventsPerSecond: measured.unitsPerSecond,
          },
          server: last.server,
          cores: measured,
          notes,
          info,
        };
      } finally {
        await server.stop();
      }
    },
  };
}

const idleScenario: Scenario = {
  id: 'idle',
  title: `idle memory: ${integer(IDLE_CONNECTIONS)} open connections, no subscriptions (--memory)`,
  serverFds: IDLE_CONNECTIONS + 500,
  rows: [
    {
      figure: 'RSS KiB per idle connection',
      key: 'rssKib',
      format: kib,
      floor: { text: '≤ 8', met: (value) => value <= 8 },
    },
    { figure: 'JS heap used KiB per connection (no forced GC)', key: 'heapKib', format: kib },
    { figure: 'RSS before, MiB', key: 'rssBefore', format: mib },
    { figure: 'RSS with the connections, MiB', key: 'rssAfter', format: mib },
  ],
  async round(profileDir) {
    const server = await ServerProcess.start({
      memory: true,
      initSql: LIVE_SQL,
      fds: this.serverFds,
      connectionsPerIp: IDLE_CONNECTIONS + 100,
      cpuProfDir: profileDir,
    });
    try {
      // Warm the upgrade path once, so code loaded on first use is not counted per connection.
      const warm = await GeneratorProcess.start({
        kind: 'idle',
        url: server.url,
        connections: 200,
      });
      await warm.finish();
      await sleep(2_000);
      const before = server.stats();
      const heapBefore = (await server.metrics()).get('vane_nodejs_heap_size_used_bytes') ?? NaN;
      const generators = await startGenerators(
        split(IDLE_CONNECTIONS, 4).map((connections) => ({
          kind: 'idle',
          url: server.url,
          connections,
        })),
      );
      await sleep(quick ? 3_000 : 5_000);
      const after = server.stats();
      const metrics = await server.metrics();
      const heapAfter = metrics.get('vane_nodejs_heap_size_used_bytes') ?? NaN;
      const open = metrics.get('vane_connections') ?? NaN;
      const last = await snapshot(server, generators);
      await Promise.all(generators.map((generator) => generator.finish()));
      const notes = problems(last);
      if (open !== IDLE_CONNECTIONS) notes.push(`server counted ${open} connections`);
      return {
        figures: {
          rssKib: (after.rssBytes - before.rssBytes) / 1024 / IDLE_CONNECTIONS,
          heapKib: (heapAfter - heapBefore) / 1024 / IDLE_CONNECTIONS,
          rssBefore: before.rssBytes,
          rssAfter: after.rssBytes,
        },
        server: after,
        cores: { serverCores: NaN, serverKernelCores: NaN, generatorCores: NaN, otherCores: NaN },
        notes,
      };
    } finally {
      await server.stop();
    }
  },
};

const SCENARIOS: Scenario[] = [
  ingestScenario,
  fanoutScenario(1_000, 2, false),
  ...(quick ? [] : [fanoutScenario(1_000, 2, true), fanoutScenario(10_000, 4, false)]),
  latencyScenario(false),
  ...(quick ? [] : [latencyScenario(true)]),
  idleScenario,
];

async function profiled(scenario: Scenario, round: number): Promise<string | undefined> {
  if (flags['cpu-prof'] !== scenario.id || round !== 0) return undefined;
  return mkdtemp(join(tmpdir(), `vane-bench-prof-${scenario.id}-`));
}

async function printProfile(dir: string): Promise<void> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) {
    console.log(`  (no CPU profile was written to ${dir})`);
    return;
  }
  const file = join(dir, files[0]!);
  console.log(`  server CPU profile: ${file}; most self time:`);
  for (const hot of await hotFunctions(file, 20)) {
    console.log(`    ${fixed(hot.share * 100, 1).padStart(5)} %  ${hot.name}`);
  }
}

function machine(): string {
  const [one, five, fifteen] = loadavg().map((value) => fixed(value, 2));
  return (
    `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${fixed(totalmem() / 2 ** 30, 0)} GiB, ` +
    `Node ${process.version}; load average ${one}, ${five}, ${fifteen}`
  );
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`the benchmark ran past ${RUN_LIMIT_MS / 60_000} minutes; stopping`);
    killAllChildren();
    process.exit(1);
  }, RUN_LIMIT_MS);
  watchdog.unref();
  const limits = fileLimits();
  const only = flags.only?.split(',').map((id) => id.trim());
  const scenarios = SCENARIOS.filter(
    (scenario) => only === undefined || only.includes(scenario.id),
  );
  console.log(
    `Vane server benchmark${quick ? ' (--quick)' : ''}: ${ROUNDS} round(s), ` +
      `${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s measured per round, ${new Date().toISOString()}`,
  );
  console.log(`machine: ${machine()}`);
  console.log(`open files (ulimit -n): soft ${limits.soft}, hard ${limits.hard}`);

  const report: string[] = [];
  const resources: string[] = [];
  const notes: string[] = [];
  for (const scenario of scenarios) {
    if (scenario.serverFds > limits.hard) {
      const note = `${scenario.id}: skipped, needs ${scenario.serverFds} open files (ulimit -Hn is ${limits.hard})`;
      console.log(note);
      notes.push(note);
      continue;
    }
    const outcomes: RoundOutcome[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const profileDir = await profiled(scenario, round);
      const outcome = await scenario.round(profileDir);
      outcomes.push(outcome);
      const summary = scenario.rows
        .map((row) => `${row.figure} ${row.format(outcome.figures[row.key]!)}`)
        .join('; ');
      console.log(
        `${scenario.id} round ${round + 1}: ${summary}; CPU cores server ` +
          `${fixed(outcome.cores.serverCores, 2)} (kernel ${fixed(outcome.cores.serverKernelCores, 2)}), generators ${fixed(outcome.cores.generatorCores, 2)}, ` +
          `other processes ${fixed(outcome.cores.otherCores, 2)}`,
      );
      for (const note of [...outcome.notes, outcome.info ?? '']) if (note) console.log(`  ${note}`);
      if (profileDir !== undefined) await printProfile(profileDir);
    }
    for (const row of scenario.rows) {
      const values = outcomes.map((outcome) => outcome.figures[row.key]!);
      const verdict =
        row.floor === undefined
          ? ''
          : `${row.floor.text} ${row.floor.met(median(values)) ? '(met)' : '(**not met**)'}`;
      report.push(
        `| ${scenario.id} | ${row.figure} | ${spread(values, row.format)} | ${verdict} |`,
      );
    }
    const cores = (pick: (outcome: RoundOutcome) => number) =>
      spread(outcomes.map(pick), (value) => fixed(value, 2));
    const rss = spread(
      outcomes.map((outcome) => outcome.server.rssBytes),
      mib,
    );
    const peak = spread(
      outcomes.map((outcome) => outcome.server.peakRssBytes),
      mib,
    );
    resources.push(
      `| ${scenario.id} | ${scenario.title} | ${cores((o) => o.cores.serverCores)} | ` +
        `${cores((o) => o.cores.serverKernelCores)} | ` +
        `${cores((o) => o.cores.generatorCores)} | ${cores((o) => o.cores.otherCores)} | ${rss} / ${peak} |`,
    );
    for (const outcome of outcomes)
      notes.push(...outcome.notes.map((note) => `${scenario.id}: ${note}`));
  }

  console.log(`\nResults (median of ${ROUNDS} round(s), min – max):\n`);
  console.log('| scenario | figure | median (min – max) | floor (issue #3) |');
  console.log('|---|---|---:|---|');
  for (const line of report) console.log(line);
  console.log(
    '\n| scenario | setup | server CPU (cores) | of which kernel | generators CPU | other processes CPU | server RSS MiB, end / peak |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const line of resources) console.log(line);
  if (notes.length > 0) {
    console.log('\nNotes:');
    for (const note of notes) console.log(`- ${note}`);
  }
  console.log(`\nmachine at the end: ${machine()}`);
}

process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    killAllChildren();
    process.exit(1);
  },
);
