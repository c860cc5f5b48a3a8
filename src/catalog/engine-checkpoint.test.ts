import { describe, expect, it } from 'vitest';
import type { ViewCheckpoint } from '../engine/index.ts';
import { Prng } from '../util/index.ts';
import { ManualClock } from '../util/index.ts';
import {
  checkpointAll,
  harness,
  restoreAll,
  run,
  SQL,
  STREAMS,
  T0,
  VIEWS,
  workload,
  type Op,
  type Saved,
} from './checkpoint-workload.ts';
import { createEngine } from './create-engine.ts';
import type { Engine } from './engine-api.ts';

/**
 * The checkpoint property: run engine 1 over a random workload; at a random point checkpoint every
 * view and stream, send the checkpoints through JSON, restore them into engine 2 built from the
 * same SQL, and drive both with the rest of the workload. Everything observable after the split
 * (change batches, snapshots, stats) and the final checkpoints themselves must be identical.
 */

/** What the split caught in the middle of: counted over all splits, so coverage is checked. */
interface Coverage {
  pending: number;
  departed: number;
  closedUnreleased: number;
  releasedKept: number;
  overfull: number;
}

function noteCoverage(saved: Saved, coverage: Coverage): void {
  for (const data of Object.values(saved.views)) {
    const checkpoint = data as ViewCheckpoint;
    const store = checkpoint.store as unknown as Record<string, unknown>;
    if (checkpoint.pending.length > 0) coverage.pending++;
    if (checkpoint.departed.length > 0) coverage.departed++;
    const unreleased =
      store.kind === 'session'
        ? (store.unreleased as unknown[]).length
        : store.kind === 'aligned'
          ? (store.closedStarts as unknown[]).length - (store.releasedCount as number)
          : 0;
    if (unreleased > 0) coverage.closedUnreleased++;
    if (checkpoint.groups.some((chunk) => chunk.flags.some((flags) => (flags & 4) !== 0))) {
      coverage.releasedKept++;
    }
    if (Array.isArray(store.overfull) && store.overfull.length > 0) coverage.overfull++;
  }
}

function observe(engine: Engine) {
  return {
    snapshots: Object.fromEntries(VIEWS.map((view) => [view, engine.snapshot(view)])),
    stats: engine.stats(),
    views: VIEWS.map((view) => engine.checkpointView(view)),
    streams: STREAMS.map((stream) => engine.checkpointStream(stream)),
  };
}

/**
 * Runs `ops` on one engine and, for each split, on a second engine restored from checkpoints taken
 * before op `split`; everything after the split must match. Returns the number of splits checked.
 */
function checkSplits(
  ops: readonly Op[],
  splitAt: ReadonlySet<number>,
  label: string,
  coverage: Coverage,
): number {
  const original = harness();
  const saved = new Map<number, { saved: Saved; logAt: number; nowMs: number }>();
  ops.forEach((op, i) => {
    if (splitAt.has(i)) {
      const nowMs = original.clock.now();
      saved.set(i, { saved: checkpointAll(original.engine), logAt: original.log.length, nowMs });
    }
    run(original, op);
  });
  const expected = observe(original.engine);
  for (const [at, split] of saved) {
    const where = `${label}, split before op ${at} of ${ops.length}`;
    noteCoverage(split.saved, coverage);
    const restored = restoreAll(split.saved, split.nowMs);
    // Restoring is exact: the restored engine checkpoints to the very same data.
    for (const view of VIEWS) {
      expect(restored.engine.checkpointView(view), `${where}: ${view}`).toEqual(
        split.saved.views[view],
      );
    }
    for (const op of ops.slice(at)) run(restored, op);
    expect(restored.log, where).toEqual(original.log.slice(split.logAt));
    const actual = observe(restored.engine);
    expect(actual.snapshots, where).toEqual(expected.snapshots);
    expect(actual.stats, where).toEqual(expected.stats);
    expect(actual.views, where).toEqual(expected.views);
    expect(actual.streams, where).toEqual(expected.streams);
  }
  return saved.size;
}

function noCoverage(): Coverage {
  return { pending: 0, departed: 0, closedUnreleased: 0, releasedKept: 0, overfull: 0 };
}

describe('view checkpoints', () => {
  it('restore into a new engine that then behaves exactly like the original', () => {
    const coverage = noCoverage();
    let splits = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const rng = new Prng(seed);
      const ops = workload(rng, 1200);
      const splitAt = new Set(Array.from({ length: 8 }, () => rng.intIn(0, ops.length - 1)));
      splits += checkSplits(ops, splitAt, `seed ${seed}`, coverage);
    }
    expect(splits).toBeGreaterThan(30);
    // The splits caught views in each interesting in-between state.
    expect(coverage.pending).toBeGreaterThan(10);
    expect(coverage.closedUnreleased).toBeGreaterThan(5);
    expect(coverage.releasedKept).toBeGreaterThan(10);
    expect(coverage.overfull).toBeGreaterThan(0);
  });

  it('splits anywhere around a session merge: before and after it, before its emission', () => {
    const event = (k: string, offsetMs: number, x = 1) => ({
      k,
      x,
      g: 1,
      tag: 't1',
      ts: T0 + offsetMs,
    });
    const ingest = (nowMs: number, ...events: object[]): Op => ({
      kind: 'ingest',
      stream: 's',
      events,
      nowMs: T0 + nowMs,
    });
    const ops: Op[] = [
      // session_changes (gap 1.5 s): m has [0, 1.5 s) and [2 s, 3.5 s) ...
      ingest(0, event('m', 0), event('m', 2000), event('n', 0)),
      { kind: 'flush', nowMs: T0 + 100 },
      // ... until an event at 1 s bridges them: one session, two rows to delete.
      ingest(200, event('m', 1000, 5)),
      ingest(300, event('n', 1200)),
      { kind: 'tick', nowMs: T0 + 400 },
      ingest(500, event('m', 3000), event('m', 2500)),
      { kind: 'flush', nowMs: T0 + 600 },
      ingest(700, event('m', 9000), event('n', 9000)),
      { kind: 'tick', nowMs: T0 + 1000 },
      ingest(1100, event('m', 20_000)),
      { kind: 'flush', nowMs: T0 + 1200 },
    ];
    const coverage = noCoverage();
    checkSplits(ops, new Set(ops.keys()), 'merge', coverage);
    expect(coverage.departed).toBeGreaterThan(0);
  });

  it('keeps the order in which sessions that end together close (the closing heap as it is)', () => {
    const rng = new Prng(7);
    const ops: Op[] = [];
    for (let i = 0; i < 40; i++) {
      const event = { k: `k${rng.intIn(0, 15)}`, x: 1, g: 1, ts: T0 + 100 * rng.intIn(0, 4) };
      ops.push({ kind: 'ingest', stream: 's', events: [event], nowMs: T0 });
    }
    ops.push(
      { kind: 'ingest', stream: 's', events: [{ k: 'end', ts: T0 + 10_000 }], nowMs: T0 },
      { kind: 'flush', nowMs: T0 + 1000 },
    );
    checkSplits(ops, new Set(ops.keys()), 'ties', noCoverage());
  });

  it('restores an empty view, which keeps the watermark it started at', () => {
    const clock = new ManualClock(T0);
    const original = createEngine({ clock });
    original.execute(SQL);
    original.ingest('s', [{ k: 'a', x: 1, ts: T0 + 10_000 }]);
    original.execute(`CREATE VIEW late_view AS SELECT k, window_start, count(*) AS n
      FROM TUMBLE(s, INTERVAL '1' SECOND) GROUP BY k, window_start`);
    const view = JSON.parse(JSON.stringify(original.checkpointView('late_view'))) as unknown;
    expect(view).toMatchObject({ rows: 0, pending: [], groups: [] });

    const restored = createEngine({ clock });
    restored.execute(SQL);
    restored.execute(`CREATE VIEW late_view AS SELECT k, window_start, count(*) AS n
      FROM TUMBLE(s, INTERVAL '1' SECOND) GROUP BY k, window_start`);
    restored.restoreView('late_view', view);
    // Only late_view gets the replay: its checkpoint is the only one older than these events.
    const batch = restored.validate('s', [
      { k: 'a', x: 1, ts: T0 + 5_000 },
      { k: 'b', x: 1, ts: T0 + 9_000 },
    ]);
    restored.apply('s', batch, { views: ['late_view'], updateStream: false });
    original.apply('s', batch, { views: new Set(['late_view']) });
    expect(restored.stats().views.late_view).toEqual(original.stats().views.late_view);
    expect(restored.stats().views.late_view!.lateEvents).toBe(1);
    restored.flush();
    original.flush();
    expect(restored.snapshot('late_view')).toEqual(original.snapshot('late_view'));
  });
});

describe('view checkpoint cost', () => {
  it('builds and restores 100,000 groups of count/sum/avg well within a second', () => {
    const sql = `CREATE STREAM trades (symbol STRING, price DOUBLE, qty DOUBLE, ts TIMESTAMP)
        WITH (timestamp = 'ts');
      CREATE VIEW v AS SELECT symbol, window_start, count(*) AS n, sum(qty) AS volume,
        avg(price) AS avg_price FROM TUMBLE(trades, INTERVAL '1' MINUTE) GROUP BY symbol, window_start;`;
    const groups = 100_000;
    const original = createEngine({ clock: new ManualClock(T0) });
    original.execute(sql);
    for (let first = 0; first < groups; first += 1000) {
      original.ingest(
        'trades',
        Array.from({ length: 1000 }, (_, i) => ({
          symbol: `S${first + i}`,
          price: 100 + (i % 97) / 7,
          qty: 1 + (i % 13),
          ts: T0 + i,
        })),
      );
    }
    original.flush();
    const timed = <T>(run: () => T): [T, number] => {
      const start = performance.now();
      return [run(), performance.now() - start];
    };
    const [checkpoint, buildMs] = timed(() => original.checkpointView('v'));
    const text = JSON.stringify(checkpoint);
    const restored = createEngine({ clock: new ManualClock(T0) });
    restored.execute(sql);
    const data = JSON.parse(text) as unknown;
    const [, restoreMs] = timed(() => restored.restoreView('v', data));
    console.info(
      `checkpoint of ${groups} groups: build ${buildMs.toFixed(0)} ms, restore ${restoreMs.toFixed(0)} ms, JSON ${(text.length / 1e6).toFixed(1)} MB`,
    );
    // Speed is the benchmark's business (bench/engine/checkpoint.ts); this checks the result.
    expect(restored.stats().views.v).toEqual(original.stats().views.v);
    expect(restored.snapshot('v')).toEqual(original.snapshot('v'));
  });
});

describe('apply with options', () => {
  function engineAndBatch() {
    const engine = createEngine({ clock: new ManualClock(T0) });
    engine.execute(SQL);
    return { engine, batch: engine.validate('s', [{ k: 'a', x: 5, ts: T0 + 1000 }]) };
  }

  it('applies the batch to the named views only, and to the stream only when told', () => {
    const { engine, batch } = engineAndBatch();
    const before = engine.stats();
    engine.apply('s', batch, { views: new Set(['running', 'totals']), updateStream: false });
    const after = engine.stats();
    expect(after.streams).toEqual(before.streams);
    for (const view of VIEWS) {
      const touched = view === 'running' || view === 'totals';
      expect(after.views[view]!.openGroups > 0, view).toBe(touched);
    }
    expect(engine.checkpointStream('s')).toMatchObject({ maxTimeMs: '-Infinity', events: 0 });
    engine.apply('s', batch, { views: [] });
    expect(engine.checkpointStream('s')).toMatchObject({ maxTimeMs: T0 + 1000, events: 1 });
    expect(engine.stats().views.tumble_final!.openGroups).toBe(0);
    engine.apply('s', batch, {});
    expect(engine.stats().views.tumble_final!.openGroups).toBe(1);
    expect(engine.stats().streams.s!.events).toBe(2);
  });

  it('rejects views that do not exist or read another stream, before applying anything', () => {
    const { engine, batch } = engineAndBatch();
    const before = JSON.stringify(VIEWS.map((view) => engine.checkpointView(view)));
    expect(() => engine.apply('s', batch, { views: ['running', 'nope'] })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_VIEW' }),
    );
    expect(() => engine.apply('s', batch, { views: ['running', 'arrival_final'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(JSON.stringify(VIEWS.map((view) => engine.checkpointView(view)))).toBe(before);
    expect(engine.stats().streams.s!.events).toBe(0);
  });
});
