/**
 * Fault test of subscriptions across crash recovery (SPEC §4 resume with epoch + offset): 200
 * subscribers (180 raw WebSocket clients with a protocol checker each, 20 SDK LiveTables) watch
 * one view while a producer changes it; the server is killed with SIGKILL and restarted on the same
 * data dir, FAULT_ITERATIONS times (default 3). Every raw client resubscribes with `resume` set to
 * the epoch and offset of the last frame it applied, half of them at once (while the producer's
 * resends arrive), half once the view is quiet; the SDK tables reconnect on their own.
 *
 * Each raw client checks: seq 1, 2, 3, … within a subscription; a snapshot first unless the
 * answer is `recovered: true`; delta offsets strictly increasing from the snapshot's (or the
 * resume point's) offset; within one server life a resume answers `recovered: true` with the same
 * epoch; across a restart either `recovered: true` with the same epoch, or `recovered: false`
 * with a new epoch and a snapshot. The clients that resubscribe while the view is quiet must get a
 * snapshot equal to the live view read over HTTP (same epoch, offset and rows). At every quiet
 * point each client's table must equal the live view, and the live view must equal what the
 * acknowledged events make (the recovered state is right, not only consistent).
 */
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type LiveTable, type VaneClient } from '../../src/client/index.ts';
import { mulberry32 } from '../oracle/prng.ts';
import {
  Cleanups,
  diffRows,
  positiveInt,
  readView,
  scratchDir,
  serverStarter,
  until,
  type Row,
  type ViewState,
} from './fault-support.ts';
import { sleep, withDeadline } from './server-process.ts';

const ITERATIONS = positiveInt(process.env.FAULT_ITERATIONS, 3);
const SEED = positiveInt(process.env.FAULT_SEED, 0x5b5c);
const RAW_SUBSCRIBERS = 180;
const SDK_SUBSCRIBERS = 20;
/** Raw clients that leave and resume now and then while the server runs (same life). */
const VOLUNTARY_RECONNECTS = 40;
const CHECKPOINT_INTERVAL_MS = 300;
const PRODUCE_MS = { min: 600, max: 1_500 };
const BATCH_EVENTS = 10;
const PACE_MS = 25;
const KEYS = 30;
const START_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;
const SETTLE_TIMEOUT_MS = 30_000;
/** Several emit intervals (50 ms): once nothing is published, every change has gone out. */
const QUIET_MS = 400;

const STREAM = 'ticks';
const VIEW = 'totals';
const KEY = ['k'];
// HAVING makes rows leave and come back: deltas carry deletes as well as upserts.
const SCHEMA_SQL = `
CREATE STREAM ticks (id STRING, k STRING, x DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', id = 'id', lateness = '1h');

CREATE VIEW totals WITH (emit_interval = '50ms') AS
  SELECT k, count(*) AS n, sum(x) AS total, max(x) AS top
  FROM ticks GROUP BY k
  HAVING count(*) % 5 <> 0;
`;

type Tick = { id: string; k: string; x: number; ts: number };

/** The view computed from distinct events. */
function expectedRows(events: Iterable<Tick>): Row[] {
  const groups = new Map<string, { n: number; total: number; top: number }>();
  for (const event of events) {
    const group = groups.get(event.k) ?? { n: 0, total: 0, top: -Infinity };
    group.n += 1;
    group.total += event.x;
    group.top = Math.max(group.top, event.x);
    groups.set(event.k, group);
  }
  return [...groups]
    .filter(([, group]) => group.n % 5 !== 0)
    .map(([k, group]) => ({ k, n: group.n, total: group.total, top: group.top }));
}

/** Shared facts about the server's lives, for the checkers. */
interface World {
  /** Incremented when a server is confirmed dead; a connection belongs to the life it opened in. */
  life: number;
  /** While true, connections closing is expected (the server is being killed). */
  killing: boolean;
}

interface Position {
  epoch: string;
  offset: number;
}

interface SubscriptionRecord {
  life: number;
  resume: Position | null;
  /** The resume point came from an earlier server life. */
  crossedRestart: boolean;
  recovered?: boolean;
  epoch?: string;
  snapshot?: { offset: number; rows: Row[] };
}

interface Current {
  id: string;
  sub?: string;
  /** The connection it was made on (one per `subscribe`). */
  conn: number;
  life: number;
  record: SubscriptionRecord;
  lastSeq: number;
  awaitingSnapshot: boolean;
  answered: () => void;
}

/**
 * Every delta the raw clients received, by epoch and offset: all clients must have been sent the
 * same change batch at the same offset, and a delta whose offset jumps past several batches (the
 * server merged queued deltas for a slow connection, which SPEC §4 allows) must carry every key
 * those batches changed. That tells a merge from a silent gap even when later deltas would hide it.
 */
class DeltaLedger {
  readonly problems: string[] = [];
  private readonly batches = new Map<string, { text: string; keys: string[]; client: string }>();
  private readonly jumps: {
    client: string;
    epoch: string;
    from: number;
    to: number;
    keys: Set<string>;
  }[] = [];

  /** A delta at `offset` right after `offset - 1`: exactly one change batch. */
  exact(client: string, epoch: string, offset: number, upserts: Row[], deletes: Row[]): void {
    const sorted = (rows: Row[]) => rows.map((row) => JSON.stringify(row)).sort();
    const text = JSON.stringify([sorted(upserts), sorted(deletes)]);
    const id = `${epoch}/${offset}`;
    const known = this.batches.get(id);
    if (known === undefined) {
      const keys = [...upserts, ...deletes].map((row) => String(row.k));
      this.batches.set(id, { text, keys, client });
    } else if (known.text !== text) {
      this.problems.push(
        `${client} and ${known.client} got different deltas at ${id}: ${text.slice(0, 200)} vs ` +
          known.text.slice(0, 200),
      );
    }
  }

  /** A delta at `to` right after `from` (to > from + 1): merged batches from + 1 … to. */
  merged(client: string, epoch: string, from: number, to: number, upserts: Row[], deletes: Row[]) {
    const keys = new Set([...upserts, ...deletes].map((row) => String(row.k)));
    this.jumps.push({ client, epoch, from, to, keys });
  }

  /** Checks the merged deltas against the batches other clients got one by one. */
  verify(): { merged: number; unverifiable: number } {
    let unverifiable = 0;
    for (const jump of this.jumps) {
      for (let offset = jump.from + 1; offset <= jump.to; offset++) {
        const batch = this.batches.get(`${jump.epoch}/${offset}`);
        if (batch === undefined) {
          unverifiable += 1;
          continue;
        }
        const lost = batch.keys.filter((key) => !jump.keys.has(key));
        if (lost.length > 0) {
          this.problems.push(
            `${jump.client}: the delta at ${jump.epoch}/${jump.to} (after ${jump.from}) misses ` +
              `the changes to ${lost.join(', ')} of offset ${offset}: a silent gap`,
          );
        }
      }
    }
    return { merged: this.jumps.length, unverifiable };
  }
}

/** A raw WebSocket subscriber that checks every frame against SPEC §4 and keeps a table. */
class RawSubscriber {
  readonly violations: string[] = [];
  readonly table = new Map<string, Row>();
  readonly records: SubscriptionRecord[] = [];
  position: Position | null = null;
  /** Deltas whose offset skipped batches (merged by the server). */
  offsetJumps = 0;
  deltas = 0;
  private ws: WebSocket | null = null;
  private current: Current | null = null;
  private leaving = false;
  private requests = 0;
  private connections = 0;
  /** The server life of the connection the position's frame came on. */
  private positionLife = -1;

  constructor(
    readonly name: string,
    private readonly world: World,
    private readonly ledger: DeltaLedger,
  ) {}

  get lastRecord(): SubscriptionRecord | undefined {
    return this.records.at(-1);
  }

  /**
   * Connects (trying again until the deadline while the server is down) and subscribes, resuming
   * from the last frame applied. Resolves once answered: `recovered: true`, or the snapshot in.
   */
  async subscribe(url: string, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let ws: WebSocket | null = null;
    while (ws === null) {
      try {
        ws = await openSocket(url);
      } catch (error) {
        if (performance.now() > deadline) {
          throw new Error(`${this.name}: could not connect: ${String(error)}`);
        }
        await sleep(100);
      }
    }
    const life = this.world.life;
    const conn = ++this.connections;
    this.ws = ws;
    const answered = new Promise<void>((resolve, reject) => {
      const id = `s${++this.requests}`;
      const resume = this.position;
      const record: SubscriptionRecord = {
        life,
        resume,
        crossedRestart: resume !== null && this.positionLife !== life,
      };
      this.records.push(record);
      this.current = {
        id,
        conn,
        life,
        record,
        lastSeq: 0,
        awaitingSnapshot: true,
        answered: resolve,
      };
      ws.on('message', (data: WebSocket.RawData) => this.receive(conn, data));
      ws.on('close', (code: number) => {
        if (this.ws === ws) this.ws = null;
        if (this.current?.conn === conn) this.current = null;
        if (!this.leaving && !this.world.killing) {
          this.violations.push(`${this.name}: connection closed by the server (code ${code})`);
        }
        reject(new Error(`${this.name}: closed (code ${code}) before the subscription answered`));
      });
      ws.send(
        JSON.stringify({
          type: 'subscribe',
          id,
          view: VIEW,
          ...(resume === null ? {} : { resume }),
        }),
      );
    });
    answered.catch(() => undefined);
    await withDeadline(answered, Math.max(1_000, deadline - performance.now()), `${this.name}`);
  }

  /** Leaves (closing the socket) and resubscribes with resume, on the same server. */
  async reconnect(url: string, timeoutMs: number): Promise<void> {
    const ws = this.ws;
    if (ws !== null) {
      this.leaving = true;
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close(1000);
      await withDeadline(closed, 5_000, `${this.name} to close`);
      this.leaving = false;
    }
    await this.subscribe(url, timeoutMs);
  }

  close(): void {
    this.leaving = true;
    this.ws?.terminate();
  }

  private receive(conn: number, data: WebSocket.RawData): void {
    const frame = JSON.parse(rawText(data)) as Record<string, unknown> & { type: string };
    const current = this.current;
    const fail = (message: string): void => {
      this.violations.push(`${this.name}: ${message}`);
    };
    if (current === null || current.conn !== conn) {
      if (frame.type === 'snapshot' || frame.type === 'delta') {
        fail(`${frame.type} frame after its subscription ended`);
      }
      return;
    }
    const record = current.record;
    const life = current.life;
    switch (frame.type) {
      case 'subscribed': {
        if (frame.id !== current.id) return fail(`subscribed for request ${String(frame.id)}`);
        const epoch = String(frame.epoch);
        current.sub = String(frame.sub);
        record.recovered = frame.recovered === true;
        record.epoch = epoch;
        const resume = record.resume;
        if (record.recovered) {
          if (resume === null) fail('recovered: true without a resume point');
          else if (epoch !== resume.epoch) {
            fail(`recovered: true in epoch ${epoch}, but the resume point is in ${resume.epoch}`);
          }
          current.awaitingSnapshot = false;
          current.answered();
        } else if (resume !== null && !record.crossedRestart) {
          fail(
            `resume from ${resume.epoch}/${resume.offset} within one server life answered ` +
              `recovered: false (the history holds it)`,
          );
        } else if (resume !== null && epoch === resume.epoch) {
          fail(
            `after a restart: recovered: false but the epoch ${epoch} is the old one (a restart ` +
              `must issue a new epoch)`,
          );
        }
        return;
      }
      case 'snapshot':
      case 'delta': {
        if (frame.sub !== current.sub) return fail(`${frame.type} for sub ${String(frame.sub)}`);
        const seq = Number(frame.seq);
        const offset = Number(frame.offset);
        if (seq !== current.lastSeq + 1) {
          fail(`seq ${seq} after ${current.lastSeq} (sub ${current.sub}, life ${life})`);
        }
        current.lastSeq = seq;
        const epoch = record.epoch!;
        if (frame.type === 'snapshot') {
          if (!current.awaitingSnapshot) {
            fail(`unexpected snapshot (recovered: ${String(record.recovered)}, seq ${seq})`);
          }
          current.awaitingSnapshot = false;
          const rows = frame.rows as Row[];
          this.table.clear();
          for (const row of rows) this.table.set(String(row.k), row);
          record.snapshot = { offset, rows };
          this.moveTo(epoch, offset, life);
          current.answered();
          return;
        }
        if (current.awaitingSnapshot) return fail(`delta seq ${seq} before the snapshot`);
        const last = this.position;
        if (last === null || last.epoch !== epoch) {
          fail(`delta in epoch ${epoch} with no position in it`);
        } else if (offset <= last.offset) {
          fail(`delta offset ${offset} after ${last.offset} (epoch ${epoch}): not increasing`);
        }
        const upserts = frame.upserts as Row[];
        const deletes = frame.deletes as Row[];
        if (last !== null && last.epoch === epoch && offset > last.offset + 1) {
          this.offsetJumps += 1;
          this.ledger.merged(this.name, epoch, last.offset, offset, upserts, deletes);
        } else {
          this.ledger.exact(this.name, epoch, offset, upserts, deletes);
        }
        for (const row of deletes) this.table.delete(String(row.k));
        for (const row of upserts) this.table.set(String(row.k), row);
        this.deltas += 1;
        this.moveTo(epoch, offset, life);
        return;
      }
      case 'error':
        return fail(`error frame ${JSON.stringify(frame)}`);
      default:
        return;
    }
  }

  private moveTo(epoch: string, offset: number, life: number): void {
    this.position = { epoch, offset };
    this.positionLife = life;
  }
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['vane.v1']);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', () => reject(new Error('handshake refused')));
    ws.once('error', (error) => reject(error));
    ws.on('error', () => undefined);
  });
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** An SDK producer that can pause (its in-flight publish still completes, resent if need be). */
class Producer {
  readonly client: VaneClient;
  readonly acked = new Map<string, Tick>();
  readonly failures: string[] = [];
  paused = false;
  inFlight: Promise<void> | null = null;
  private sentHook: (() => void) | null = null;
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();
  private batches = 0;

  constructor(
    url: string,
    private readonly random: () => number,
  ) {
    this.client = connect(url, {
      WebSocket,
      reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
      requestTimeoutMs: SETTLE_TIMEOUT_MS,
      onError: () => {},
    });
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  /** Resolves right after the next batch is handed to the client. */
  nextSend(): Promise<void> {
    return new Promise((resolve) => (this.sentHook = resolve));
  }

  /** Resolves once nothing is in flight. */
  async settle(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
  }

  private async run(): Promise<void> {
    while (!this.stopping && this.failures.length === 0) {
      if (this.paused) {
        await sleep(10);
        continue;
      }
      const publish = this.publishOne();
      this.inFlight = publish;
      await publish;
      this.inFlight = null;
      await sleep(PACE_MS);
    }
  }

  private async publishOne(): Promise<void> {
    const batchNo = this.batches++;
    const nowMs = Date.now();
    const events: Tick[] = Array.from({ length: BATCH_EVENTS }, (_, i) => ({
      id: `b${batchNo}-${i}`,
      k: `key${String(Math.floor(this.random() * KEYS)).padStart(2, '0')}`,
      x: Math.floor(this.random() * 1000),
      ts: nowMs,
    }));
    try {
      const ack = this.client.publish(STREAM, events);
      const hook = this.sentHook;
      this.sentHook = null;
      hook?.();
      const answer = await ack;
      if (answer.accepted + answer.duplicates !== events.length) {
        this.failures.push(`batch ${batchNo}: ack ${JSON.stringify(answer)}`);
        return;
      }
      for (const event of events) this.acked.set(event.id, event);
    } catch (error) {
      this.failures.push(`batch ${batchNo}: ${String(error)}`);
    }
  }
}

/**
 * An SDK LiveTable, with the frames its client receives tapped (through the WebSocket class the
 * SDK is given) so the same epoch rules can be checked; the SDK itself checks seq (a gap is a
 * `reset` event, counted as a violation).
 */
class SdkSubscriber {
  readonly violations: string[] = [];
  readonly client: VaneClient;
  readonly table: LiveTable<Row>;
  /** `subscribed` frames: recovered and epoch, with the server life they came in. */
  readonly answers: { recovered: boolean; epoch: string; life: number }[] = [];
  snapshotFrames = 0;

  constructor(
    readonly name: string,
    url: string,
    private readonly world: World,
  ) {
    const onFrame = (frame: Record<string, unknown>) => this.tap(frame);
    class TappedWebSocket extends WebSocket {
      constructor(address: string, protocols: string[]) {
        super(address, protocols);
        this.on('message', (data: WebSocket.RawData) => {
          onFrame(JSON.parse(rawText(data)) as Record<string, unknown>);
        });
      }
    }
    this.client = connect(url, {
      WebSocket: TappedWebSocket,
      reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
      onError: (error) => this.violations.push(`${name}: client error ${error.message}`),
    });
    this.table = this.client.subscribe(VIEW);
    this.table.on('reset', () => this.violations.push(`${name}: reset (a seq gap)`));
    this.table.on('error', (error) =>
      this.violations.push(`${name}: subscription error ${error.message}`),
    );
  }

  /** Resubscribed since `answersBefore` answers: recovered, or the fresh snapshot is in. */
  resubscribedSince(answersBefore: number, snapshotsBefore: number): boolean {
    const last = this.answers.at(-1);
    if (this.answers.length <= answersBefore || last === undefined) return false;
    return last.recovered || this.snapshotFrames > snapshotsBefore;
  }

  private tap(frame: Record<string, unknown>): void {
    if (frame.type === 'snapshot') this.snapshotFrames += 1;
    if (frame.type !== 'subscribed') return;
    const answer = {
      recovered: frame.recovered === true,
      epoch: String(frame.epoch),
      life: this.world.life,
    };
    const previous = this.answers.at(-1);
    this.answers.push(answer);
    if (previous === undefined) return;
    if (answer.recovered && answer.epoch !== previous.epoch) {
      this.violations.push(`${this.name}: recovered: true in a new epoch ${answer.epoch}`);
    }
    if (!answer.recovered && answer.life !== previous.life && answer.epoch === previous.epoch) {
      this.violations.push(
        `${this.name}: after a restart: recovered: false but the epoch ${answer.epoch} is the old one`,
      );
    }
  }
}

describe('200 subscribers across kill -9 (resume with epoch and offset)', () => {
  const cleanups = new Cleanups();
  afterAll(() => cleanups.run());

  it(
    `keeps every subscriber gap-free or freshly snapshotted over ${ITERATIONS} kill -9 cycles`,
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
      const url = server.wsUrl;
      const port = server.port;
      const world: World = { life: 0, killing: false };
      const ledger = new DeltaLedger();

      const producer = new Producer(url, mulberry32(SEED + 1));
      cleanups.add(() => producer.client.close());
      producer.start();

      const raw = Array.from(
        { length: RAW_SUBSCRIBERS },
        (_, i) => new RawSubscriber(`raw${i}`, world, ledger),
      );
      cleanups.add(() => {
        for (const subscriber of raw) subscriber.close();
      });
      await withDeadline(
        Promise.all(raw.map((subscriber) => subscriber.subscribe(url, SETTLE_TIMEOUT_MS))),
        SETTLE_TIMEOUT_MS,
        'the first subscriptions',
      );
      const sdk = Array.from(
        { length: SDK_SUBSCRIBERS },
        (_, i) => new SdkSubscriber(`sdk${i}`, url, world),
      );
      cleanups.add(() => {
        for (const subscriber of sdk) subscriber.client.close();
      });
      await withDeadline(
        Promise.all(sdk.map((subscriber) => subscriber.table.ready)),
        SETTLE_TIMEOUT_MS,
        'the SDK tables',
      );

      /** Wrong live state (recovery) and wrong subscriber state, kept apart in the report. */
      const viewProblems: string[] = [];
      const subscriberProblems: string[] = [];
      const violations = () => [
        ...raw.flatMap((subscriber) => subscriber.violations),
        ...sdk.flatMap((subscriber) => subscriber.violations),
      ];

      /**
       * Quiet: nothing published for a while. The view must hold what the acknowledged events
       * make, and each table of `current` (clients subscribed in this server life) must be it.
       */
      const checkQuiet = async (when: string, current: RawSubscriber[]): Promise<ViewState> => {
        // Nothing new is published, and what was is acknowledged (and so applied), before looking.
        producer.paused = true;
        await withDeadline(producer.settle(), SETTLE_TIMEOUT_MS, `${when}: the last publish`);
        await sleep(QUIET_MS);
        const live = await readView(server.baseUrl, VIEW);
        viewProblems.push(
          ...diffRows(`live view ${when}`, live.rows, expectedRows(producer.acked.values()), KEY, {
            maxListed: 5,
          }),
        );
        const differing: string[] = [];
        for (const subscriber of current) {
          const rows = [...subscriber.table.values()];
          const diff = diffRows(`${subscriber.name} ${when}`, rows, live.rows, KEY, {
            maxListed: 3,
          });
          differing.push(...diff);
          if (diff.length === 0 && subscriber.position?.epoch !== live.epoch) {
            differing.push(
              `${subscriber.name} ${when}: at epoch ${subscriber.position?.epoch}, live ${live.epoch}`,
            );
          }
        }
        for (const subscriber of sdk) {
          const rows = subscriber.table.rows();
          differing.push(
            ...diffRows(`${subscriber.name} ${when}`, rows, live.rows, KEY, { maxListed: 3 }),
          );
        }
        if (differing.length > 0) {
          subscriberProblems.push(
            `${when}: ${differing.length} differences between tables and the live view, first:`,
            ...differing.slice(0, 10),
          );
        }
        return live;
      };

      await checkQuiet('before any kill (after the first snapshots)', raw);
      producer.paused = false;
      const summary: string[] = [];
      for (let cycle = 0; cycle < ITERATIONS; cycle++) {
        // Some subscribers leave and resume while the server runs: recovered: true expected.
        await sleep(PRODUCE_MS.min + random() * (PRODUCE_MS.max - PRODUCE_MS.min));
        const leaving = pickSome(raw, VOLUNTARY_RECONNECTS, random);
        await withDeadline(
          Promise.all(leaving.map((subscriber) => subscriber.reconnect(url, SETTLE_TIMEOUT_MS))),
          SETTLE_TIMEOUT_MS,
          `cycle ${cycle}: voluntary reconnects`,
        );
        const sameLifeRecovered = leaving.filter((s) => s.lastRecord?.recovered === true).length;

        // Kill -9 right after a batch went out, then stop producing new ones (the one in flight
        // is resent by the SDK after the restart).
        await sleep(PRODUCE_MS.min + random() * (PRODUCE_MS.max - PRODUCE_MS.min));
        await withDeadline(producer.nextSend(), SETTLE_TIMEOUT_MS, 'a publish to kill after');
        producer.paused = true;
        const epochBefore = raw[0]!.position?.epoch;
        const sdkAnswers = sdk.map((subscriber) => subscriber.answers.length);
        const sdkSnapshots = sdk.map((subscriber) => subscriber.snapshotFrames);
        world.killing = true;
        const killedAt = performance.now();
        const exit = await server.kill(EXIT_TIMEOUT_MS);
        expect(exit.signal, `cycle ${cycle}: the server died of the kill`).toBe('SIGKILL');
        world.life += 1;
        // Half of the raw clients resubscribe at once (they retry until the server is back).
        const eager = raw.filter((_, i) => (i + cycle) % 2 === 0);
        const patient = raw.filter((_, i) => (i + cycle) % 2 === 1);
        const eagerDone = Promise.all(
          eager.map((subscriber) =>
            subscriber.subscribe(url, START_TIMEOUT_MS + SETTLE_TIMEOUT_MS),
          ),
        );
        eagerDone.catch(() => undefined);
        server = await serve(port);
        world.killing = false;
        const restartMs = Math.round(performance.now() - killedAt);
        await withDeadline(
          producer.settle(),
          SETTLE_TIMEOUT_MS,
          'the publish in flight at the kill',
        );
        await withDeadline(eagerDone, SETTLE_TIMEOUT_MS, `cycle ${cycle}: eager resubscribes`);
        await until(
          () =>
            sdk.every((subscriber, i) =>
              subscriber.resubscribedSince(sdkAnswers[i]!, sdkSnapshots[i]!),
            ),
          SETTLE_TIMEOUT_MS,
          'the SDK tables to resubscribe after the restart',
        );
        expect(producer.failures, server.recentOutput).toEqual([]);

        // Quiet now: the live view after the restart must hold every acknowledged event.
        const live = await checkQuiet(`after restart ${cycle + 1} (eager resubscribers)`, eager);
        if (live.epoch === epochBefore) {
          subscriberProblems.push(
            `restart ${cycle + 1}: the view's epoch ${live.epoch} did not change across the restart`,
          );
        }
        // The patient half resubscribes into the quiet view: the snapshot must be the live view.
        await withDeadline(
          Promise.all(patient.map((subscriber) => subscriber.subscribe(url, SETTLE_TIMEOUT_MS))),
          SETTLE_TIMEOUT_MS,
          `cycle ${cycle}: patient resubscribes`,
        );
        const snapshotProblems: string[] = [];
        for (const subscriber of patient) {
          const record = subscriber.lastRecord!;
          if (record.recovered === true) continue; // checked as deltas + table equality below
          const snapshot = record.snapshot;
          if (snapshot === undefined) {
            snapshotProblems.push(`${subscriber.name}: recovered: false and no snapshot`);
            continue;
          }
          if (record.epoch !== live.epoch || snapshot.offset !== live.offset) {
            snapshotProblems.push(
              `${subscriber.name}: snapshot at ${record.epoch}/${snapshot.offset}, quiet live view ` +
                `at ${live.epoch}/${live.offset}`,
            );
          }
          snapshotProblems.push(
            ...diffRows(
              `${subscriber.name} snapshot after restart ${cycle + 1}`,
              snapshot.rows,
              live.rows,
              KEY,
              {
                maxListed: 3,
              },
            ),
          );
        }
        if (snapshotProblems.length > 0) {
          subscriberProblems.push(
            `restart ${cycle + 1}: ${snapshotProblems.length} snapshot problems, first:`,
            ...snapshotProblems.slice(0, 10),
          );
        }
        const after = await checkQuiet(`after restart ${cycle + 1} (all resubscribed)`, raw);
        if (after.offset !== live.offset || after.epoch !== live.epoch) {
          subscriberProblems.push(
            `restart ${cycle + 1}: the view moved while quiet (${live.epoch}/${live.offset} → ` +
              `${after.epoch}/${after.offset})`,
          );
        }
        const resumed = [...eager, ...patient].map((subscriber) => subscriber.lastRecord!);
        const recoveredTrue = resumed.filter((record) => record.recovered === true).length;
        summary.push(
          `cycle ${cycle}: ${sameLifeRecovered}/${leaving.length} same-life resumes recovered; ` +
            `restart ${restartMs} ms kill-to-ready; after it ${recoveredTrue} recovered: true, ` +
            `${resumed.length - recoveredTrue} recovered: false + snapshot; live view ` +
            `${live.rows.length} rows at ${live.epoch}/${live.offset}, ${producer.acked.size} events acked`,
        );
        console.log(`subscribers-restart ${summary.at(-1)}`);
        producer.paused = false;
      }

      await sleep(PRODUCE_MS.min);
      await producer.stop();
      expect(producer.failures).toEqual([]);
      const final = await checkQuiet('at the end', raw);
      const deltas = raw.reduce((sum, subscriber) => sum + subscriber.deltas, 0);
      const { merged, unverifiable } = ledger.verify();
      console.log(
        `subscribers-restart: seed ${SEED}, ${RAW_SUBSCRIBERS} raw + ${SDK_SUBSCRIBERS} SDK ` +
          `subscribers, ${ITERATIONS} kill -9 cycles, ${producer.acked.size} events acked, final ` +
          `view ${final.rows.length} rows; raw clients applied ${deltas} deltas (${merged} merged ` +
          `by the server, ${unverifiable} merged batches no client got alone); SDK clients got ` +
          `${sdk.reduce((sum, s) => sum + s.snapshotFrames, 0)} snapshots`,
      );
      // All three together, so a failure shows whether the recovered state, the subscribers, or
      // both are wrong.
      expect({
        'protocol violations seen by the subscribers': [...violations(), ...ledger.problems],
        'subscriber tables and snapshots against the live view': subscriberProblems,
        'the live view against the acknowledged events (the state recovered after kill -9)':
          viewProblems,
      }).toEqual({
        'protocol violations seen by the subscribers': [],
        'subscriber tables and snapshots against the live view': [],
        'the live view against the acknowledged events (the state recovered after kill -9)': [],
      });
    },
    60_000 + ITERATIONS * 30_000,
  );
});

/** `count` distinct items of `list`, chosen with `random`. */
function pickSome<T>(list: readonly T[], count: number, random: () => number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}
