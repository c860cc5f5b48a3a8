/**
 * `vane publish` against a server that crashes mid-run: the server (a `vane serve` process on a
 * data dir) is armed with the failpoint `ingest.after-append@5`, so it SIGKILLs itself once the
 * fifth batch is durable in its log and before that batch is acknowledged. The test restarts it on
 * the same data dir and port; `vane publish` reconnects and sends every unacknowledged batch again
 * as the same events. The result must be exact: each id stored once, the batch that was durable
 * before the crash counted as duplicates, accepted + duplicates = the events of the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectRows } from '../integration/helpers.ts';
import { ServerProcess, withDeadline } from '../fault/server-process.ts';
import { collect, startVane } from './run-vane.ts';

const EVENTS = 3_000;
const BATCH = 100;
/** The fifth durable batch kills the server: well inside a run of 30 batches. */
const FAILPOINT = 'ingest.after-append@5';

const SCHEMA = `
CREATE STREAM events (id STRING, kind STRING, n BIGINT, ts TIMESTAMP)
  WITH (timestamp = 'ts', id = 'id', lateness = '1h');
CREATE VIEW per_id WITH (emit_interval = '10ms') AS
  SELECT id, count(*) AS copies FROM events GROUP BY id;
`;

const dir = mkdtempSync(join(tmpdir(), 'vane-cli-retry-'));
const servers: ServerProcess[] = [];

afterAll(async () => {
  for (const server of servers) await server.forceKill();
  rmSync(dir, { recursive: true, force: true });
});

describe('vane publish across a server crash', () => {
  it('sends the unacknowledged batches again with the same ids: every id stored once', async () => {
    const initFile = join(dir, 'schema.sql');
    writeFileSync(initFile, SCHEMA);
    const file = join(dir, 'events.ndjson');
    const now = Date.now();
    writeFileSync(
      file,
      Array.from({ length: EVENTS }, (_, i) =>
        JSON.stringify({ id: `e${i}`, kind: `k${i % 3}`, n: i, ts: now }),
      ).join('\n'),
    );
    const dataDir = join(dir, 'data');
    const serve = (port: number, failpoints?: string[]) =>
      ServerProcess.start({ dataDir, initFile, port, readyTimeoutMs: 15_000, failpoints });

    const first = await serve(0, [FAILPOINT]);
    servers.push(first);
    const publish = startVane([
      'publish',
      'events',
      file,
      '--url',
      first.baseUrl,
      '--batch-size',
      String(BATCH),
    ]);
    const done = collect(publish, 40_000);

    // The server dies of its own failpoint: the test never signals it.
    const death = await withDeadline(first.exited, 15_000, 'the failpoint to kill the server');
    expect(death.signal, first.recentOutput).toBe('SIGKILL');
    const second = await serve(first.port);
    servers.push(second);

    const run = await done;
    expect(run.code, run.stderr).toBe(0);
    const summary = /published to events: ([\d,]+) accepted, ([\d,]+) duplicates, 0 rejected/.exec(
      run.stderr,
    );
    expect(summary, run.stderr).not.toBeNull();
    const accepted = Number(summary![1]!.replaceAll(',', ''));
    const duplicates = Number(summary![2]!.replaceAll(',', ''));
    // The batch made durable just before the crash was sent again and found already stored.
    expect(duplicates).toBeGreaterThanOrEqual(BATCH);
    expect(accepted + duplicates).toBe(EVENTS);

    // The stream holds each id exactly once (after the restart's replay of the log).
    let rows: Record<string, unknown>[] = [];
    await expect
      .poll(
        async () => (rows = await selectRows(second.baseUrl, 'SELECT id, copies FROM per_id')),
        { timeout: 10_000 },
      )
      .toHaveLength(EVENTS);
    expect(rows.filter((row) => row.copies !== 1)).toEqual([]);
    expect(new Set(rows.map((row) => row.id)).size).toBe(EVENTS);
  });
});
