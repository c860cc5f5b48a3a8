/**
 * Fault test of crash recovery (checkpoints of view state + log replay): five SDK producers
 * publish about 10,000 events/s with unique ids into one stream while the server is killed with
 * SIGKILL at seeded random moments and restarted on the same data dir; the producers resend what
 * was not acknowledged. At the end every window of three views (TUMBLE, HOP, SESSION) must equal
 * what plain arithmetic computes from the distinct events in the log: each acknowledged event
 * counted exactly once, each event never acknowledged at most once (exactly when it is in the
 * log), no event twice. A sixth, raw WebSocket producer abandons whatever is unacknowledged at a
 * kill, so some events are never acknowledged.
 *
 * FAULT_ITERATIONS sets the number of kill/restart cycles (default 3; `npm run test:fault` runs
 * more), FAULT_SEED the seed of the kill delays and of the events.
 */
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type VaneClient } from '../../src/client/index.ts';
import { openLmdbStorage } from '../../src/log/index.ts';
import { mulberry32 } from '../oracle/prng.ts';
import {
  Cleanups,
  diffRows,
  iso,
  positiveInt,
  readView,
  rowKey,
  scratchDir,
  serverStarter,
  type Row,
} from './fault-support.ts';
import { sleep, withDeadline } from './server-process.ts';

const ITERATIONS = positiveInt(process.env.FAULT_ITERATIONS, 3);
const SEED = positiveInt(process.env.FAULT_SEED, 0xe0ce);
const PRODUCERS = 5;
/** Publishes each producer keeps in flight, so a kill usually catches several. */
const LANES_PER_PRODUCER = 2;
const BATCH_EVENTS = 100;
/** All SDK producers together. */
const EVENTS_PER_SECOND = 10_000;
const LANE_INTERVAL_MS = (BATCH_EVENTS * PRODUCERS * LANES_PER_PRODUCER * 1000) / EVENTS_PER_SECOND;
/** The raw producer that abandons unacknowledged batches at a kill. */
const ABANDONING_BATCH_EVENTS = 40;
const ABANDONING_INTERVAL_MS = 50;
const CHECKPOINT_INTERVAL_MS = 250;
const KILL_DELAY_MS = { min: 400, max: 2_500 };
const START_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;
/** How long in-flight publishes may take to resolve after the restart. */
const SETTLE_TIMEOUT_MS = 30_000;
/** Longer than the views' emit interval (100 ms): every applied batch shows in the rows. */
const QUIET_MS = 500;

const KEYS = 24;
/** Keys 0..STEADY_KEYS-1 get events all the time; the others in bursts (sessions open and close). */
const STEADY_KEYS = 4;
const BURST_ACTIVE_MS = 1_800;
const TUMBLE_MS = 10_000;
const HOP_SIZE_MS = 10_000;
const HOP_SLIDE_MS = 5_000;
const SESSION_GAP_MS = 2_000;

const STREAM = 'metrics';
const KEY = ['k', 'window_start'];
const SCHEMA_SQL = `
CREATE STREAM metrics (id STRING, k STRING, x DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', id = 'id', lateness = '1h');

CREATE VIEW tumble_10s AS
  SELECT k, window_start, window_end, count(*) AS n, sum(x) AS total
  FROM TUMBLE(metrics, INTERVAL '10' SECOND)
  GROUP BY k, window_start, window_end;

CREATE VIEW hop_10s AS
  SELECT k, window_start, window_end, avg(x) AS mean, count(*) AS n
  FROM HOP(metrics, INTERVAL '5' SECOND, INTERVAL '10' SECOND)
  GROUP BY k, window_start, window_end;

CREATE VIEW sessions_2s AS
  SELECT k, window_start, window_end, count(*) AS n
  FROM SESSION(metrics, INTERVAL '2' SECOND)
  GROUP BY k, window_start, window_end;
`;
const VIEWS = ['tumble_10s', 'hop_10s', 'sessions_2s'] as const;
type ViewName = (typeof VIEWS)[number];

/** A type, not an interface: it must fit the SDK's `Record<string, unknown>` events. */
type Metric = {
  id: string;
  k: string;
  /** Whole numbers, so sums are exact whatever order the server adds them in. */
  x: number;
  ts: number;
};

/** Keys with events at `nowMs`: the steady ones, and each bursty one 1.8 s out of every 4.5-5.75 s. */
function activeKeys(nowMs: number): number[] {
  const keys: number[] = [];
  for (let k = 0; k < KEYS; k++) {
    const periodMs = 4_500 + 250 * (k % 6);
    if (k < STEADY_KEYS || (nowMs + k * 977) % periodMs < BURST_ACTIVE_MS) keys.push(k);
  }
  return keys;
}

function makeEvents(prefix: string, count: number, random: () => number): Metric[] {
  const nowMs = Date.now();
  const keys = activeKeys(nowMs);
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    k: `k${String(keys[Math.floor(random() * keys.length)]).padStart(2, '0')}`,
    x: Math.floor(random() * 100),
    ts: nowMs - Math.floor(random() * 50),
  }));
}

/** Lets the test act right after some producer hands a batch to its client (the frame is out). */
class PublishHook {
  private waiter: (() => void) | null = null;

  /** Resolves right after the next publish is sent. */
  next(): Promise<void> {
    return new Promise((resolve) => (this.waiter = resolve));
  }

  sent(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}

/** One SDK client publishing paced batches with unique ids from several lanes until stopped. */
class Producer {
  readonly client: VaneClient;
  readonly ackedIds: string[] = [];
  readonly failures: string[] = [];
  /** Events acknowledged as duplicates (resends of batches stored before a kill). */
  ackDuplicates = 0;
  batchesAcked = 0;
  readonly inFlight = new Set<Promise<void>>();
  private sequence = 0;
  private stopping = false;
  private lanes: Promise<void>[] = [];

  constructor(
    readonly name: string,
    url: string,
    private readonly sent: Map<string, Metric>,
    private readonly random: () => number,
    private readonly hook: PublishHook,
  ) {
    this.client = connect(url, {
      WebSocket,
      // Back soon after a restart; the default backoff (up to 10 s) would only slow the test.
      reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
      requestTimeoutMs: 20_000,
      // A resend is expected after every kill; other errors land in `failures` through rejections.
      onError: () => {},
    });
  }

  start(): void {
    this.lanes = Array.from({ length: LANES_PER_PRODUCER }, (_, lane) =>
      this.lane(lane * (LANE_INTERVAL_MS / LANES_PER_PRODUCER)),
    );
  }

  /** Stops starting batches; resolves once every lane's last publish settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.lanes);
  }

  private async lane(startDelayMs: number): Promise<void> {
    await sleep(startDelayMs);
    let nextAt = performance.now();
    while (!this.stopping && this.failures.length === 0) {
      const publish = this.publishOne();
      this.inFlight.add(publish);
      await publish;
      this.inFlight.delete(publish);
      nextAt += LANE_INTERVAL_MS;
      const now = performance.now();
      // Behind (a restart): start again from now rather than bursting to catch up.
      if (nextAt < now) nextAt = now;
      else await sleep(nextAt - now);
    }
  }

  /** Never rejects: a failed publish is recorded in `failures`. */
  private async publishOne(): Promise<void> {
    const batchNo = this.sequence++;
    const events = makeEvents(`${this.name}-${batchNo}`, BATCH_EVENTS, this.random);
    for (const event of events) this.sent.set(event.id, event);
    try {
      const acked = this.client.publish(STREAM, events);
      this.hook.sent();
      const ack = await acked;
      if (ack.accepted + ack.duplicates !== events.length) {
        this.failures.push(
          `${this.name} batch ${batchNo}: ack ${JSON.stringify(ack)} for ${events.length} events`,
        );
        return;
      }
      this.ackDuplicates += ack.duplicates;
      this.batchesAcked++;
      for (const event of events) this.ackedIds.push(event.id);
    } catch (error) {
      this.failures.push(`${this.name} batch ${batchNo}: ${String(error)}`);
    }
  }
}

/**
 * A raw WebSocket producer that never resends: the batches unacknowledged when its connection
 * drops are abandoned (they may or may not be in the log), and it goes on with new ids once it
 * can connect again.
 */
class AbandoningProducer {
  readonly ackedIds: string[] = [];
  readonly abandonedIds: string[] = [];
  readonly failures: string[] = [];
  private readonly pending = new Map<string, Metric[]>();
  private ws: WebSocket | null = null;
  private open = false;
  private stopping = false;
  private sequence = 0;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: () => string,
    private readonly sent: Map<string, Metric>,
    private readonly random: () => number,
  ) {}

  start(): void {
    this.connect();
    this.loop = this.run();
  }

  /** Stops publishing, waits for the acks of what is pending, closes. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    await this.loop;
    const deadline = performance.now() + timeoutMs;
    while (this.pending.size > 0 && performance.now() < deadline) await sleep(20);
    if (this.pending.size > 0) {
      this.failures.push(`raw producer: ${this.pending.size} batches still unacknowledged`);
    }
    this.ws?.close();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (this.open && this.pending.size < 3) this.publishOne();
      await sleep(ABANDONING_INTERVAL_MS);
    }
  }

  private publishOne(): void {
    const id = `raw-${this.sequence++}`;
    const events = makeEvents(id, ABANDONING_BATCH_EVENTS, this.random);
    for (const event of events) this.sent.set(event.id, event);
    this.pending.set(id, events);
    this.ws?.send(JSON.stringify({ type: 'publish', id, stream: STREAM, events }));
  }

  private connect(): void {
    const ws = new WebSocket(this.url(), ['vane.v1']);
    this.ws = ws;
    ws.on('open', () => (this.open = true));
    ws.on('error', () => undefined);
    ws.on('message', (data: WebSocket.RawData) => {
      const frame = JSON.parse(rawText(data)) as {
        type: string;
        id?: string;
        accepted?: number;
        duplicates?: number;
        message?: string;
      };
      const events = frame.id === undefined ? undefined : this.pending.get(frame.id);
      if (events === undefined) return;
      this.pending.delete(frame.id!);
      if (frame.type === 'ack' && frame.accepted === events.length && frame.duplicates === 0) {
        for (const event of events) this.ackedIds.push(event.id);
      } else {
        this.failures.push(`raw producer batch ${frame.id}: answered ${JSON.stringify(frame)}`);
      }
    });
    ws.on('close', () => {
      this.open = false;
      for (const events of this.pending.values()) {
        for (const event of events) this.abandonedIds.push(event.id);
      }
      this.pending.clear();
      if (!this.stopping) setTimeout(() => this.connect(), 100);
    });
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** Every window of the three views, computed with plain arithmetic from distinct events. */
function expectedViews(events: Iterable<Metric>): Record<ViewName, Row[]> {
  const tumble = new Map<string, { k: string; start: number; n: number; total: number }>();
  const hop = new Map<string, { k: string; start: number; n: number; total: number }>();
  const times = new Map<string, number[]>();
  const add = (
    map: Map<string, { k: string; start: number; n: number; total: number }>,
    k: string,
    start: number,
    x: number,
  ) => {
    const id = `${k}|${start}`;
    const window = map.get(id) ?? { k, start, n: 0, total: 0 };
    window.n += 1;
    window.total += x;
    map.set(id, window);
  };
  for (const event of events) {
    add(tumble, event.k, Math.floor(event.ts / TUMBLE_MS) * TUMBLE_MS, event.x);
    // Hop windows start at multiples of the slide; the event is in [start, start + size).
    const last = Math.floor(event.ts / HOP_SLIDE_MS) * HOP_SLIDE_MS;
    for (let start = last; start > event.ts - HOP_SIZE_MS; start -= HOP_SLIDE_MS) {
      add(hop, event.k, start, event.x);
    }
    const list = times.get(event.k) ?? [];
    list.push(event.ts);
    times.set(event.k, list);
  }
  const sessions: Row[] = [];
  for (const [k, list] of times) {
    list.sort((a, b) => a - b);
    // Events less than the gap apart share a session [first, last + gap).
    let first = list[0]!;
    let n = 0;
    for (let i = 0; i < list.length; i++) {
      n += 1;
      const next = list[i + 1];
      if (next === undefined || next - list[i]! >= SESSION_GAP_MS) {
        const end = list[i]! + SESSION_GAP_MS;
        sessions.push({ k, window_start: iso(first), window_end: iso(end), n });
        if (next !== undefined) first = next;
        n = 0;
      }
    }
  }
  return {
    tumble_10s: [...tumble.values()].map((w) => ({
      k: w.k,
      window_start: iso(w.start),
      window_end: iso(w.start + TUMBLE_MS),
      n: w.n,
      total: w.total,
    })),
    hop_10s: [...hop.values()].map((w) => ({
      k: w.k,
      window_start: iso(w.start),
      window_end: iso(w.start + HOP_SIZE_MS),
      mean: w.total / w.n,
      n: w.n,
    })),
    sessions_2s: sessions,
  };
}

function totalCount(rows: readonly Row[]): number {
  return rows.reduce((sum, row) => sum + (typeof row.n === 'number' ? row.n : NaN), 0);
}

interface CycleStats {
  delayMs: number;
  inFlightAtKill: number;
  ackedBeforeKill: number;
  restartMs: number;
}

describe('exactly-once view state across kill -9 (crash recovery)', () => {
  const cleanups = new Cleanups();
  afterAll(() => cleanups.run());

  it(
    `counts every acknowledged event exactly once in every window over ${ITERATIONS} kill -9 cycles`,
    async () => {
      const { dir, initFile } = await scratchDir(cleanups, SCHEMA_SQL);
      const dataDir = join(dir, 'data');
      const random = mulberry32(SEED);
      const serve = serverStarter(cleanups, {
        dataDir,
        initFile,
        readyTimeoutMs: START_TIMEOUT_MS,
        checkpointIntervalMs: CHECKPOINT_INTERVAL_MS,
      });
      let server = await serve(0);
      const port = server.port;

      const sent = new Map<string, Metric>();
      const hook = new PublishHook();
      const producers = Array.from(
        { length: PRODUCERS },
        (_, i) => new Producer(`p${i}`, server.wsUrl, sent, mulberry32(SEED + 1 + i), hook),
      );
      const abandoning = new AbandoningProducer(() => server.wsUrl, sent, mulberry32(SEED + 99));
      cleanups.add(() => {
        for (const producer of producers) producer.client.close();
        void abandoning.stop(0);
      });
      for (const producer of producers) producer.start();
      abandoning.start();
      const ackedSoFar = () =>
        producers.reduce((sum, p) => sum + p.ackedIds.length, 0) + abandoning.ackedIds.length;
      const failures = () => producers.flatMap((p) => p.failures);

      const cycles: CycleStats[] = [];
      for (let cycle = 0; cycle < ITERATIONS; cycle++) {
        const delayMs = Math.round(
          KILL_DELAY_MS.min + random() * (KILL_DELAY_MS.max - KILL_DELAY_MS.min),
        );
        await sleep(delayMs);
        // Kill just after a batch went out, a few ways: before the server reads it, while it is
        // being stored, or around its ack (the kill usually catches publishes in flight).
        await withDeadline(hook.next(), SETTLE_TIMEOUT_MS, 'a publish to kill the server after');
        const killDelayMs = Math.floor(random() * 4);
        if (killDelayMs > 0) await sleep(killDelayMs);
        const inFlight = producers.flatMap((p) => [...p.inFlight]);
        const ackedBeforeKill = ackedSoFar();
        const killedAt = performance.now();
        const exit = await server.kill(EXIT_TIMEOUT_MS);
        expect(exit.signal, `cycle ${cycle}: the server died of the kill`).toBe('SIGKILL');
        server = await serve(port);
        const restartMs = Math.round(performance.now() - killedAt);
        cycles.push({ delayMs, inFlightAtKill: inFlight.length, ackedBeforeKill, restartMs });
        console.log(
          `exactly-once cycle ${cycle}: killed after ${delayMs} ms (+${killDelayMs} ms after a send) with ${inFlight.length} SDK ` +
            `publishes in flight, ${ackedBeforeKill} events acknowledged so far; back up (ready) ` +
            `${restartMs} ms after the kill`,
        );
        // The publishes in flight at the kill are sent again after the reconnect: they resolve.
        await withDeadline(
          Promise.all(inFlight),
          SETTLE_TIMEOUT_MS,
          `cycle ${cycle}: the ${inFlight.length} publishes in flight at the kill\n${server.recentOutput}`,
        );
        expect(failures(), `cycle ${cycle}\n${server.recentOutput}`).toEqual([]);
      }

      // Let every producer be acknowledged once more by the last server, then stop them all.
      const batchesNow = producers.map((p) => p.batchesAcked);
      await withDeadline(
        (async () => {
          while (producers.some((p, i) => p.batchesAcked <= batchesNow[i]!)) await sleep(20);
        })(),
        SETTLE_TIMEOUT_MS,
        'a batch acknowledged by the last server',
      );
      await withDeadline(
        Promise.all(producers.map((p) => p.stop())),
        SETTLE_TIMEOUT_MS,
        'the producers to finish (every publish acknowledged)',
      );
      await abandoning.stop(SETTLE_TIMEOUT_MS);
      for (const producer of producers) producer.client.close();
      expect([...failures(), ...abandoning.failures]).toEqual([]);

      await sleep(QUIET_MS);
      const live = new Map<ViewName, Row[]>();
      for (const view of VIEWS) live.set(view, (await readView(server.baseUrl, view)).rows);
      const stopped = await server.stop(EXIT_TIMEOUT_MS);
      expect(stopped, `graceful stop\n${server.recentOutput}`).toEqual({ code: 0, signal: null });

      // What the log holds: the durable events, each once (SPEC §3; durable-ack tests it too).
      const acked = new Set([...producers.flatMap((p) => p.ackedIds), ...abandoning.ackedIds]);
      const abandoned = new Set(abandoning.abandonedIds);
      const problems: string[] = [];
      const logged = new Map<string, Metric>();
      const storedTwice: string[] = [];
      const foreign: string[] = [];
      const storage = await openLmdbStorage(dataDir);
      try {
        // The oracle needs every stored batch: a truncated log would make it silently short.
        if (storage.log.firstOffset !== 1) {
          problems.push(`log: truncated before offset ${storage.log.firstOffset}; cannot check`);
        }
        for (const entry of storage.log.read(storage.log.firstOffset)) {
          for (const event of entry.events) {
            const id = String(event.id);
            const original = sent.get(id);
            if (logged.has(id)) storedTwice.push(id);
            else if (original === undefined) foreign.push(id);
            else logged.set(id, original);
          }
        }
      } finally {
        await storage.close();
      }
      if (storedTwice.length > 0) {
        problems.push(`log: ${storedTwice.length} ids stored twice, e.g. ${storedTwice[0]}`);
      }
      if (foreign.length > 0) {
        problems.push(`log: ${foreign.length} ids never sent, e.g. ${foreign[0]}`);
      }
      const missingFromLog = [...acked].filter((id) => !logged.has(id));
      if (missingFromLog.length > 0) {
        problems.push(
          `log: ${missingFromLog.length} acknowledged events are not in the log, e.g. ` +
            missingFromLog.slice(0, 5).join(', '),
        );
      }
      const loggedUnacked = [...logged.keys()].filter((id) => !acked.has(id));
      const strays = loggedUnacked.filter((id) => !abandoned.has(id));
      if (strays.length > 0) {
        problems.push(
          `log: ${strays.length} events neither acknowledged nor abandoned: ${strays[0]}`,
        );
      }

      // The oracle: the distinct logged events (= every acknowledged event plus the abandoned
      // ones that happened to be durable). The acknowledged-only figures explain differences.
      const expected = expectedViews(logged.values());
      const ackedOnly = expectedViews([...acked].flatMap((id) => sent.get(id) ?? []));
      const compareAll = (when: string, rows: Map<ViewName, Row[]>): string[] => {
        const found: string[] = [];
        for (const view of VIEWS) {
          const actual = rows.get(view)!;
          found.push(...countProblems(view, when, actual));
          const ackedByKey = new Map(ackedOnly[view].map((row) => [rowKey(row, KEY), row]));
          found.push(
            ...diffRows(`${view} ${when}`, actual, expected[view], KEY, {
              approximate: ['mean'],
              explain: (k) => {
                const row = ackedByKey.get(k);
                return `[from acknowledged events only: ${row === undefined ? 'no row' : `n=${String(row.n)}`}]`;
              },
              maxListed: 8,
            }),
          );
        }
        return found;
      };
      /** Totals first: each event is in one tumble window and one session, so they count events. */
      const countProblems = (view: ViewName, when: string, actual: Row[]): string[] => {
        const found: string[] = [];
        if (view !== 'hop_10s') {
          const counted = totalCount(actual);
          if (counted > logged.size) {
            found.push(
              `${view} ${when}: counts ${counted} events but only ${logged.size} distinct events ` +
                `are stored: ${counted - logged.size} counted more than once`,
            );
          } else if (counted < acked.size) {
            found.push(
              `${view} ${when}: counts ${counted} events but ${acked.size} were acknowledged: ` +
                `${acked.size - counted} acknowledged events are missing`,
            );
          } else if (counted !== logged.size) {
            found.push(
              `${view} ${when}: counts ${counted} events; the log holds ${logged.size} distinct ` +
                `events (${acked.size} acknowledged, ${loggedUnacked.length} never acknowledged)`,
            );
          }
        }
        return found;
      };
      problems.push(...compareAll(`after ${ITERATIONS} kill -9 cycles`, live));

      // And once more from a clean shutdown: the state must come back the same.
      server = await serve(port);
      const again = new Map<ViewName, Row[]>();
      for (const view of VIEWS) again.set(view, (await readView(server.baseUrl, view)).rows);
      const finalStop = await server.stop(EXIT_TIMEOUT_MS);
      expect(finalStop, `graceful stop\n${server.recentOutput}`).toEqual({ code: 0, signal: null });
      problems.push(...compareAll('after a further clean restart', again));

      const duplicatesAcked = producers.reduce((sum, p) => sum + p.ackDuplicates, 0);
      console.log(
        `exactly-once fault test: seed ${SEED}, ${ITERATIONS} kill -9 cycles (delays ` +
          `${cycles.map((c) => c.delayMs).join('/')} ms, restarts ${cycles.map((c) => c.restartMs).join('/')} ` +
          `ms kill-to-ready), ${sent.size} events sent, ${acked.size} acknowledged ` +
          `(${duplicatesAcked} as duplicates after reconnects), ${abandoned.size} abandoned ` +
          `unacknowledged of which ${loggedUnacked.length} are in the log; rows: ` +
          VIEWS.map((view) => `${view} ${live.get(view)!.length}/${expected[view].length}`).join(
            ', ',
          ) +
          ` (read/expected)`,
      );
      expect(
        problems,
        `view state after kill -9 differs from the distinct durable events ` +
          `(${logged.size} in the log, ${acked.size} acknowledged)`,
      ).toEqual([]);
    },
    60_000 + ITERATIONS * 20_000,
  );
});
