/** `vane tail` end to end: JSON lines for a view's changes and a stream's events, Ctrl-C, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  http,
  runSql,
  startTestServer,
  trade,
  TRADES_SQL,
  type TestServer,
} from '../integration/helpers.ts';
import { collect, runVane, startVane, waitForOutput } from './run-vane.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    dev: true,
    initSql: `${TRADES_SQL}
      CREATE VIEW doomed AS SELECT symbol, count(*) AS n FROM trades GROUP BY symbol;`,
  });
});

afterAll(async () => {
  await server.stop();
});

async function publishTrades(...events: ReturnType<typeof trade>[]): Promise<void> {
  const answer = await http('POST', `${server.url}/v1/streams/trades/events`, { body: events });
  expect(answer.status).toBe(200);
}

function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

describe('vane tail', () => {
  it("prints a view's snapshot and changes as JSON lines, filtered, and exits 0 on Ctrl-C", async () => {
    await publishTrades(trade('TA', 10));
    const child = startVane(['tail', 'last_price', '--url', server.url, '--where', 'symbol=TA']);
    const done = collect(child);
    await waitForOutput(child, (out) => out.includes('"symbol":"TA"'));
    await publishTrades(trade('TB', 1), trade('TA', 11));
    await waitForOutput(child, (text) => text.includes('"price":11'));
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout) as { op: string; row: Record<string, unknown> }[];
    expect(lines[0]).toEqual({ op: 'upsert', row: { symbol: 'TA', price: 10, volume: 1, n: 1 } });
    expect(lines.at(-1)).toEqual({
      op: 'upsert',
      row: { symbol: 'TA', price: 11, volume: 2, n: 2 },
    });
    expect(run.stdout).not.toContain('TB');
  });

  it("prints a stream's events as JSON lines", async () => {
    const child = startVane(['tail', 'trades', '--url', server.url, '--where', 'symbol=SX']);
    const done = collect(child);
    let price = 0;
    const ticker = setInterval(() => void publishTrades(trade('SX', ++price), trade('SY', 0)), 100);
    try {
      await waitForOutput(child, (out) => out.split('\n').length > 2);
    } finally {
      clearInterval(ticker);
    }
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(0);
    const events = jsonLines(run.stdout) as { symbol: string; price: number }[];
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((event) => event.symbol === 'SX')).toBe(true);
  });

  it('says which names exist for an unknown one, exit code 5; 5 too when the view is dropped', async () => {
    const unknown = await runVane(['tail', 'nope', '--url', server.url]);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toMatch(/no view or stream 'nope'.*views: .*last_price/);

    await publishTrades(trade('DV', 1));
    const child = startVane(['tail', 'doomed', '--url', server.url]);
    const done = collect(child);
    await waitForOutput(child, (out) => out.includes('"symbol":"DV"'));
    await runSql(server.url, 'DROP VIEW doomed');
    const run = await done;
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/UNKNOWN_VIEW/);
  });

  it('refuses a bad --where with exit code 2, however it is bad', async () => {
    const cases = [
      {
        args: ['last_price', '--where', 'symbolTA'],
        error: /--where 'symbolTA': expected column=value/,
      },
      {
        args: ['last_price', '--where', 'price=1'],
        error: /not a column view last_price can filter on \(symbol\)/,
      },
      {
        args: ['trades', '--where', 'qty=lots'],
        error: /qty is a DOUBLE column, expected a number/,
      },
      // A timestamp the server would refuse (it did, as INVALID_FIELD, exit code 6).
      {
        args: ['trades', '--where', 'ts=yesterday'],
        error: /ts is a TIMESTAMP column, expected ISO-8601/,
      },
    ];
    // Concurrently: each run is mostly the child's start-up.
    const runs = await Promise.all(
      cases.map(({ args }) => runVane(['tail', ...args, '--url', server.url])),
    );
    runs.forEach((run, i) => {
      expect(run.code, `${cases[i]!.args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(cases[i]!.error);
      expect(run.stderr).toContain("Run 'vane tail --help' for usage.");
      expect(run.stdout).toBe('');
    });
  });

  it('refuses --limit without --order, exit code 2', async () => {
    const run = await runVane(['tail', 'last_price', '--limit', '3', '--url', server.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--limit needs --order/);
  });
});
