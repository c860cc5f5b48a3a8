/**
 * `interval: '200ms'`: at most one delta per 200 ms (measured at the client, with slack for
 * timer jitter), holding the latest value of each row, and the subscriber ends equal to the view.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SubscribedFrame } from '../../src/protocol/index.ts';
import {
  eventually,
  http,
  RawClient,
  replay,
  sleep,
  startTestServer,
  trade,
  TRADES_SQL,
  viewState,
  type TestServer,
} from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ initSql: TRADES_SQL });
});

afterAll(async () => {
  await server.stop();
});

it('sends at most one delta per interval and ends equal to the view', async () => {
  const throttled = await RawClient.open(server.wsUrl);
  const eager = await RawClient.open(server.wsUrl);
  try {
    const subscribeSentAt = performance.now();
    const subscribed = (await throttled.subscribe({
      id: 'slow',
      view: 'last_price',
      interval: '200ms',
    })) as SubscribedFrame;
    expect(subscribed.recovered).toBe(false);
    await throttled.waitFor((frame) => frame.type === 'snapshot');
    const snapshotAt =
      throttled.arrivals[throttled.frames.findIndex((f) => f.type === 'snapshot')]!;
    await eager.subscribe({ id: 'fast', view: 'last_price' });

    // About 2.2 s of changes, one batch every ~15 ms, over a handful of symbols.
    const symbols = ['T1', 'T2', 'T3', 'T4', 'T5'];
    const started = performance.now();
    let price = 0;
    while (performance.now() - started < 2_200) {
      price += 1;
      const events = symbols.map((symbol, i) => trade(symbol, price * 10 + i));
      const answer = await http('POST', `${server.url}/v1/streams/trades/events`, { body: events });
      expect(answer.status).toBe(200);
      await sleep(15);
    }

    // The last delta comes within one interval after the last change.
    const live = await viewState(server.url, 'last_price', ['symbol']);
    const settled = await eventually(() => {
      const { table } = replay(throttled.dataFor('slow'), ['symbol']);
      return JSON.stringify(table.sorted()) === JSON.stringify(live.rows);
    }, 2_000);
    const frames = throttled.dataFor('slow');
    const { table, problems } = replay(frames, ['symbol']);
    expect(problems).toEqual([]);
    expect(table.sorted()).toEqual(live.rows);
    expect(settled).toBe(true);

    const times = throttled.frames
      .map((frame, index) => ({ frame, at: throttled.arrivals[index]! }))
      .filter(({ frame }) => frame.type === 'delta' && frame.sub === 'slow')
      .map(({ at }) => at);
    const gaps = times.map((at, i) => at - (i === 0 ? snapshotAt : times[i - 1]!));
    // The server flushes a throttled subscription at least 200 ms after its previous frame, so
    // the k-th delta cannot leave before the subscribe request + k × 200 ms. Arrival times only
    // add delay: this bound holds exactly, whatever the jitter.
    times.forEach((at, k) => {
      expect(
        at - subscribeSentAt,
        `delta ${k + 1} (gaps ${gaps.map(Math.round).join(' ')})`,
      ).toBeGreaterThanOrEqual((k + 1) * 200 - 1);
    });
    // Pairwise: arrival gaps shrink below 200 ms only when the process stalled on the previous
    // frame (the server and the clients share one event loop); 120 ms leaves room for that and
    // is far above what an unthrottled subscription sees here (one delta per ~15 ms).
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(120);
    expect(times.length).toBeGreaterThanOrEqual(6);
    expect(times.length).toBeLessThanOrEqual(12);

    // The same changes reached the unthrottled subscriber as many more, smaller deltas.
    const eagerDeltas = eager.dataFor('fast').filter((frame) => frame.type === 'delta');
    expect(eagerDeltas.length).toBeGreaterThan(times.length * 4);
    expect(replay(eager.dataFor('fast'), ['symbol']).table.sorted()).toEqual(live.rows);
  } finally {
    await throttled.shut();
    await eager.shut();
  }
});
