/**
 * Fault test of SPEC §3 (acks after durability, de-duplication by id): kill -9 the server while
 * SDK producers publish, restart it on the same data dir, and check that every acknowledged event
 * is in the log exactly once, no event is there twice, offsets are contiguous and the catalog is
 * intact. FAULT_ITERATIONS sets the number of kill/restart cycles (default 3; `npm run test:fault`
 * runs more), FAULT_SEED the seed of the kill delays.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type VaneClient } from '../../src/client/index.ts';
import { openLmdbStorage } from '../../src/log/index.ts';
import { mulberry32 } from '../oracle/prng.ts';
import { ServerProcess, sleep, withDeadline } from './server-process.ts';

const ITERATIONS = positiveInt(process.env.FAULT_ITERATIONS, 3);
const SEED = positiveInt(process.env.FAULT_SEED, 0x5eed);
const PRODUCERS = 3;
/** Publishes each producer keeps in flight, so a kill usually catches several. */
const LANES_PER_PRODUCER = 2;
const BATCH_EVENTS = 50;
const KILL_DELAY_MS = { min: 300, max: 1_500 };
const START_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 10_000;
/** How long in-flight publishes may take to resolve after the restart. */
const SETTLE_TIMEOUT_MS = 20_000;
/** Events per publish when resending everything acknowledged (well under the payload limit). */
const RESEND_BATCH_EVENTS = 1_000;

const STREAM = 'clicks';
const VIEWS = ['clicks_by_page', 'clicks_10s'];
const SCHEMA_SQL = `
CREATE STREAM clicks (id STRING, page STRING, amount DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', id = 'id', lateness = '5s');

CREATE VIEW clicks_by_page AS
  SELECT page, count(*) AS clicks, sum(amount) AS amount FROM clicks GROUP BY page;

CREATE VIEW clicks_10s AS
  SELECT page, window_start, window_end, count(*) AS clicks
  FROM TUMBLE(clicks, INTERVAL '10' SECOND)
  GROUP BY page, window_start, window_end;
`;

/** A type, not an interface: it must fit the SDK's `Record<string, unknown>` events. */
type ClickEvent = {
  id: string;
  page: string;
  amount: number;
  ts: number;
};

/** One SDK client publishing batches with unique ids from several lanes until told to stop. */
class Producer {
  readonly client: VaneClient;
  readonly ackedIds: string[] = [];
  readonly failures: string[] = [];
  /** Events the server acknowledged as duplicates (resends of batches stored before a kill). */
  ackDuplicates = 0;
  batchesAcked = 0;
  readonly inFlight = new Set<Promise<void>>();
  private sequence = 0;
  private stopping = false;
  private lanes: Promise<void>[] = [];

  constructor(
    readonly name: string,
    url: string,
    private readonly sent: Map<string, ClickEvent>,
  ) {
    this.client = connect(url, {
      WebSocket,
      // Back soon after a restart; the default backoff (up to 10 s) would only slow the test.
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      requestTimeoutMs: 15_000,
      // A resend is expected after every kill; other errors land in `failures` through rejections.
      onError: () => {},
    });
  }

  start(): void {
    this.lanes = Array.from({ length: LANES_PER_PRODUCER }, () => this.lane());
  }

  /** Stops starting batches; resolves once every lane's last publish settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.lanes);
  }

  private async lane(): Promise<void> {
    while (!this.stopping && this.failures.length === 0) {
      const publish = this.publishOne();
      this.inFlight.add(publish);
      await publish;
      this.inFlight.delete(publish);
    }
  }

  /** Never rejects: a failed publish is recorded in `failures`. */
  private async publishOne(): Promise<void> {
    const batchNo = this.sequence++;
    const now = Date.now();
    const events: ClickEvent[] = Array.from({ length: BATCH_EVENTS }, (_, i) => ({
      id: `${this.name}-${batchNo}-${i}`,
      page: `/page/${(batchNo + i) % 7}`,
      amount: i + 0.5,
      ts: now,
    }));
    for (const event of events) this.sent.set(event.id, event);
    try {
      const ack = await this.client.publish(STREAM, events);
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

interface CycleStats {
  delayMs: number;
  inFlightAtKill: number;
  ackedBeforeKill: number;
}

describe('durable acks across kill -9 (SPEC §3)', () => {
  /** Run after the test whatever happened: kill servers still alive, close clients, rm -r. */
  const cleanups: (() => Promise<void> | void)[] = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // Cleanup is best effort; the test already reported what failed.
      }
    }
  });

  it(
    `keeps every acknowledged event exactly once over ${ITERATIONS} kill/restart cycles`,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vane-fault-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const dataDir = join(dir, 'data');
      const initFile = join(dir, 'schema.sql');
      await writeFile(initFile, SCHEMA_SQL);
      const random = mulberry32(SEED);

      let server = await ServerProcess.start({
        dataDir,
        initFile,
        port: 0,
        readyTimeoutMs: START_TIMEOUT_MS,
      });
      const servers = [server];
      cleanups.push(async () => {
        for (const started of servers) await started.forceKill();
      });
      const port = server.port;
      const restart = async (): Promise<ServerProcess> => {
        const started = await ServerProcess.start({
          dataDir,
          initFile,
          port,
          readyTimeoutMs: START_TIMEOUT_MS,
        });
        servers.push(started);
        return started;
      };

      const sent = new Map<string, ClickEvent>();
      const producers = Array.from(
        { length: PRODUCERS },
        (_, i) => new Producer(`p${i}`, server.wsUrl, sent),
      );
      cleanups.push(() => {
        for (const producer of producers) producer.client.close();
      });
      for (const producer of producers) producer.start();
      const ackedSoFar = () => producers.reduce((sum, p) => sum + p.ackedIds.length, 0);
      const failures = () => producers.flatMap((p) => p.failures);

      const cycles: CycleStats[] = [];
      for (let cycle = 0; cycle < ITERATIONS; cycle++) {
        const delayMs = Math.round(
          KILL_DELAY_MS.min + random() * (KILL_DELAY_MS.max - KILL_DELAY_MS.min),
        );
        await sleep(delayMs);
        const inFlight = producers.flatMap((p) => [...p.inFlight]);
        const exit = await server.kill(EXIT_TIMEOUT_MS);
        expect(exit.signal, `cycle ${cycle}: the server died of the kill`).toBe('SIGKILL');
        cycles.push({ delayMs, inFlightAtKill: inFlight.length, ackedBeforeKill: ackedSoFar() });
        server = await restart();
        // The publishes in flight at the kill are sent again after the reconnect: they resolve.
        await withDeadline(
          Promise.all(inFlight),
          SETTLE_TIMEOUT_MS,
          `cycle ${cycle}: the ${inFlight.length} publishes in flight at the kill`,
        );
        expect(failures(), `cycle ${cycle}\n${server.recentOutput}`).toEqual([]);
      }
      // Let every producer be acknowledged once more on the last server, then stop them.
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
        'the producers to finish',
      );
      for (const producer of producers) producer.client.close();
      expect(failures()).toEqual([]);
      const stopped = await server.stop(EXIT_TIMEOUT_MS);
      expect(stopped, `graceful stop\n${server.recentOutput}`).toEqual({ code: 0, signal: null });

      const acked = producers.flatMap((p) => p.ackedIds);
      expect(new Set(acked).size, 'every acknowledgement is for distinct ids').toBe(acked.length);
      expect(acked.length, 'acknowledged events are all the events sent').toBe(sent.size);
      for (const [cycle, stats] of cycles.entries()) {
        const before = cycle === 0 ? 0 : cycles[cycle - 1]!.ackedBeforeKill;
        expect(stats.ackedBeforeKill, `acks before kill ${cycle}`).toBeGreaterThan(before);
      }

      // The log, read directly: each acknowledged id exactly once, nothing else, no gaps.
      const storage = await openLmdbStorage(dataDir);
      const seen = new Map<string, number>();
      const offsets: number[] = [];
      const foreign: string[] = [];
      let lastOffset: number;
      let catalog: unknown;
      try {
        for (const entry of storage.log.read(storage.log.firstOffset)) {
          offsets.push(entry.offset);
          expect(entry.stream).toBe(STREAM);
          for (const event of entry.events) {
            const id = String(event.id);
            seen.set(id, (seen.get(id) ?? 0) + 1);
            const original = sent.get(id);
            if (original === undefined || !sameEvent(event, original)) foreign.push(id);
          }
        }
        lastOffset = storage.log.lastOffset;
        catalog = storage.metadata.get('catalog');
      } finally {
        await storage.close();
      }
      expect(foreign, 'logged events that were never sent as such').toEqual([]);
      const twice = [...seen].filter(([, count]) => count > 1).map(([id]) => id);
      expect(twice, 'ids logged more than once').toEqual([]);
      const missing = acked.filter((id) => !seen.has(id));
      expect(missing, 'acknowledged ids missing from the log').toEqual([]);
      expect(seen.size).toBe(acked.length);
      expect(offsets[0]).toBe(1);
      expect(offsets.length).toBe(lastOffset);
      expect(
        offsets.every((offset, i) => offset === i + 1),
        'contiguous offsets',
      ).toBe(true);
      expect(catalogNames(catalog)).toEqual(
        [`stream ${STREAM}`, ...VIEWS.map((view) => `view ${view}`)].sort(),
      );

      // A restarted server still has the catalog and re-learned every id from the log.
      server = await restart();
      const streams = (await getJson(`${server.baseUrl}/v1/streams`)) as {
        streams: { name: string; id: string | null; views: string[] }[];
      };
      expect(streams.streams.map((s) => [s.name, s.id])).toEqual([[STREAM, 'id']]);
      expect([...streams.streams[0]!.views].sort()).toEqual([...VIEWS].sort());
      const views = (await getJson(`${server.baseUrl}/v1/views`)) as {
        views: { name: string; stream: string }[];
      };
      expect(views.views.map((v) => `${v.stream}.${v.name}`).sort()).toEqual(
        VIEWS.map((view) => `${STREAM}.${view}`).sort(),
      );
      const resender = connect(server.wsUrl, { WebSocket, reconnect: false });
      cleanups.push(() => resender.close());
      let resentDuplicates = 0;
      for (let at = 0; at < acked.length; at += RESEND_BATCH_EVENTS) {
        const events = acked.slice(at, at + RESEND_BATCH_EVENTS).map((id) => sent.get(id)!);
        const ack = await withDeadline(
          resender.publish(STREAM, events),
          EXIT_TIMEOUT_MS,
          'the ack of a resend',
        );
        expect(ack).toEqual({ accepted: 0, duplicates: events.length });
        resentDuplicates += ack.duplicates;
      }
      resender.close();
      expect(resentDuplicates).toBe(acked.length);
      const finalStop = await server.stop(EXIT_TIMEOUT_MS);
      expect(finalStop, `graceful stop\n${server.recentOutput}`).toEqual({ code: 0, signal: null });
      const reopened = await openLmdbStorage(dataDir);
      try {
        expect(reopened.log.lastOffset, 'the resend stored nothing').toBe(lastOffset);
      } finally {
        await reopened.close();
      }

      const runDuplicates = producers.reduce((sum, p) => sum + p.ackDuplicates, 0);
      console.log(
        `durable-ack fault test: seed ${SEED}, ${ITERATIONS} kill -9 cycles ` +
          `(delays ${cycles.map((c) => c.delayMs).join('/')} ms, publishes in flight at the kills ` +
          `${cycles.map((c) => c.inFlightAtKill).join('/')}), ${acked.length} events acknowledged ` +
          `in ${lastOffset} log batches, ${runDuplicates} acknowledged as duplicates after ` +
          `reconnects, ${resentDuplicates} resent after restart all counted as duplicates`,
      );
    },
    30_000 + ITERATIONS * 15_000,
  );
});

function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`not a positive integer: ${text}`);
  return value;
}

function sameEvent(logged: Record<string, unknown>, sent: ClickEvent): boolean {
  return (
    logged.id === sent.id &&
    logged.page === sent.page &&
    logged.amount === sent.amount &&
    logged.ts === sent.ts
  );
}

/** `kind name` of each stored catalog entry, sorted. */
/** The names in the stored catalog: `{ json, crc }`, the JSON a list of entries. */
function catalogNames(catalog: unknown): string[] {
  const { json } = catalog as { json: string };
  const entries: unknown = JSON.parse(json);
  expect(Array.isArray(entries), 'metadata key catalog holds a list').toBe(true);
  return (entries as { kind: string; name: string }[])
    .map((entry) => `${entry.kind} ${entry.name}`)
    .sort();
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  expect(response.status, url).toBe(200);
  return response.json();
}
