/**
 * Several views created WITH (backfill = true) in one DDL: a batch published while the first of
 * them is being backfilled must be counted once by every one of them. Each view's backfill used to
 * read the log up to the offset applied when its own backfill began, so a batch applied live to
 * every new view after the first backfill was read again by the later ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';
import { VaneNode } from './vane-node.ts';

const nodes: VaneNode[] = [];

afterEach(async () => {
  for (const node of nodes.splice(0)) await node.close();
});

function count(node: VaneNode, view: string): number {
  return node.engine.snapshot(view).reduce((sum, row) => sum + (row.n as number), 0);
}

describe('backfilling several views in one statement', () => {
  it('counts a batch published during the first backfill once in every view', async () => {
    const config = resolveConfig(
      { host: '127.0.0.1', port: 0, dataDir: null, logLevel: 'silent', tickMs: 10 },
      {},
    );
    const node = await VaneNode.open(config);
    nodes.push(node);
    await node.executeSql('CREATE STREAM hits (page STRING)', { admin: true });
    // Enough events that the first backfill yields to the event loop several times.
    const batch = Array.from({ length: 10_000 }, (_, i) => ({ page: `/p${i % 7}` }));
    for (let i = 0; i < 10; i++) await node.publish('hits', batch);

    const ddl = node.executeSql(
      `CREATE VIEW first WITH (backfill = true) AS SELECT page, count(*) AS n FROM hits GROUP BY page;
       CREATE VIEW second WITH (backfill = true) AS SELECT page, count(*) AS n FROM hits GROUP BY page;
       CREATE VIEW third WITH (backfill = true) AS SELECT page, count(*) AS n FROM hits GROUP BY page;`,
      { admin: true },
    );
    // Published while the backfills run: stored at once, applied once they are done.
    const during = (async () => {
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        await node.publish('hits', [{ page: '/late' }]);
      }
    })();
    await Promise.all([ddl, during]);
    node.engine.flush(); // the snapshot shows emitted rows; emit what the backfill left pending
    for (const view of ['first', 'second', 'third']) {
      expect({ view, n: count(node, view) }).toEqual({ view, n: 100_005 });
    }
  });
});
