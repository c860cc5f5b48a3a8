import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';
import { VaneNode } from './vane-node.ts';

const nodes: VaneNode[] = [];

afterEach(async () => {
  for (const node of nodes.splice(0)) await node.close();
});

async function openNode(tickMs = 2): Promise<VaneNode> {
  const config = resolveConfig(
    { host: '127.0.0.1', port: 0, dataDir: null, logLevel: 'silent', tickMs },
    {},
  );
  const node = await VaneNode.open(config);
  nodes.push(node);
  await node.executeSql(
    `CREATE STREAM t (k STRING, v DOUBLE);
     CREATE VIEW totals WITH (emit_interval = '1ms') AS SELECT k, sum(v) AS s FROM t GROUP BY k;`,
    { admin: true },
  );
  return node;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('VaneNode.holdEmissionsWhile', () => {
  it('holds view emissions while the transport is behind, then sends the coalesced change', async () => {
    const node = await openNode();
    const batches: unknown[] = [];
    node.engine.onChanges('totals', (batch) => batches.push(batch.upserts));
    let held = true;
    node.holdEmissionsWhile(() => held);
    await node.publish('t', [{ k: 'a', v: 1 }]);
    await node.publish('t', [{ k: 'a', v: 2 }]);
    await sleep(30);
    expect(batches).toEqual([]);
    held = false;
    await sleep(30);
    // Both events in one emission: the view coalesced while emissions were held.
    expect(batches).toEqual([[{ k: 'a', s: 3 }]]);
  });

  it('emits every tick when nothing holds it', async () => {
    const node = await openNode();
    const batches: unknown[] = [];
    node.engine.onChanges('totals', (batch) => batches.push(batch.upserts));
    await node.publish('t', [{ k: 'a', v: 1 }]);
    await sleep(30);
    expect(batches).toEqual([[{ k: 'a', s: 1 }]]);
  });

  it('runs a held tick as soon as the hold is released, not at the next timer tick', async () => {
    // Ticks every 10 s: only a release can make the view emit within this test.
    const node = await openNode(10_000);
    const batches: unknown[] = [];
    node.engine.onChanges('totals', (batch) => batches.push(batch.upserts));
    let held = true;
    node.holdEmissionsWhile(() => held);
    await node.publish('t', [{ k: 'a', v: 1 }]);
    node.emissionsReleased(); // no tick was held yet: nothing to run
    expect(batches).toEqual([]);
    (node as unknown as { tick(): void }).tick(); // a timer tick while held
    expect(batches).toEqual([]);
    held = false;
    node.emissionsReleased();
    expect(batches).toEqual([[{ k: 'a', s: 1 }]]);
  });
});
