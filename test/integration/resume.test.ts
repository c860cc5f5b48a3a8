/**
 * Resume (SPEC §4): a subscriber that left at (epoch, offset) and comes back with `resume` gets
 * exactly the deltas it missed, in order; a resume the history cannot answer gets a fresh snapshot
 * of the live state. And the SDK's own reconnect path ends equal to the view.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type WebSocketConstructor } from '../../src/client/index.ts';
import type {
  DeltaFrame,
  ErrorFrame,
  ServerFrame,
  SnapshotFrame,
  SubscribedFrame,
} from '../../src/protocol/index.ts';
import {
  eventually,
  http,
  prng,
  RawClient,
  replay,
  startProxy,
  startTestServer,
  Table,
  viewState,
  type TestServer,
} from './helpers.ts';

const KEY = ['k'];

/** The server's clock runs `skewMs` ahead of the system's; moving it ages the view history. */
let skewMs = 0;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(
    {
      initSql: `
        CREATE STREAM counters (k STRING, v BIGINT, ts TIMESTAMP) WITH (timestamp = 'ts');
        CREATE VIEW totals WITH (emit_interval = '1ms') AS
          SELECT k, sum(v) AS total, count(*) AS n, last(v) AS last_v
          FROM counters GROUP BY k
          HAVING last(v) >= 0;`,
    },
    { now: () => Date.now() + skewMs },
  );
});

afterAll(async () => {
  await server.stop();
});

/** Publishes and waits for the emission it causes at the observer (one emission per call). */
async function change(observer: RawClient, events: Record<string, unknown>[]): Promise<DeltaFrame> {
  const from = observer.frames.length;
  const ack = await observer.request({ type: 'publish', stream: 'counters', events });
  expect(ack.type).toBe('ack');
  return (await observer.waitFor(
    (frame) => frame.type === 'delta' && frame.sub === 'all',
    5_000,
    from,
  )) as DeltaFrame;
}

const isSnapshot = (sub: string) => (frame: ServerFrame) =>
  frame.type === 'snapshot' && frame.sub === sub;

describe('resume over a raw WebSocket', () => {
  it('recovers exactly the 500 missed deltas, and falls back to a snapshot when it cannot', async () => {
    const observer = await RawClient.open(server.wsUrl);
    const first = await RawClient.open(server.wsUrl);
    const random = prng(7);
    const key = (): string => `key${Math.floor(random() * 20)}`;
    // Now and then a negative value: HAVING drops the row (a delete), a later one brings it back.
    // The last event is never negative, so every batch changes a visible row: one emission each.
    const events = (): Record<string, unknown>[] => [
      ...Array.from({ length: Math.floor(random() * 3) }, () => ({
        k: key(),
        v: random() < 0.3 ? -1 : Math.floor(random() * 10),
        ts: 0,
      })),
      { k: key(), v: Math.floor(random() * 10), ts: 0 },
    ];
    let second: RawClient | undefined;
    try {
      await observer.subscribe({ id: 'all', view: 'totals' });
      await observer.waitFor(isSnapshot('all'));
      for (let i = 0; i < 5; i++) await change(observer, events());

      const subscribed = (await first.subscribe({ id: 'mine', view: 'totals' })) as SubscribedFrame;
      await first.waitFor(isSnapshot('mine'));
      const synced = await change(observer, events());
      await first.waitFor((frame) => frame.type === 'delta' && frame.offset === synced.offset);
      const before = replay(first.dataFor('mine'), KEY);
      expect(before.problems).toEqual([]);
      const epoch = subscribed.epoch;
      const offset = before.lastOffset;
      expect(offset).toBe(synced.offset);
      await first.shut();

      // 500 emissions while it is away, one per publish.
      const missed: DeltaFrame[] = [];
      for (let i = 0; i < 500; i++) missed.push(await change(observer, events()));
      expect(missed.map((delta) => delta.offset)).toEqual(
        Array.from({ length: 500 }, (_, i) => offset + 1 + i),
      );
      expect(missed.some((delta) => delta.deletes.length > 0)).toBe(true);

      second = await RawClient.open(server.wsUrl);
      const resumed = (await second.subscribe({
        id: 'mine',
        view: 'totals',
        resume: { epoch, offset },
      })) as SubscribedFrame;
      expect(resumed).toMatchObject({ type: 'subscribed', recovered: true, epoch, key: KEY });
      const last = missed.at(-1)!.offset;
      await second.waitFor((frame) => frame.type === 'delta' && frame.offset === last);
      const frames = second.dataFor('mine') as DeltaFrame[];
      expect(frames.some((frame) => frame.type !== 'delta')).toBe(false);
      // Exactly the missed deltas: seq from 1, offsets contiguous, the same rows, in order,
      // nothing repeated, nothing merged.
      expect(frames.map((frame) => frame.seq)).toEqual(missed.map((_, i) => i + 1));
      expect(frames.map((frame) => frame.offset)).toEqual(missed.map((delta) => delta.offset));
      expect(frames.map((frame) => [frame.upserts, frame.deletes])).toEqual(
        missed.map((delta) => [delta.upserts, delta.deletes]),
      );
      const after = replay(frames, KEY, {
        table: before.table,
        lastOffset: offset,
        snapshotFirst: false,
      });
      expect(after.problems).toEqual([]);
      const live = await viewState(server.url, 'totals', KEY);
      expect(live.offset).toBe(last);
      expect(after.table.sorted()).toEqual(live.rows);

      // Resumed at the current offset: recovered, and nothing to send until the next change.
      const current = await second.subscribe({
        id: 'now',
        view: 'totals',
        resume: { epoch, offset: last },
      });
      expect(current).toMatchObject({ recovered: true });
      expect((await second.request({ type: 'ping' })).type).toBe('pong');
      expect(second.dataFor('now')).toEqual([]);

      // A wrong epoch: a fresh snapshot equal to the live state.
      const wrong = await second.subscribe({
        id: 'epoch',
        view: 'totals',
        resume: { epoch: 'not-the-epoch', offset },
      });
      expect(wrong).toMatchObject({ recovered: false, epoch });
      const wrongSnapshot = (await second.waitFor(isSnapshot('epoch'))) as SnapshotFrame;
      expect(wrongSnapshot.offset).toBe(live.offset);
      expect(new Table(KEY).replaceAndSort(wrongSnapshot.rows)).toEqual(live.rows);

      // An offset from the future is not in the history either.
      const future = await second.subscribe({
        id: 'future',
        view: 'totals',
        resume: { epoch, offset: last + 1_000 },
      });
      expect(future).toMatchObject({ recovered: false });
      await second.waitFor(isSnapshot('future'));

      // The history keeps five minutes of batches: age it past that, and the old offset is gone.
      skewMs += 301_000;
      const aged = await change(observer, events());
      const old = await second.subscribe({
        id: 'old',
        view: 'totals',
        resume: { epoch, offset },
      });
      expect(old).toMatchObject({ recovered: false, epoch });
      const oldSnapshot = (await second.waitFor(isSnapshot('old'))) as SnapshotFrame;
      const liveNow = await viewState(server.url, 'totals', KEY);
      expect(oldSnapshot.offset).toBe(aged.offset);
      expect(liveNow.offset).toBe(aged.offset);
      expect(new Table(KEY).replaceAndSort(oldSnapshot.rows)).toEqual(liveNow.rows);
      // While the batch appended after the jump is still there.
      const recent = await second.subscribe({
        id: 'recent',
        view: 'totals',
        resume: { epoch, offset: aged.offset - 1 },
      });
      expect(recent).toMatchObject({ recovered: true });
      const recentDelta = (await second.waitFor(
        (frame) => frame.type === 'delta' && frame.sub === 'recent',
      )) as DeltaFrame;
      expect(recentDelta).toMatchObject({ seq: 1, offset: aged.offset, upserts: aged.upserts });
      expect(second.frames.filter((frame): frame is ErrorFrame => frame.type === 'error')).toEqual(
        [],
      );
    } finally {
      skewMs = 0;
      await observer.shut();
      await first.shut();
      await second?.shut();
    }
  });
});

describe('the SDK reconnects and resumes', () => {
  it('ends equal to the view after its socket is cut, without a fresh snapshot', async () => {
    const proxy = await startProxy(server.server.port);
    const states: string[] = [];
    const client = connect(proxy.wsUrl, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      reconnect: { initialDelayMs: 200, maxDelayMs: 400, jitter: 0 },
      onStateChange: (state) => states.push(state),
    });
    const post = async (k: string, v: number): Promise<void> => {
      const answer = await http('POST', `${server.url}/v1/streams/counters/events`, {
        body: [{ k, v, ts: 0 }],
      });
      expect(answer.status).toBe(200);
    };
    const equalToView = async (): Promise<boolean> => {
      const live = await viewState(server.url, 'totals', KEY);
      return (
        JSON.stringify(new Table(KEY).replaceAndSort(table.rows())) === JSON.stringify(live.rows)
      );
    };
    const table = client.subscribe('totals');
    try {
      await table.ready;
      let snapshots = 0;
      table.on('change', (change) => {
        if (change.snapshot) snapshots += 1;
      });
      for (let i = 0; i < 20; i++) await post(`sdk${i % 5}`, i);
      expect(await eventually(equalToView)).toBe(true);

      for (let round = 0; round < 2; round++) {
        const opened = states.filter((state) => state === 'open').length;
        proxy.cut();
        expect(await eventually(() => states.at(-1) === 'reconnecting', 2_000)).toBe(true);
        // Changes while the SDK is away, including a row leaving the view (HAVING).
        for (let i = 0; i < 30; i++) await post(`sdk${i % 7}`, round * 100 + i);
        await post('sdk3', -1);
        expect(await eventually(() => states.filter((s) => s === 'open').length > opened)).toBe(
          true,
        );
        expect(await eventually(equalToView)).toBe(true);
        expect(table.get('sdk3')).toBeUndefined();
      }
      // Both reconnects resumed: the only snapshot is the first one, before the listener.
      expect(snapshots).toBe(0);
      expect(proxy.connections).toBe(1);
    } finally {
      client.close();
      await proxy.close();
    }
  });
});

describe('a configured history size', () => {
  it('keeps only history.maxBatches batches per view for resume', async () => {
    const small = await startTestServer({
      history: { maxBatches: 3 },
      initSql: `
        CREATE STREAM counters (k STRING, v BIGINT, ts TIMESTAMP) WITH (timestamp = 'ts');
        CREATE VIEW totals WITH (emit_interval = '1ms') AS
          SELECT k, sum(v) AS total, count(*) AS n, last(v) AS last_v
          FROM counters GROUP BY k HAVING last(v) >= 0;`,
    });
    const observer = await RawClient.open(small.wsUrl);
    try {
      const subscribed = (await observer.subscribe({
        id: 'all',
        view: 'totals',
      })) as SubscribedFrame;
      await observer.waitFor(isSnapshot('all'));
      const offsets: number[] = [];
      for (let i = 0; i < 6; i++)
        offsets.push((await change(observer, [{ k: 'a', v: i, ts: 0 }])).offset);
      const resumeAt = async (id: string, offset: number) =>
        (await observer.subscribe({
          id,
          view: 'totals',
          resume: { epoch: subscribed.epoch, offset },
        })) as SubscribedFrame;
      // The last three batches are kept: resuming just before them recovers...
      expect(await resumeAt('kept', offsets[2]!)).toMatchObject({ recovered: true });
      // ...one batch earlier is gone.
      expect(await resumeAt('gone', offsets[1]!)).toMatchObject({ recovered: false });
    } finally {
      await observer.shut();
      await small.stop();
    }
  });
});
