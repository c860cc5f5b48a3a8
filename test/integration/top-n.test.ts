/**
 * Top-N over a view of 1,000 changing keys: an SDK subscriber (and a raw one, for seq continuity)
 * with `limit: 10, order_by: [['n', 'desc']]` ends every round equal to a fresh
 * `SELECT … ORDER BY n DESC, player LIMIT 10`. Counts tie often; the hub breaks ties by the key
 * ascending (docs/protocol.md, Top-N), which is the query's second sort column.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type LiveTable, type WebSocketConstructor } from '../../src/client/index.ts';
import type { SubscribedFrame } from '../../src/protocol/index.ts';
import {
  eventually,
  http,
  prng,
  RawClient,
  replay,
  selectRows,
  startTestServer,
  viewState,
  type TestServer,
} from './helpers.ts';

const KEYS = 1_000;
const TOP_QUERY = 'SELECT * FROM scores ORDER BY n DESC, player LIMIT 10';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    initSql: `
      CREATE STREAM plays (player STRING, points BIGINT, ts TIMESTAMP) WITH (timestamp = 'ts');
      CREATE VIEW scores WITH (emit_interval = '10ms') AS
        SELECT player, count(*) AS n, sum(points) AS total FROM plays GROUP BY player;`,
  });
});

afterAll(async () => {
  await server.stop();
});

const player = (index: number): string => `p${String(index).padStart(4, '0')}`;

function byRank(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const byN = (b['n'] as number) - (a['n'] as number);
  if (byN !== 0) return byN;
  return (a['player'] as string) < (b['player'] as string) ? -1 : 1;
}

async function post(events: Record<string, unknown>[]): Promise<void> {
  const answer = await http('POST', `${server.url}/v1/streams/plays/events`, { body: events });
  expect(answer.status).toBe(200);
}

it('keeps the top 10 of 1,000 changing keys equal to the snapshot query, round after round', async () => {
  // Every key exists before anyone subscribes.
  await post(Array.from({ length: KEYS }, (_, i) => ({ player: player(i), points: 1, ts: i })));
  await expect.poll(async () => (await viewState(server.url, 'scores')).rows.length).toBe(KEYS);

  const client = connect(server.wsUrl, { WebSocket: WebSocket as unknown as WebSocketConstructor });
  const raw = await RawClient.open(server.wsUrl);
  try {
    const table: LiveTable<Record<string, unknown>> = client.subscribe('scores', {
      orderBy: [['n', 'desc']],
      limit: 10,
    });
    await table.ready;
    const subscribed = (await raw.subscribe({
      id: 'top',
      view: 'scores',
      order_by: [['n', 'desc']],
      limit: 10,
    })) as SubscribedFrame;
    expect(subscribed).toMatchObject({ type: 'subscribed', key: ['player'], recovered: false });
    await raw.waitFor((frame) => frame.type === 'snapshot');
    expect(table.size).toBe(10);

    const random = prng(20_261_127);
    let roundsWithTies = 0;
    for (let round = 0; round < 6; round++) {
      for (let batch = 0; batch < 8; batch++) {
        const events = Array.from({ length: 150 }, () => {
          // Skewed: a few hot keys climb, many keys move by one and tie.
          const hot = random() < 0.3;
          const index = hot ? Math.floor(random() * 40) : Math.floor(random() * KEYS);
          return { player: player(index), points: Math.floor(random() * 100), ts: round };
        });
        await post(events);
      }
      const expected = async (): Promise<Record<string, unknown>[]> =>
        selectRows(server.url, TOP_QUERY);
      let want: Record<string, unknown>[] = [];
      const settled = await eventually(async () => {
        want = await expected();
        return JSON.stringify([...table.rows()].sort(byRank)) === JSON.stringify(want);
      });
      expect([...table.rows()].sort(byRank), `round ${round}`).toEqual(want);
      expect(settled).toBe(true);
      expect(want).toHaveLength(10);
      // The query's order is the hub's order: n descending, then the key ascending.
      expect([...want].sort(byRank)).toEqual(want);

      if (new Set(want.map((row) => row['n'])).size < want.length) roundsWithTies += 1;

      // The raw subscriber saw gapless frames that build the same ten rows.
      const { table: rawTable, problems } = replay(raw.dataFor('top'), ['player']);
      expect(problems).toEqual([]);
      expect(rawTable.sorted().sort(byRank)).toEqual(want);
    }
    // The tie-break mattered: some rounds had equal counts inside the top 10.
    expect(roundsWithTies).toBeGreaterThan(0);
    // Rows leaving the top were sent as deletes with the key only.
    const deletes = raw
      .dataFor('top')
      .flatMap((frame) => (frame.type === 'delta' ? frame.deletes : []));
    expect(deletes.length).toBeGreaterThan(0);
    for (const row of deletes) expect(Object.keys(row)).toEqual(['player']);
  } finally {
    client.close();
    await raw.shut();
  }
});
