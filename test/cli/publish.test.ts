/** `vane publish` end to end: NDJSON and CSV files into a real server, acks counted, bad lines. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  selectRows,
  startTestServer,
  TRADES_SQL,
  type TestServer,
} from '../integration/helpers.ts';
import { collect, runVane, startVane } from './run-vane.ts';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'vane-cli-publish-'));

beforeAll(async () => {
  server = await startTestServer({
    dev: true,
    initSql: `${TRADES_SQL}
      CREATE STREAM readings (sensor STRING, value DOUBLE, ok BOOLEAN, n BIGINT, ts TIMESTAMP)
        WITH (timestamp = 'ts', lateness = '1h');
      CREATE VIEW sensor_totals WITH (emit_interval = '10ms') AS
        SELECT sensor, count(*) AS n, sum(value) AS total FROM readings GROUP BY sensor;`,
  });
});

afterAll(async () => {
  await server.stop();
});

function tradeLines(count: number, prefix: string): string {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      symbol: i % 2 === 0 ? `${prefix}A` : `${prefix}B`,
      price: 100 + i,
      qty: 1,
      ts: now,
      trade_id: `${prefix}-${i}`,
    }),
  ).join('\n');
}

async function tradeCount(symbols: string[]): Promise<number> {
  const rows = await selectRows(server.url, 'SELECT symbol, n FROM last_price');
  return rows
    .filter((row) => symbols.includes(row.symbol as string))
    .reduce((sum, row) => sum + (row.n as number), 0);
}

describe('vane publish', () => {
  it('sends an NDJSON file in pipelined batches and counts the acks; a resend is all duplicates', async () => {
    const file = join(dir, 'trades.ndjson');
    writeFileSync(file, `${tradeLines(1_234, 'nd')}\n\n`);
    const first = await runVane([
      'publish',
      'trades',
      file,
      '--url',
      server.url,
      '--batch-size',
      '100',
    ]);
    expect(first.stderr).toMatch(/published to trades: 1,234 accepted, 0 duplicates, 0 rejected/);
    expect(first.code).toBe(0);
    const again = await runVane(['publish', 'trades', file, '--url', server.url]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/0 accepted, 1,234 duplicates/);
    await expect.poll(() => tradeCount(['ndA', 'ndB'])).toBe(1_234);
  });

  it('reads stdin, and stops at the first bad line with file:line and exit code 6', async () => {
    const lines = [
      tradeLines(3, 'in'),
      '{"symbol": "inA", "price": "cheap", "ts": 1}',
      tradeLines(2, 'late'),
    ];
    const run = await runVane(['publish', 'trades', '--url', server.url], {
      input: lines.join('\n'),
    });
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(
      /vane publish: <stdin>:4: price: expected a number \(DOUBLE\), got 'cheap'/,
    );
    expect(run.stderr).toMatch(/3 accepted/);
  });

  it('maps an event the server refuses back to its input line', async () => {
    // A lone surrogate passes the local type check but not the server's (it cannot be stored).
    const bad = JSON.stringify({ symbol: 'sv\ud800', price: 1, qty: 1, ts: 1, trade_id: 'sv-x' });
    const file = join(dir, 'server-refused.ndjson');
    writeFileSync(file, [tradeLines(2, 'sv'), bad, tradeLines(1, 'sv2')].join('\n'));
    const strict = await runVane(['publish', 'trades', file, '--url', server.url]);
    expect(strict.code).toBe(6);
    expect(strict.stderr).toMatch(/server-refused\.ndjson:3: symbol: .*\(refused by the server\)/);
    const lenient = await runVane([
      'publish',
      'trades',
      file,
      '--url',
      server.url,
      '--skip-invalid',
    ]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/3 accepted, 0 duplicates, 1 rejected/);
    expect(lenient.stderr).toMatch(/skipped .*server-refused\.ndjson:3: symbol: /);
  });

  it('counts and skips bad lines with --skip-invalid', async () => {
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, [tradeLines(2, 'sk'), 'not json', '[1]', tradeLines(1, 'sk2')].join('\n'));
    const run = await runVane(['publish', 'trades', file, '--url', server.url, '--skip-invalid']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/3 accepted, 0 duplicates, 2 rejected/);
    expect(run.stderr).toMatch(/skipped .*mixed\.ndjson:3: not valid JSON/);
    expect(run.stderr).toMatch(/skipped .*mixed\.ndjson:4: expected a JSON object/);
  });

  it('converts CSV cells to the column types, and names line and column of a bad cell', async () => {
    const file = join(dir, 'readings.csv');
    writeFileSync(
      file,
      [
        'sensor,value,ok,n,ts,extra',
        's1,1.5,true,3,2026-01-01T00:00:00Z,x',
        's1,2.5,false,,1767225600000,y',
        's2,,1,7,2026-01-01T00:00:01.5Z,',
      ].join('\n'),
    );
    const ok = await runVane(['publish', 'readings', file, '--url', server.url]);
    expect(ok.stderr).toMatch(/3 accepted/);
    expect(ok.code).toBe(0);
    await expect
      .poll(() =>
        selectRows(server.url, 'SELECT sensor, n, total FROM sensor_totals ORDER BY sensor'),
      )
      .toEqual([
        { sensor: 's1', n: 2, total: 4 },
        { sensor: 's2', n: 1, total: null },
      ]);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'sensor,value,ts\ns3,1,2026-01-01T00:00:00Z\ns3,abc,2026-01-01T00:00:00Z\n');
    const run = await runVane(['publish', 'readings', bad, '--url', server.url]);
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/bad\.csv:3:2: column value: 'abc' is not a number \(DOUBLE\)/);
  });

  it('sends each CSV line from a live pipe as it arrives, not when the next one does', async () => {
    const child = startVane(
      ['publish', 'readings', '-', '--format', 'csv', '--url', server.url, '--batch-size', '1'],
      { openStdin: true },
    );
    const done = collect(child, 20_000);
    const count = async (sensor: string) =>
      (await selectRows(server.url, 'SELECT sensor, n FROM sensor_totals')).find(
        (row) => row.sensor === sensor,
      )?.n ?? 0;
    child.stdin!.write('sensor,value,ts\n');
    child.stdin!.write('pipe1,1,2026-01-01T00:00:00Z\n');
    // The pipe stays open and quiet: the line must arrive on its own.
    await expect.poll(() => count('pipe1'), { timeout: 10_000 }).toBe(1);
    // A quoted cell across a line break is one record: it waits for its closing quote.
    child.stdin!.write('"pipe2\nsecond line",2,2026-01-01T00:00:00Z\n');
    await expect.poll(() => count('pipe2\nsecond line'), { timeout: 10_000 }).toBe(1);
    child.stdin!.end('pipe1,3,2026-01-01T00:00:00Z');
    const run = await done;
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/3 accepted/);
    expect(await count('pipe1')).toBe(2);
  });

  it('refuses an unknown stream with exit code 5', async () => {
    const run = await runVane(['publish', 'nope', '--url', server.url], { input: '{}' });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(
      /UNKNOWN_STREAM: no stream 'nope'.*streams this token sees: .*trades/,
    );
  });
});
