/**
 * A view's changes leave when the batch that made them is applied, as far as its emit interval
 * allows, not at the node's next periodic tick: the ticks here are 10 s apart, so every emission
 * these tests see came from the apply path or from the timer set for the next emit slot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';
import { VaneNode } from './vane-node.ts';

const nodes: VaneNode[] = [];

afterEach(async () => {
  for (const node of nodes.splice(0)) await node.close();
});

async function openNode(emitInterval: string): Promise<VaneNode> {
  const config = resolveConfig(
    { host: '127.0.0.1', port: 0, dataDir: null, logLevel: 'silent', tickMs: 10_000 },
    {},
  );
  const node = await VaneNode.open(config);
  nodes.push(node);
  await node.executeSql(
    `CREATE STREAM t (k STRING, v DOUBLE);
     CREATE VIEW totals WITH (emit_interval = '${emitInterval}') AS
       SELECT k, sum(v) AS s FROM t GROUP BY k;`,
    { admin: true },
  );
  return node;
}

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}

describe('emission on apply', () => {
  it('sends changes in the turn their batch is applied, and a held one when its time comes', async () => {
    const node = await openNode('200ms');
    const emissions: { atMs: number; upserts: unknown }[] = [];
    node.engine.onChanges('totals', (batch) =>
      emissions.push({ atMs: Date.now(), upserts: batch.upserts }),
    );
    await node.publish('t', [{ k: 'a', v: 1 }]);
    await until(() => emissions.length === 1);
    expect(emissions[0]!.upserts).toEqual([{ k: 'a', s: 1 }]);
    // A second batch may follow at once (the schedule's tolerance of one interval)...
    await node.publish('t', [{ k: 'a', v: 2 }]);
    await until(() => emissions.length === 2);
    // ...a third waits until one interval after the first, coalesced with a fourth.
    await node.publish('t', [{ k: 'a', v: 3 }]);
    await node.publish('t', [{ k: 'b', v: 5 }]);
    await until(() => emissions.length === 3);
    expect(emissions[2]!.upserts).toEqual([
      { k: 'a', s: 6 },
      { k: 'b', s: 5 },
    ]);
    // 199: the engine reads the clock a moment before the handler does.
    expect(emissions[2]!.atMs - emissions[0]!.atMs).toBeGreaterThanOrEqual(199);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(emissions).toHaveLength(3);
  });

  it('does not emit while emissions are held, and emits on release', async () => {
    const node = await openNode('1ms');
    const emissions: unknown[] = [];
    node.engine.onChanges('totals', (batch) => emissions.push(batch.upserts));
    let held = true;
    node.holdEmissionsWhile(() => held);
    await node.publish('t', [{ k: 'a', v: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(emissions).toEqual([]);
    held = false;
    node.emissionsReleased();
    expect(emissions).toEqual([[{ k: 'a', s: 1 }]]);
  });
});
