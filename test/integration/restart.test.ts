/**
 * A graceful restart on the same data dir (issue #4): views come back with exactly their rows,
 * a view created after events existed keeps covering only the events after its creation, the
 * changelog starts a new epoch, and the last checkpoint leaves nothing to replay.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  http,
  runSql,
  startTestServer,
  viewState,
  type TestServer,
} from './helpers.ts';

const SCHEMA = `
CREATE STREAM orders (id STRING, shop STRING, amount DOUBLE, ts TIMESTAMP)
  WITH (timestamp = 'ts', id = 'id', lateness = '1h');
CREATE VIEW by_shop WITH (emit_interval = '1ms') AS
  SELECT shop, count(*) AS n, sum(amount) AS total FROM orders GROUP BY shop;
CREATE VIEW per_minute WITH (emit_interval = '1ms') AS
  SELECT shop, window_start, count(*) AS n
  FROM TUMBLE(orders, INTERVAL '1' MINUTE) GROUP BY shop, window_start;`;

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vane-restart-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function post(server: TestServer, from: number, count: number): Promise<void> {
  const base = Date.UTC(2026, 10, 27, 12, 0, 0);
  const events = Array.from({ length: count }, (_, i) => ({
    id: `o${from + i}`,
    shop: `shop${(from + i) % 7}`,
    amount: ((from + i) % 50) + 0.5,
    ts: base + (from + i) * 900,
  }));
  const answer = await http('POST', `${server.url}/v1/streams/orders/events`, { body: events });
  expect(answer.status).toBe(200);
}

describe('a graceful restart', () => {
  it('brings back every view exactly, in a new epoch', async () => {
    const first = await startTestServer({ dataDir, initSql: SCHEMA });
    type State = Awaited<ReturnType<typeof viewState>>;
    let before: { by_shop: State; per_minute: State; late_view: State };
    try {
      for (let i = 0; i < 10; i++) await post(first, i * 100, 100);
      // A view created after 1,000 events: it covers only what comes after it.
      await runSql(
        first.url,
        `CREATE VIEW late_view WITH (emit_interval = '1ms') AS
           SELECT shop, count(*) AS n FROM orders GROUP BY shop;`,
      );
      await post(first, 1_000, 70);
      const settled = async () =>
        (await viewState(first.url, 'late_view', ['shop'])).rows.reduce(
          (sum, row) => sum + (row.n as number),
          0,
        ) === 70;
      expect(await eventually(settled)).toBe(true);
      before = {
        by_shop: await viewState(first.url, 'by_shop', ['shop']),
        per_minute: await viewState(first.url, 'per_minute', ['shop', 'window_start']),
        late_view: await viewState(first.url, 'late_view', ['shop']),
      };
      expect(before.by_shop.rows.reduce((sum, row) => sum + (row.n as number), 0)).toBe(1_070);
    } finally {
      await first.stop();
    }

    const second = await startTestServer({ dataDir, initSql: SCHEMA });
    try {
      const recovery = second.server.node.lastRecovery;
      expect(recovery.replayedBatches).toBe(0);
      expect(recovery.restored).toBe(4);
      const after = {
        by_shop: await viewState(second.url, 'by_shop', ['shop']),
        per_minute: await viewState(second.url, 'per_minute', ['shop', 'window_start']),
        late_view: await viewState(second.url, 'late_view', ['shop']),
      };
      for (const view of ['by_shop', 'per_minute', 'late_view'] as const) {
        expect(after[view].rows).toEqual(before[view].rows);
        expect(after[view].epoch).not.toBe(before[view].epoch);
      }
      // Resent events are recognised by id across the restart: nothing changes.
      await post(second, 500, 100);
      await post(second, 1_070, 10);
      expect(
        await eventually(
          async () =>
            (await viewState(second.url, 'late_view', ['shop'])).rows.reduce(
              (sum, row) => sum + (row.n as number),
              0,
            ) === 80,
        ),
      ).toBe(true);
      const total = (await viewState(second.url, 'by_shop')).rows.reduce(
        (sum, row) => sum + (row.n as number),
        0,
      );
      expect(total).toBe(1_080);
    } finally {
      await second.stop();
    }
  });
});
