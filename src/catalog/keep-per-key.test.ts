import { describe, expect, it } from 'vitest';
import { ManualClock } from '../util/index.ts';
import { createEngine } from './create-engine.ts';

/** SPEC §2: by default a view keeps "the last 100 windows per key". */
describe('default keep', () => {
  function run(keepOption: string) {
    const engine = createEngine({ clock: new ManualClock(0) });
    engine.execute(`
      CREATE STREAM s (k STRING, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '0s');
      CREATE VIEW v ${keepOption} AS SELECT k, window_start, count(*) AS n
        FROM TUMBLE(s, INTERVAL '1' SECOND) GROUP BY k, window_start;`);
    const deleted: unknown[] = [];
    engine.onChanges('v', (batch) => deleted.push(...batch.deletes));
    // 'rare' has one early window; 'busy' has one in each of the next 150 seconds.
    engine.ingest('s', [{ k: 'rare', ts: 500 }]);
    for (let second = 1; second <= 150; second++) {
      engine.ingest('s', [{ k: 'busy', ts: second * 1000 + 500 }]);
      engine.flush();
    }
    engine.ingest('s', [{ k: 'busy', ts: 200_000 }]);
    engine.flush();
    engine.flush();
    return { engine, deleted };
  }

  it('keeps the last 100 closed windows of each key, however old', () => {
    const { engine, deleted } = run('');
    const rows = engine.snapshot('v');
    expect(rows.filter((row) => row.k === 'rare')).toEqual([
      { k: 'rare', window_start: '1970-01-01T00:00:00.000Z', n: 1 },
    ]);
    // busy closed 150 windows: the 50 oldest were deleted, each once, by key columns only.
    expect(deleted).toHaveLength(50);
    expect(deleted[0]).toEqual({ k: 'busy', window_start: '1970-01-01T00:00:01.000Z' });
    const busy = rows.filter((row) => row.k === 'busy');
    expect(busy).toHaveLength(101); // 100 closed + the open window at 200 s
    expect(busy.map((row) => row.window_start).sort()[0]).toBe('1970-01-01T00:00:51.000Z');
  });

  it('keeps by event-time duration when keep is set, for every key alike', () => {
    const { engine } = run("WITH (keep = '10s')");
    const rows = engine.snapshot('v');
    expect(rows.some((row) => row.k === 'rare')).toBe(false);
    // Watermark 200 s: every closed window ended by 151 s, past 200 - 10 s, so only the open
    // window at 200 s is left.
    expect(rows).toEqual([{ k: 'busy', window_start: '1970-01-01T00:03:20.000Z', n: 1 }]);
  });
});
