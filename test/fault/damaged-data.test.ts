/**
 * A data directory damaged while the server was down: one byte of one logged event changes (the
 * kind of damage lmdb itself does not notice: it checks its pages' structure, not the bytes of
 * values). The restarted server must refuse to start with CORRUPT_STATE naming the batch, not
 * replay a different event as if it had been acknowledged.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LMDB_FILE_NAME } from '../../src/log/lmdb.ts';
import { Cleanups, scratchDir, serverStarter } from './fault-support.ts';

const SCHEMA_SQL = `
CREATE STREAM trades (id STRING, symbol STRING, price DOUBLE);
CREATE VIEW per_symbol AS SELECT symbol, count(*) AS n, sum(price) AS total FROM trades GROUP BY symbol;
`;

const MARKER = 'MARKER-0123456789';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

async function publish(baseUrl: string, events: unknown[]): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/streams/trades/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
    signal: AbortSignal.timeout(5_000),
  });
  expect(response.status).toBe(200);
}

describe('a data directory damaged while the server was down', () => {
  it('refuses to start, naming the damaged batch', async () => {
    const { dir, initFile } = await scratchDir(cleanups, SCHEMA_SQL);
    const dataDir = join(dir, 'data');
    // No checkpoint round before the kill: the restart must replay every batch.
    const serve = serverStarter(cleanups, {
      dataDir,
      initFile,
      readyTimeoutMs: 20_000,
      checkpointIntervalMs: 600_000,
    });
    const server = await serve(0);
    await publish(server.baseUrl, [{ id: 'a', symbol: 'X', price: 1 }]);
    await publish(server.baseUrl, [{ id: MARKER, symbol: 'X', price: 2 }]);
    await publish(server.baseUrl, [{ id: 'c', symbol: 'X', price: 3 }]);
    expect((await server.kill(10_000)).signal).toBe('SIGKILL');

    // Intact, it restarts (the control: the refusal below is the damage's doing).
    const intact = await serve(server.port);
    await intact.kill(10_000);

    const file = join(dataDir, LMDB_FILE_NAME);
    const bytes = await readFile(file);
    // Every copy: lmdb copies a page on write, so older copies of the event sit in free pages.
    let copies = 0;
    for (let at = bytes.indexOf(MARKER); at !== -1; at = bytes.indexOf(MARKER, at + 1)) {
      bytes[at + MARKER.length - 1] = '8'.charCodeAt(0);
      copies++;
    }
    expect(copies).toBeGreaterThan(0);
    await writeFile(file, bytes);

    const refused = await serve(server.port).then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(refused).not.toBeNull();
    expect(refused).toContain('exited early');
    expect(refused).toMatch(/CORRUPT_STATE|fails its checksum/);
    expect(refused).toContain("batch 2 of stream 'trades'");
  }, 60_000);
});
