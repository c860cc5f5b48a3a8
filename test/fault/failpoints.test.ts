/**
 * Fault test of crash recovery at exact points: for each failpoint (`checkpoint.before`,
 * `checkpoint.inside`, `checkpoint.after`, `ingest.after-append`) a server armed with it
 * (VANE_TEST_FAILPOINTS=1, VANE_FAILPOINTS=name@N) takes a fixed input (events with ids, in fixed
 * batches, published one batch at a time) while checkpointing every 200 ms, and SIGKILLs itself
 * at the point. It is restarted without the failpoint on the same data dir, the producer's SDK
 * sends the unacknowledged batch again and the rest of the input follows. The final rows of every
 * view must then be identical to those of an uninterrupted server given the same input.
 *
 * The process must really die of SIGKILL without the test signalling it, so the test cannot pass
 * without the failpoint firing. The batches reach the log in the same order in both runs, so even
 * order-dependent results (first/last, late events, windows closed by the watermark, sketches)
 * must match exactly.
 *
 * FAULT_ITERATIONS / 5 (at least 1) rounds run, each with its own input and its own N per
 * failpoint; FAULT_SEED seeds them.
 */
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type PublishAck } from '../../src/client/index.ts';
import { mulberry32 } from '../oracle/prng.ts';
import {
  Cleanups,
  diffRows,
  positiveInt,
  readView,
  scratchDir,
  type Row,
} from './fault-support.ts';
import {
  describeExit,
  ServerProcess,
  sleep,
  withDeadline,
  type ExitStatus,
} from './server-process.ts';

const ITERATIONS = positiveInt(process.env.FAULT_ITERATIONS, 3);
const SEED = positiveInt(process.env.FAULT_SEED, 0xfa11);
const ROUNDS = Math.max(1, Math.floor(ITERATIONS / 5));
const BATCHES = 80;
const BATCH_EVENTS = 50;
/** Between one batch's ack and the next publish: the input takes about 2 s. */
const PACE_MS = 15;
const CHECKPOINT_INTERVAL_MS = 200;
/** How long an armed server may stay alive after the input is done (checkpoints run on a timer). */
const IDLE_DEATH_WAIT_MS = 3_000;
const START_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 30_000;
/** Longer than every view's emit interval. */
const QUIET_MS = 400;

const STREAM = 'readings';
const DEVICES = 6;
/** Event time of the first event (fixed: the input is the same in every run). */
const T0_MS = Date.UTC(2024, 0, 1);
const EVENT_SPACING_MS = 25;

const SCHEMA_SQL = `
CREATE STREAM readings (id STRING, device STRING, temp DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', id = 'id', lateness = '2s');

CREATE VIEW device_stats AS
  SELECT device, count(*) AS n, sum(temp) AS total, min(temp) AS low, max(temp) AS high,
         first(temp) AS first_temp, last(temp) AS last_temp, avg(temp) AS mean
  FROM readings GROUP BY device;

CREATE VIEW temp_5s AS
  SELECT device, window_start, window_end, count(*) AS n, avg(temp) AS mean,
         stddev(temp) AS sd, approx_percentile(temp, 0.9) AS p90,
         approx_count_distinct(id) AS ids, last(temp) AS last_temp
  FROM TUMBLE(readings, INTERVAL '5' SECOND)
  GROUP BY device, window_start, window_end;

CREATE VIEW temp_hop AS
  SELECT device, window_start, window_end, count(*) AS n, sum(temp) AS total
  FROM HOP(readings, INTERVAL '2' SECOND, INTERVAL '6' SECOND)
  GROUP BY device, window_start, window_end;

CREATE VIEW bursts AS
  SELECT device, window_start, window_end, count(*) AS n, max(temp) AS high
  FROM SESSION(readings, INTERVAL '1' SECOND)
  GROUP BY device, window_start, window_end
  EMIT FINAL;

CREATE VIEW hot_5s AS
  SELECT device, window_start, window_end, avg(temp) AS mean
  FROM TUMBLE(readings, INTERVAL '5' SECOND)
  GROUP BY device, window_start, window_end
  HAVING avg(temp) > 51;
`;
const VIEW_KEYS: Record<string, string[]> = {
  device_stats: ['device'],
  temp_5s: ['device', 'window_start'],
  temp_hop: ['device', 'window_start'],
  bursts: ['device', 'window_start'],
  hot_5s: ['device', 'window_start'],
};

const FAILPOINTS = [
  'checkpoint.before',
  'checkpoint.inside',
  'checkpoint.after',
  'ingest.after-append',
] as const;
type FailpointName = (typeof FAILPOINTS)[number];

type Reading = { id: string; device: string; temp: number; ts: number };

/**
 * The fixed input of one round: devices report in bursts of event time (idle stretches over the
 * session gap), times jitter within the lateness (out of order) and about 1% are later than it
 * (dropped as late, the same way in every run).
 */
function makeInput(seed: number): Reading[][] {
  const random = mulberry32(seed);
  const batches: Reading[][] = [];
  for (let b = 0; b < BATCHES; b++) {
    const batch: Reading[] = [];
    for (let i = 0; i < BATCH_EVENTS; i++) {
      const n = b * BATCH_EVENTS + i;
      const base = T0_MS + n * EVENT_SPACING_MS;
      const awake = Array.from({ length: DEVICES }, (_, d) => d).filter(
        (d) => d === 0 || Math.floor(base / (2_000 + d * 300)) % 3 !== 0,
      );
      const device = awake[Math.floor(random() * awake.length)]!;
      const late = random() < 0.01;
      const jitter = late ? -5_000 : Math.round((random() - 0.5) * 600);
      batch.push({
        id: `r${seed}-${n}`,
        device: `dev${device}`,
        temp: Math.round((40 + device * 2 + random() * 25) * 100) / 100,
        ts: base + jitter,
      });
    }
    batches.push(batch);
  }
  return batches;
}

async function readAllViews(baseUrl: string): Promise<Record<string, Row[]>> {
  const rows: Record<string, Row[]> = {};
  for (const view of Object.keys(VIEW_KEYS)) rows[view] = (await readView(baseUrl, view)).rows;
  return rows;
}

function compareViews(
  what: string,
  actual: Record<string, Row[]>,
  expected: Record<string, Row[]>,
): string[] {
  return Object.entries(VIEW_KEYS).flatMap(([view, key]) =>
    diffRows(`${view} ${what}`, actual[view] ?? [], expected[view] ?? [], key),
  );
}

interface Round {
  index: number;
  input: Reading[][];
  /** The Nth time each failpoint is reached is the one that kills. */
  at: Record<FailpointName, number>;
  reference: Record<string, Row[]> | null;
}

const rounds: Round[] = Array.from({ length: ROUNDS }, (_, index) => {
  // Seeds far apart: mulberry32's first draws from neighbouring seeds are alike.
  const random = mulberry32((SEED ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0);
  const pick = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  return {
    index,
    input: makeInput(SEED * 31 + index),
    at: {
      'checkpoint.before': pick(2, 6),
      'checkpoint.inside': pick(2, 6),
      'checkpoint.after': pick(2, 6),
      'ingest.after-append': pick(BATCHES / 4, (3 * BATCHES) / 4),
    },
    reference: null,
  };
});

describe('recovery at failpoints (SIGKILL inside checkpoints and between append and ack)', () => {
  const cleanups = new Cleanups();
  afterAll(() => cleanups.run());

  const serve = async (
    dataDir: string,
    initFile: string,
    port: number,
    failpoints: string[] = [],
  ): Promise<ServerProcess> => {
    const server = await ServerProcess.start({
      dataDir,
      initFile,
      port,
      readyTimeoutMs: START_TIMEOUT_MS,
      checkpointIntervalMs: CHECKPOINT_INTERVAL_MS,
      failpoints,
    });
    cleanups.add(() => server.forceKill());
    return server;
  };

  beforeAll(async () => {
    // The reference: the same input through a server nobody interrupts.
    for (const round of rounds) {
      const { dir, initFile } = await scratchDir(cleanups, SCHEMA_SQL);
      const server = await serve(join(dir, 'data'), initFile, 0);
      const client = connect(server.wsUrl, { WebSocket, reconnect: false });
      cleanups.add(() => client.close());
      for (const [b, batch] of round.input.entries()) {
        const ack = await withDeadline(
          client.publish(STREAM, batch),
          ACK_TIMEOUT_MS,
          `reference run: ack of batch ${b}`,
        );
        expect(ack, `reference run batch ${b}`).toEqual({ accepted: batch.length, duplicates: 0 });
      }
      client.close();
      await sleep(QUIET_MS);
      round.reference = await readAllViews(server.baseUrl);
      const stopped = await server.stop(EXIT_TIMEOUT_MS);
      expect(stopped, `reference server stop\n${server.recentOutput}`).toEqual({
        code: 0,
        signal: null,
      });
      const rows = Object.values(round.reference).reduce((sum, list) => sum + list.length, 0);
      expect(round.reference.bursts!.length, 'the input closes some sessions').toBeGreaterThan(0);
      expect(round.reference.hot_5s!.length, 'some windows pass HAVING').toBeGreaterThan(0);
      console.log(`failpoints round ${round.index}: reference run gave ${rows} rows in 5 views`);
    }
  }, 120_000);

  for (const round of rounds) {
    for (const failpoint of FAILPOINTS) {
      const armed = `${failpoint}@${round.at[failpoint]}`;
      it(`round ${round.index}: dies at ${armed}, restarts, and ends identical to an uninterrupted run`, async () => {
        expect(round.reference, 'the reference run').not.toBeNull();
        const { dir, initFile } = await scratchDir(cleanups, SCHEMA_SQL);
        const dataDir = join(dir, 'data');
        let server = await serve(dataDir, initFile, 0, [armed]);
        const port = server.port;
        const startedAt = performance.now();

        // The producer: one batch at a time, so the log order is the reference's whatever
        // happens; after the death the SDK sends the unacknowledged batch again by itself.
        const client = connect(server.wsUrl, {
          WebSocket,
          reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
          requestTimeoutMs: ACK_TIMEOUT_MS,
          onError: () => {},
        });
        cleanups.add(() => client.close());
        let inFlight = -1;
        const acks: PublishAck[] = [];
        const producing = (async () => {
          for (const [b, batch] of round.input.entries()) {
            inFlight = b;
            acks.push(await client.publish(STREAM, batch));
            inFlight = -1;
            await sleep(PACE_MS);
          }
        })();
        producing.catch(() => undefined);

        // Wait for the death: during the input, or soon after (checkpoints run on a timer).
        const death = await withDeadline(
          Promise.race([
            server.exited.then((status) => ({ status, batch: inFlight })),
            producing.then(async () => {
              await sleep(IDLE_DEATH_WAIT_MS);
              return null;
            }),
          ]),
          ACK_TIMEOUT_MS + BATCHES * 1_000,
          `the server armed with ${armed} to die or the input to finish`,
        );
        if (death === null) {
          throw new Error(
            `the server armed with VANE_FAILPOINTS=${armed} (VANE_TEST_FAILPOINTS=1) never died: ` +
              `all ${BATCHES} batches were acknowledged and it was still running ` +
              `${IDLE_DEATH_WAIT_MS} ms later (checkpoint interval ${CHECKPOINT_INTERVAL_MS} ms)` +
              `\n--- server output ---\n${server.recentOutput}`,
          );
        }
        const diedAfterMs = Math.round(performance.now() - startedAt);
        const status: ExitStatus = death.status;
        expect(
          status,
          `the server armed with ${armed} killed itself with SIGKILL (it died of ` +
            `${describeExit(status)} after ${diedAfterMs} ms; the test sends no signal)` +
            `\n--- server output ---\n${server.recentOutput}`,
        ).toEqual({ code: null, signal: 'SIGKILL' });
        const ackedBeforeDeath = acks.length;

        const restartStarted = performance.now();
        server = await serve(dataDir, initFile, port);
        const restartMs = Math.round(performance.now() - restartStarted);
        await withDeadline(
          producing,
          ACK_TIMEOUT_MS + BATCHES * 1_000,
          `the rest of the input after the restart\n${server.recentOutput}`,
        );
        client.close();
        expect(acks.length).toBe(BATCHES);
        for (const [b, ack] of acks.entries()) {
          expect(ack.accepted + ack.duplicates, `batch ${b}: ${JSON.stringify(ack)}`).toBe(
            BATCH_EVENTS,
          );
          if (b !== death.batch) {
            expect(ack, `batch ${b} was sent once: all new`).toEqual({
              accepted: BATCH_EVENTS,
              duplicates: 0,
            });
          }
        }
        if (failpoint === 'ingest.after-append') {
          // The Nth append is the Nth batch; it was durable, so its resend is all duplicates.
          expect(death.batch, `the batch in flight when ${armed} fired`).toBe(
            round.at[failpoint] - 1,
          );
          expect(
            acks[death.batch],
            `the resend of batch ${death.batch}, durable before the kill, counts as duplicates`,
          ).toEqual({ accepted: 0, duplicates: BATCH_EVENTS });
        }

        await sleep(QUIET_MS);
        const recovered = await readAllViews(server.baseUrl);
        const stopped = await server.stop(EXIT_TIMEOUT_MS);
        expect(stopped, `graceful stop\n${server.recentOutput}`).toEqual({
          code: 0,
          signal: null,
        });
        console.log(
          `failpoints round ${round.index}: ${armed} killed the server ${diedAfterMs} ms after ` +
            `its start with ${ackedBeforeDeath} of ${BATCHES} batches acknowledged ` +
            `(${death.batch === -1 ? 'none' : `batch ${death.batch}`} in flight); restart took ` +
            `${restartMs} ms; resend acked as ` +
            `${death.batch === -1 ? '-' : JSON.stringify(acks[death.batch])}`,
        );
        expect(
          compareViews(`after dying at ${armed}`, recovered, round.reference!),
          `view rows after a SIGKILL at ${armed} and a restart differ from an uninterrupted run`,
        ).toEqual([]);
      }, 90_000);
    }
  }
});
