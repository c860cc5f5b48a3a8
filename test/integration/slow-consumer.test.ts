/**
 * Slow consumers (SPEC §4): a subscriber that stops reading is closed with 4008 once what is held
 * for it passes the cap (1 MiB), while 200 healthy subscribers of the same view get every change
 * with gapless seqs and end equal to the view.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/protocol/index.ts';
import {
  eventually,
  http,
  RawClient,
  startTestServer,
  Table,
  viewState,
  type TestServer,
} from './helpers.ts';

const KEYS = 2_000;
const HEALTHY = 200;
const SLOW_SUBSCRIPTIONS = 16;
const BODY = 'x'.repeat(1_000);

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    initSql: `
      CREATE STREAM blobs (k STRING, round BIGINT, body STRING, ts TIMESTAMP) WITH (timestamp = 'ts');
      CREATE VIEW latest WITH (emit_interval = '10ms') AS
        SELECT k, last(round) AS round, last(body) AS body, count(*) AS n FROM blobs GROUP BY k;`,
  });
});

afterAll(async () => {
  await server.stop();
});

/** A subscriber that keeps only its table and checks continuity frame by frame. */
interface Healthy {
  client: RawClient;
  table: Table;
  seq: number;
  offset: number;
  problems: string[];
}

function newState(): Healthy {
  return {
    client: undefined as unknown as RawClient,
    table: new Table(['k']),
    seq: 0,
    offset: -1,
    problems: [],
  };
}

function follow(state: Healthy, frame: ServerFrame): void {
  if (frame.type !== 'snapshot' && frame.type !== 'delta') return;
  if (frame.seq !== state.seq + 1) state.problems.push(`seq ${frame.seq} after ${state.seq}`);
  if (frame.offset <= state.offset && frame.type === 'delta') {
    state.problems.push(`offset ${frame.offset} after ${state.offset}`);
  }
  state.seq = frame.seq;
  state.offset = frame.offset;
  if (frame.type === 'snapshot') state.table.replace(frame.rows);
  else state.table.apply(frame);
}

it('closes a stalled subscriber with 4008 and keeps 200 healthy ones whole', async () => {
  const rssBefore = process.memoryUsage().rss;
  const healthy: Healthy[] = [];
  let slow: RawClient | undefined;
  let control: RawClient | undefined;
  const controlSubs = new Map<string, Healthy>();
  try {
    for (let i = 0; i < HEALTHY; i++) {
      const state = newState();
      state.client = await RawClient.open(server.wsUrl, {
        keep: false,
        onFrame: (frame) => follow(state, frame),
      });
      state.client.send({ type: 'subscribe', id: 'h', view: 'latest' });
      healthy.push(state);
    }
    // The stalled client watches the view 16 times over, so it falls behind by 16 times what a
    // healthy one receives: the kernel's socket buffers (several MB on loopback) fill in a couple
    // of rounds instead of twenty. A control client with the same 16 subscriptions keeps
    // reading: it must not be closed, so the 4008 is about not reading, not about volume.
    slow = await RawClient.open(server.wsUrl);
    control = await RawClient.open(server.wsUrl, {
      keep: false,
      onFrame: (frame) => {
        if (frame.type === 'snapshot' || frame.type === 'delta') {
          const state = controlSubs.get(frame.sub)!;
          follow(state, frame);
        }
      },
    });
    for (let i = 0; i < SLOW_SUBSCRIPTIONS; i++) {
      await slow.subscribe({ id: `slow${i}`, view: 'latest' });
      controlSubs.set(`c${i}`, newState());
      control.send({ type: 'subscribe', id: `c${i}`, view: 'latest' });
    }
    await slow.waitFor((frame) => frame.type === 'snapshot' && frame.sub === 'slow15');
    const everyone = (): Healthy[] => [...healthy, ...controlSubs.values()];
    expect(await eventually(() => everyone().every((state) => state.seq === 1))).toBe(true);
    // Stop reading: the kernel buffers fill, then the server's socket buffer, then the hub queue.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    const hub = server.server.node.hub;
    let rounds = 0;
    for (; rounds < 60 && hub.stats().slowConsumerCloses === 0; rounds++) {
      // 250 big rows per round, over 2,000 keys: every emission is ~260 KB per subscriber.
      const events = Array.from({ length: 250 }, (_, i) => ({
        k: `k${(rounds * 250 + i) % KEYS}`,
        round: rounds,
        body: BODY,
        ts: rounds,
      }));
      const answer = await http('POST', `${server.url}/v1/streams/blobs/events`, { body: events });
      expect(answer.status).toBe(200);
      // Let the healthy subscribers take each round before the next (they share this process).
      const marker = JSON.stringify([events.at(-1)!.k]);
      const caughtUp = await eventually(
        () => everyone().every((state) => state.table.rows.get(marker)?.['round'] === rounds),
        10_000,
        5,
      );
      expect(caughtUp, `round ${rounds}: healthy subscribers behind`).toBe(true);
    }
    expect(hub.stats().slowConsumerCloses).toBe(1);
    const rssAfter = process.memoryUsage().rss;

    // The server closed it with 4008; once it reads again it sees the close frame.
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed;
    expect(closed.code).toBe(4008);

    // One more round after the close: the healthy ones still follow.
    const last = Array.from({ length: 100 }, (_, i) => ({
      k: `k${i}`,
      round: -1,
      body: 'end',
      ts: 1_000,
    }));
    const posted = await http('POST', `${server.url}/v1/streams/blobs/events`, { body: last });
    expect(posted.status).toBe(200);
    const settled = await eventually(
      () => everyone().every((state) => state.table.rows.get('["k99"]')?.['body'] === 'end'),
      10_000,
    );
    expect(settled).toBe(true);
    const final = await viewState(server.url, 'latest', ['k']);
    expect(final.rows.some((row) => row['body'] === 'end')).toBe(true);
    const expected = JSON.stringify(final.rows);
    for (const [index, state] of everyone().entries()) {
      expect(state.problems, `subscriber ${index}`).toEqual([]);
      expect(JSON.stringify(state.table.sorted()) === expected, `subscriber ${index}`).toBe(true);
    }
    for (const state of healthy) expect(state.client.closeInfo).toBeNull();
    expect(control.closeInfo).toBeNull();
    const metrics = await http('GET', `${server.url}/metrics`);
    expect(metrics.text).toMatch(/\nvane_slow_consumer_closes_total 1\n/);
    console.info(
      `slow consumer closed after ${rounds} rounds of 250 × 1 KB rows; ` +
        `RSS (server and ${HEALTHY + 1} clients in one process) ${mb(rssBefore)} → ${mb(rssAfter)} MB, ` +
        `${mb(process.memoryUsage().rss)} MB at the end`,
    );
  } finally {
    await slow?.shut();
    await control?.shut();
    await Promise.all(healthy.map((state) => state.client.shut()));
  }
});

const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(0);
