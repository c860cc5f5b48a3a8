/**
 * Durable append throughput of the LMDB event log: batches of 100 small events from one writer,
 * (a) issuing appends without awaiting each (group commit), all at once or with a bounded number
 * in flight, and (b) awaiting each append before the next. Also replay (read) speed. Prints the
 * median of rounds with min-max, and per CPU-second of this process (lmdb's write thread
 * included). Run: `npx tsx bench/log.ts` (add `--quick` for a short run).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbStorage, type EventLog } from '../src/log/index.ts';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 5;
const EVENTS_PER_BATCH = 100;

interface Scenario {
  name: string;
  batches: number;
  run(log: EventLog, batches: number): Promise<void>;
}

const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({
  id: `evt-${i.toString(36).padStart(6, '0')}`,
  ts: 1_700_000_000_000 + i,
  symbol: ['AAPL', 'MSFT', 'GOOG', 'AMZN'][i % 4],
  price: 100 + i * 0.25,
  qty: 1 + (i % 10),
}));

const append = (log: EventLog, i: number): Promise<number> => log.append('trades', events, i);

async function inFlight(log: EventLog, batches: number, window: number): Promise<void> {
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < batches) await append(log, issued++);
  };
  await Promise.all(Array.from({ length: window }, worker));
}

const SCENARIOS: Scenario[] = [
  {
    name: 'group commit: all appends issued in one loop',
    batches: quick ? 5_000 : 20_000,
    run: async (log, batches) => {
      const pending: Promise<number>[] = [];
      for (let i = 0; i < batches; i++) pending.push(append(log, i));
      await Promise.all(pending);
    },
  },
  {
    name: 'group commit: 64 appends in flight',
    batches: quick ? 5_000 : 20_000,
    run: (log, batches) => inFlight(log, batches, 64),
  },
  {
    name: 'group commit: 8 appends in flight',
    batches: quick ? 2_000 : 5_000,
    run: (log, batches) => inFlight(log, batches, 8),
  },
  {
    name: 'awaiting each append',
    batches: quick ? 300 : 1_000,
    run: (log, batches) => inFlight(log, batches, 1),
  },
];

interface Sample {
  perSecond: number;
  perCpuSecond: number;
}

async function measure(scenario: Scenario): Promise<{ write: Sample; read: Sample }> {
  const dir = await mkdtemp(join(tmpdir(), 'vane-bench-log-'));
  const storage = await openLmdbStorage(dir);
  try {
    const write = await timed(scenario.batches, () => scenario.run(storage.log, scenario.batches));
    if (storage.log.lastOffset !== scenario.batches) throw new Error('lost appends');
    let read = 0;
    const replay = await timed(scenario.batches, () => {
      for (const entry of storage.log.read(1)) read += entry.events.length;
      return Promise.resolve();
    });
    if (read !== scenario.batches * EVENTS_PER_BATCH) throw new Error('lost events');
    return { write, read: replay };
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function timed(count: number, work: () => Promise<void>): Promise<Sample> {
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { perSecond: count / seconds, perCpuSecond: count / cpuSeconds };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const format = (value: number): string => Math.round(value).toLocaleString('en-US');

function summary(samples: Sample[]): string {
  const rates = samples.map((sample) => sample.perSecond);
  return (
    `${format(median(rates))} batches/s (${format(median(rates) * EVENTS_PER_BATCH)} events/s), ` +
    `min-max ${format(Math.min(...rates))}-${format(Math.max(...rates))}, ` +
    `${format(median(samples.map((sample) => sample.perCpuSecond)))} per CPU-second`
  );
}

console.log(
  `LMDB event log, batches of ${EVENTS_PER_BATCH} events, ${ROUNDS} rounds, ` +
    `Node ${process.version}, ${process.platform} ${process.arch}, data in ${tmpdir()}`,
);
for (const scenario of SCENARIOS) {
  const writes: Sample[] = [];
  const reads: Sample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { write, read } = await measure(scenario);
    writes.push(write);
    reads.push(read);
  }
  console.log(`${scenario.name} (${format(scenario.batches)} batches)`);
  console.log(`  durable appends: ${summary(writes)}`);
  if (scenario === SCENARIOS[0]) console.log(`  replay (read):   ${summary(reads)}`);
}
