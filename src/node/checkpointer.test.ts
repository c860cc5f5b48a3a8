import { describe, expect, it } from 'vitest';
import { createEngine } from '../catalog/index.ts';
import { MemoryMetadataStore } from '../log/index.ts';
import { ManualClock } from '../util/index.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { Checkpointer } from './checkpointer.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('Checkpointer', () => {
  it('finishes a capture at once when more than maxQueuedEvents wait for the frozen view', async () => {
    const clock = new ManualClock(0);
    const engine = createEngine({ clock });
    engine.execute(`CREATE STREAM t (k STRING, v DOUBLE);
      CREATE VIEW totals AS SELECT k, sum(v) AS s, count(*) AS n FROM t GROUP BY k;`);
    // Enough keys that the capture takes many 3 ms steps.
    for (let i = 0; i < 20; i++) {
      const events = Array.from({ length: 10_000 }, (_, j) => ({ k: `k${i * 10_000 + j}`, v: 1 }));
      engine.ingest('t', events);
    }
    const checkpointer = new Checkpointer({
      engine,
      store: new CheckpointStore(new MemoryMetadataStore()),
      appliedOffset: () => 0,
      now: () => clock.now(),
      failpoint: () => {},
      saved: () => true,
      maxQueuedEvents: 100,
    });
    // A frozen view takes no input (it waits in its task's queue) and emits nothing.
    const late = () => {
      engine.flush();
      return engine.snapshot('totals', { k: ['late'] });
    };
    const round = checkpointer.run();
    await nextTurn();
    await nextTurn();
    // Within the bound: the capture goes on in steps, the events wait.
    engine.ingest(
      't',
      Array.from({ length: 50 }, () => ({ k: 'late', v: 1 })),
    );
    await nextTurn();
    expect(late()).toEqual([]);
    // Past it: the next step finishes the capture and applies what waited.
    engine.ingest(
      't',
      Array.from({ length: 100 }, () => ({ k: 'late', v: 1 })),
    );
    await nextTurn();
    expect(late()).toEqual([{ k: 'late', s: 150, n: 150 }]);
    expect((await round).records).toBe(2);
  });
});
