/** SPEC §5: every HTTP route of a real server, successes and typed errors. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  http,
  RawClient,
  runSql,
  startTestServer,
  trade,
  TRADES_SQL,
  viewState,
  type TestServer,
} from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    initSql: `${TRADES_SQL}
      CREATE STREAM readings (device STRING, zone BIGINT, temp DOUBLE, ts TIMESTAMP)
        WITH (timestamp = 'ts');
      CREATE VIEW zone_temp WITH (emit_interval = '10ms') AS
        SELECT device, zone, max(temp) AS hottest, count(*) AS n FROM readings GROUP BY device, zone;`,
  });
});

afterAll(async () => {
  await server.stop();
});

interface ErrorAnswer {
  error: { code: string; message: string; temporary: boolean; line?: number; column?: number };
}

describe('POST /v1/streams/{stream}/events', () => {
  it('takes a JSON array and counts duplicates', async () => {
    const events = [trade('HTTP', 1), trade('HTTP', 2)];
    const first = await http('POST', `${server.url}/v1/streams/trades/events`, { body: events });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 2, duplicates: 0 });
    const again = await http('POST', `${server.url}/v1/streams/trades/events`, {
      body: [...events, trade('HTTP', 3)],
    });
    expect(again.body).toEqual({ accepted: 1, duplicates: 2 });
    await expect
      .poll(async () =>
        (await viewState(server.url, 'last_price')).rows.find((row) => row['symbol'] === 'HTTP'),
      )
      .toMatchObject({ n: 3, price: 3 });
  });

  it('takes NDJSON, skipping blank lines', async () => {
    const lines = [trade('NDJ', 1), trade('NDJ', 2), trade('NDJ', 3)].map((e) => JSON.stringify(e));
    const answer = await http('POST', `${server.url}/v1/streams/trades/events`, {
      raw: `${lines[0]}\n\n${lines[1]}\r\n${lines[2]}\n`,
      contentType: 'application/x-ndjson',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ accepted: 3, duplicates: 0 });
    const unreadable = await http<ErrorAnswer>('POST', `${server.url}/v1/streams/trades/events`, {
      raw: `${lines[0]}\n{oops\n`,
      contentType: 'application/x-ndjson',
    });
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.error).toMatchObject({ code: 'INVALID_EVENT' });
    expect(unreadable.body.error.message).toMatch(/line 2/);
  });

  it('answers 400 with the event index and field for an invalid event', async () => {
    const answer = await http<ErrorAnswer>('POST', `${server.url}/v1/streams/trades/events`, {
      body: [
        trade('BADHTTP', 1),
        trade('BADHTTP', 2),
        trade('BADHTTP', 3),
        { ...trade('X', 1), ts: 'soon' },
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        code: 'INVALID_EVENT',
        message: expect.stringMatching(/^event 3: ts: /) as unknown,
        temporary: false,
      },
    });
    const rows = (await viewState(server.url, 'last_price')).rows;
    expect(rows.some((row) => row['symbol'] === 'BADHTTP')).toBe(false);
  });

  it('answers 413 for a body over the limit and 404 for an unknown stream', async () => {
    const big = [{ ...trade('HUGE', 1), trade_id: 'x'.repeat(270_000) }];
    const tooBig = await http<ErrorAnswer>('POST', `${server.url}/v1/streams/trades/events`, {
      body: big,
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const tooMany = await http<ErrorAnswer>('POST', `${server.url}/v1/streams/trades/events`, {
      body: Array.from({ length: 10_001 }, () => ({})),
    });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const unknown = await http<ErrorAnswer>('POST', `${server.url}/v1/streams/nope/events`, {
      body: [{ a: 1 }],
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_STREAM', temporary: false });
  });
});

describe('POST /v1/sql', () => {
  it('runs statements and returns one result per statement', async () => {
    const answer = await http<{ results: { statement: string; rows?: unknown[] }[] }>(
      'POST',
      `${server.url}/v1/sql`,
      { body: { sql: "SHOW STREAMS; SELECT symbol FROM last_price WHERE symbol = 'HTTP';" } },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.results).toHaveLength(2);
    expect(answer.body.results[1]!.rows).toEqual([{ symbol: 'HTTP' }]);
  });

  it('answers SQL errors with line and column', async () => {
    const answer = await http<ErrorAnswer>('POST', `${server.url}/v1/sql`, {
      body: { sql: 'SELECT *\nFROM nowhere;' },
    });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code: 'UNKNOWN_VIEW', line: 2, column: 6 });
    const syntax = await http<ErrorAnswer>('POST', `${server.url}/v1/sql`, {
      body: { sql: 'SELEC 1' },
    });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error).toMatchObject({ code: 'SQL_SYNTAX', line: 1, column: 1 });
    const noSql = await http<ErrorAnswer>('POST', `${server.url}/v1/sql`, { body: { query: 'x' } });
    expect(noSql.status).toBe(400);
    const exists = await http<ErrorAnswer>('POST', `${server.url}/v1/sql`, {
      body: { sql: 'CREATE STREAM trades (a STRING);' },
    });
    expect(exists.status).toBe(409);
    expect(exists.body.error.code).toBe('ALREADY_EXISTS');
  });

  it('DDL is durable: a restarted server on the same data directory still has it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vane-http-'));
    try {
      const first = await startTestServer({ dataDir });
      try {
        await runSql(
          first.url,
          `CREATE STREAM clicks (page STRING, ts TIMESTAMP) WITH (timestamp = 'ts');
           CREATE VIEW page_hits WITH (emit_interval = '10ms') AS
             SELECT page, count(*) AS hits FROM clicks GROUP BY page;`,
        );
        const published = await http('POST', `${first.url}/v1/streams/clicks/events`, {
          body: [
            { page: '/a', ts: 1 },
            { page: '/a', ts: 2 },
            { page: '/b', ts: 3 },
          ],
        });
        expect(published.body).toEqual({ accepted: 3, duplicates: 0 });
        await expect
          .poll(async () => (await viewState(first.url, 'page_hits')).rows.length)
          .toBe(2);
      } finally {
        await first.stop();
      }
      const second = await startTestServer({ dataDir });
      try {
        const streams = await http<{ streams: { name: string }[] }>(
          'GET',
          `${second.url}/v1/streams`,
        );
        expect(streams.body.streams.map((stream) => stream.name)).toEqual(['clicks']);
        const views = await http<{ views: { name: string }[] }>('GET', `${second.url}/v1/views`);
        expect(views.body.views.map((view) => view.name)).toEqual(['page_hits']);
        await runSql(second.url, 'DROP VIEW page_hits;');
      } finally {
        await second.stop();
      }
      const third = await startTestServer({ dataDir });
      try {
        const views = await http<{ views: { name: string }[] }>('GET', `${third.url}/v1/views`);
        expect(views.body.views).toEqual([]);
      } finally {
        await third.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('catalog and view routes', () => {
  it('GET /v1/streams lists the streams with columns and options', async () => {
    const answer = await http<{ streams: Record<string, unknown>[] }>(
      'GET',
      `${server.url}/v1/streams`,
    );
    expect(answer.status).toBe(200);
    const trades = answer.body.streams.find((stream) => stream['name'] === 'trades');
    expect(trades).toMatchObject({
      name: 'trades',
      timestamp: 'ts',
      id: 'trade_id',
      latenessMs: 3_600_000,
      views: ['last_price'],
    });
    expect(trades!['columns']).toContainEqual({ name: 'price', type: 'DOUBLE' });
    expect(typeof trades!['sql']).toBe('string');
    expect(typeof trades!['retentionMs']).toBe('number');
  });

  it('GET /v1/views lists the views with key, window and emit options', async () => {
    const answer = await http<{ views: Record<string, unknown>[] }>(
      'GET',
      `${server.url}/v1/views`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.views.find((view) => view['name'] === 'zone_temp')).toMatchObject({
      stream: 'readings',
      key: ['device', 'zone'],
      window: 'none',
      emit: 'changes',
      emitIntervalMs: 10,
    });
  });

  it('GET /v1/views/{view} returns rows, epoch and offset, filtered on key columns', async () => {
    const events = [
      { device: 'a', zone: 1, temp: 10, ts: 1 },
      { device: 'a', zone: 2, temp: 20, ts: 2 },
      { device: 'b', zone: 1, temp: 30, ts: 3 },
      { device: 'c', zone: 3, temp: 40, ts: 4 },
    ];
    await http('POST', `${server.url}/v1/streams/readings/events`, { body: events });
    await expect.poll(async () => (await viewState(server.url, 'zone_temp')).rows.length).toBe(4);
    const all = await viewState(server.url, 'zone_temp');
    expect(all.epoch).toMatch(/.+/);
    expect(all.offset).toBeGreaterThan(0);

    const get = async (query: string): Promise<unknown[]> => {
      const answer = await http<{ rows: Record<string, unknown>[] }>(
        'GET',
        `${server.url}/v1/views/zone_temp?${query}`,
      );
      expect(answer.status).toBe(200);
      return answer.body.rows.map((row) => `${String(row['device'])}${String(row['zone'])}`).sort();
    };
    expect(await get('device=a')).toEqual(['a1', 'a2']);
    expect(await get('device=a,b')).toEqual(['a1', 'a2', 'b1']);
    expect(await get('device=a&device=c')).toEqual(['a1', 'a2', 'c3']);
    // BIGINT key compares as a number.
    expect(await get('zone=1')).toEqual(['a1', 'b1']);
    expect(await get('device=a&zone=2')).toEqual(['a2']);
    expect(await get('device=zzz')).toEqual([]);

    const notKey = await http<ErrorAnswer>('GET', `${server.url}/v1/views/zone_temp?hottest=10`);
    expect(notKey.status).toBe(400);
    expect(notKey.body.error.message).toMatch(/not a key column/);
    const unknown = await http<ErrorAnswer>('GET', `${server.url}/v1/views/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('UNKNOWN_VIEW');
  });
});

describe('operations routes', () => {
  it('GET /metrics shows the vane_* metrics moved by activity', async () => {
    const subscriber = await RawClient.open(server.wsUrl);
    try {
      await subscriber.subscribe({ id: 'm', view: 'last_price' });
      await http('GET', `${server.url}/v1/views/nope`);
      const event = trade('MET', 1);
      await http('POST', `${server.url}/v1/streams/trades/events`, { body: [event] });
      await http('POST', `${server.url}/v1/streams/trades/events`, { body: [event] });
      await subscriber.waitFor((frame) => frame.type === 'delta');
      // Gauges copied from the hub refresh about once a second.
      let text = '';
      const value = (series: string): number => {
        const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
        return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
      };
      await expect
        .poll(
          async () => {
            const answer = await http('GET', `${server.url}/metrics`);
            expect(answer.status).toBe(200);
            expect(answer.headers.get('content-type')).toMatch(/text\/plain/);
            text = answer.text;
            return value('vane_subscriptions');
          },
          { timeout: 3_000, interval: 100 },
        )
        .toBe(1);
      expect(value('vane_events_in_total{stream="trades"}')).toBeGreaterThan(0);
      expect(value('vane_changes_out_total{view="last_price"}')).toBeGreaterThan(0);
      expect(value('vane_duplicates_total{stream="trades"}')).toBeGreaterThan(0);
      expect(value('vane_ack_latency_seconds_count')).toBeGreaterThan(0);
      expect(value('vane_connections')).toBe(1);
      expect(value('vane_bytes_out_total')).toBeGreaterThan(0);
      expect(value('vane_queued_bytes')).toBe(0);
      expect(value('vane_slow_consumer_closes_total')).toBe(0);
      expect(value('vane_rejected_total{code="UNKNOWN_VIEW"}')).toBeGreaterThan(0);
      expect(value('vane_process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await subscriber.shut();
    }
  });

  it('GET /healthz and /readyz', async () => {
    const health = await http('GET', `${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ ok: true });
    const ready = await http<{ ready: boolean; checks: Record<string, boolean> }>(
      'GET',
      `${server.url}/readyz`,
    );
    expect(ready.status).toBe(200);
    expect(ready.body.ready).toBe(true);
    expect(Object.values(ready.body.checks).every(Boolean)).toBe(true);
  });

  it('GET / serves the dashboard as HTML', async () => {
    const answer = await http('GET', `${server.url}/`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toMatch(/<html/i);
  });
});
