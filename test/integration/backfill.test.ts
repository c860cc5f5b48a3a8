/**
 * CREATE VIEW … WITH (backfill = true) (SPEC §2): a view created after events exist is computed
 * from the retained log, counts every event exactly once even while producers keep publishing
 * during the backfill, and survives a restart; a view without backfill starts from its creation.
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
CREATE STREAM clicks (id STRING, page STRING, ts TIMESTAMP)
  WITH (timestamp = 'ts', id = 'id', lateness = '1h');`;

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vane-backfill-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const base = Date.UTC(2026, 10, 27, 9, 0, 0);

async function post(server: TestServer, from: number, count: number): Promise<void> {
  const events = Array.from({ length: count }, (_, i) => ({
    id: `c${from + i}`,
    page: `/p${(from + i) % 5}`,
    ts: base + (from + i) * 10,
  }));
  const answer = await http('POST', `${server.url}/v1/streams/clicks/events`, { body: events });
  expect(answer.status).toBe(200);
}

async function total(server: TestServer, view: string): Promise<number> {
  const { rows } = await viewState(server.url, view);
  return rows.reduce((sum, row) => sum + (row.n as number), 0);
}

describe('backfill', () => {
  it('computes a new view from the retained log, exactly once, and keeps it across a restart', async () => {
    const first = await startTestServer({ dataDir, initSql: SCHEMA });
    try {
      for (let i = 0; i < 20; i++) await post(first, i * 1_000, 1_000);
      // Producers keep publishing while the views are created.
      const during = (async () => {
        for (let i = 20; i < 30; i++) await post(first, i * 1_000, 1_000);
      })();
      const created = await runSql(
        first.url,
        `CREATE VIEW all_pages WITH (backfill = true, emit_interval = '1ms') AS
           SELECT page, count(*) AS n FROM clicks GROUP BY page;
         CREATE VIEW per_minute WITH (backfill = true, emit_interval = '1ms') AS
           SELECT page, window_start, count(*) AS n
           FROM TUMBLE(clicks, INTERVAL '1' MINUTE) GROUP BY page, window_start;
         CREATE VIEW from_now WITH (emit_interval = '1ms') AS
           SELECT page, count(*) AS n FROM clicks GROUP BY page;`,
      );
      expect(created.results).toHaveLength(3);
      await during;
      expect(await eventually(async () => (await total(first, 'all_pages')) === 30_000)).toBe(true);
      expect(await eventually(async () => (await total(first, 'per_minute')) === 30_000)).toBe(
        true,
      );
      // Without backfill: only what was published after the view existed.
      expect(await total(first, 'from_now')).toBeLessThan(30_000);
    } finally {
      await first.stop();
    }
    const second = await startTestServer({ dataDir, initSql: SCHEMA });
    try {
      expect(await total(second, 'all_pages')).toBe(30_000);
      expect(await total(second, 'per_minute')).toBe(30_000);
      // A resend after the restart is a duplicate.
      await post(second, 0, 1_000);
      await post(second, 30_000, 10);
      expect(await eventually(async () => (await total(second, 'all_pages')) === 30_010)).toBe(
        true,
      );
    } finally {
      await second.stop();
    }
  });

  it('is refused by an engine without an event log', async () => {
    const { createEngine } = await import('../../src/catalog/index.ts');
    const engine = createEngine();
    engine.execute(SCHEMA);
    expect(() =>
      engine.execute(
        `CREATE VIEW v WITH (backfill = true) AS SELECT page, count(*) AS n FROM clicks GROUP BY page`,
      ),
    ).toThrow(/backfill needs the retained event log: the server has one/);
  });
});
