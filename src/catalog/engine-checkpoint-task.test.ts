import { describe, expect, it } from 'vitest';
import type { ChangeBatch } from '../engine/index.ts';
import { Prng } from '../util/index.ts';
import { ManualClock, VaneError } from '../util/index.ts';
import {
  run,
  SQL,
  STREAMS,
  T0,
  VIEWS,
  workload,
  type Harness,
  type Op,
} from './checkpoint-workload.ts';
import { createEngine } from './create-engine.ts';
import type { Engine, EngineOptions, ViewCheckpointTask } from './engine-api.ts';
import { CheckpointAbortedError, ViewFrozenError } from './view-checkpoint-task.ts';

/**
 * Sliced checkpoints (`beginViewCheckpoint`): a frozen view's task is stepped between the ops of a
 * workload, and three things must hold for every task and every view:
 * (a) the finished text is `JSON.stringify(checkpointView(view))` as it was when the task began;
 * (b) the engine that froze views ends with the same snapshots, stats and late events (per view,
 *     in order) as a twin that never froze any: only its emissions come later;
 * (c) the text, restored into a new engine that then replays the ops after the task began, ends
 *     with the same snapshot and stats as the twin.
 */

/**
 * The view's rows, sorted. The order of a snapshot is the order the store keeps its groups in,
 * and that depends on when emissions expire closed windows: a session key dropped at an emission
 * and then seen again moves to the end. A frozen view expires later, so only its order may differ.
 */
function rowSet(engine: Engine, view: string): string[] {
  return engine
    .snapshot(view)
    .map((row) => JSON.stringify(row))
    .sort();
}

/** A time source for `step` that moves one unit per reading: `step(n)` does n slices of work. */
function slicesClock(): () => number {
  let t = 0;
  return () => t++;
}

type LateLog = Record<string, [object, number][]>;

function lateRecorder(log: LateLog): EngineOptions['onLateEvent'] {
  return (view, event, timeMs) => {
    (log[view] ??= []).push([event, timeMs]);
  };
}

function harnessOf(sql: string, options: Omit<EngineOptions, 'clock'> = {}): Harness {
  const clock = new ManualClock(T0);
  const engine = createEngine({ ...options, clock });
  engine.execute(sql);
  const log: ChangeBatch[] = [];
  for (const view of engine.views()) engine.onChanges(view.name, (batch) => log.push(batch));
  return { engine, clock, log };
}

interface TaskRecord {
  view: string;
  task: ViewCheckpointTask;
  /** The checkpoint text when the task began, and the streams' checkpoints then. */
  expectedJson: string;
  streams: Record<string, unknown>;
  /** Index of the first op applied after the task began, and processing time then. */
  at: number;
  nowMs: number;
  /** Ops run while the task was open, by kind. */
  ingests: number;
  ticks: number;
  aborted: boolean;
}

interface Plan {
  sql: string;
  views: readonly string[];
  streams: readonly string[];
  ops: readonly Op[];
  rng: Prng;
  /** Chance, before each op, to begin tasks (on each free view with chance 0.4). */
  beginChance: number;
  /** Largest `maxMs` of a step (in slices: see slicesClock). */
  maxSlices: number;
  /** Chance, after each op, that an open task is stepped. */
  stepChance: number;
  /** Chance that a stepped task is aborted instead. */
  abortChance: number;
}

/** Runs the plan on a freezing engine and its twin; returns the tasks after checking (a)–(c). */
function checkTasks(plan: Plan, label: string): TaskRecord[] {
  const { ops, rng } = plan;
  const lateFrozen: LateLog = {};
  const lateTwin: LateLog = {};
  const frozen = harnessOf(plan.sql, { onLateEvent: lateRecorder(lateFrozen) });
  const twin = harnessOf(plan.sql, { onLateEvent: lateRecorder(lateTwin) });
  const now = slicesClock();
  const open = new Map<string, TaskRecord>();
  const tasks: TaskRecord[] = [];
  // Tasks begin in the first 70% of the ops and are finished by 80%: emissions follow.
  const lastBegin = Math.floor(ops.length * 0.7);
  const finishAt = Math.floor(ops.length * 0.8);
  ops.forEach((op, i) => {
    if (i < lastBegin && rng.chance(plan.beginChance)) {
      for (const view of plan.views) {
        if (open.has(view) || !rng.chance(0.4)) continue;
        const record: TaskRecord = {
          view,
          expectedJson: JSON.stringify(frozen.engine.checkpointView(view)),
          streams: Object.fromEntries(
            plan.streams.map((stream) => [stream, frozen.engine.checkpointStream(stream)]),
          ),
          task: frozen.engine.beginViewCheckpoint(view, { now }),
          at: i,
          nowMs: frozen.clock.now(),
          ingests: 0,
          ticks: 0,
          aborted: false,
        };
        open.set(view, record);
        tasks.push(record);
      }
    }
    run(frozen, op);
    run(twin, op);
    for (const record of open.values()) {
      if (op.kind === 'ingest') record.ingests++;
      else record.ticks++;
      if (i < finishAt && !rng.chance(plan.stepChance)) continue;
      if (i < finishAt && rng.chance(plan.abortChance)) {
        record.task.abort();
        record.aborted = true;
        open.delete(record.view);
        continue;
      }
      const maxMs = i >= finishAt ? Infinity : rng.intIn(0, plan.maxSlices);
      if (record.task.step(maxMs)) open.delete(record.view);
    }
  });
  expect(open.size, label).toBe(0);

  // (b) The same end, whatever was frozen when.
  for (const view of plan.views) {
    expect(lateFrozen[view], `${label}: ${view} late events`).toEqual(lateTwin[view]);
    expect(rowSet(frozen.engine, view), `${label}: ${view}`).toEqual(rowSet(twin.engine, view));
  }
  expect(frozen.engine.stats(), label).toEqual(twin.engine.stats());

  for (const record of tasks) {
    if (record.aborted) continue;
    // (a) The state when the task began, to the byte.
    expect(record.task.json, `${label}: ${record.view} frozen before op ${record.at}`).toBe(
      record.expectedJson,
    );
  }
  // (c) Restored and replayed, they go on like the twin: one engine per op tasks began at. (The
  // freezing engine may hold its rows in another order by then: so may the restored one.)
  const byStart = new Map<number, TaskRecord[]>();
  for (const record of tasks) {
    if (!record.aborted) byStart.set(record.at, [...(byStart.get(record.at) ?? []), record]);
  }
  for (const [at, records] of byStart) {
    const where = `${label}: ${records.map((record) => record.view).join(', ')} frozen before op ${at}`;
    const restored = harnessOf(plan.sql);
    restored.clock.set(records[0]!.nowMs);
    for (const stream of plan.streams) {
      restored.engine.restoreStream(stream, records[0]!.streams[stream]);
    }
    for (const record of records) {
      restored.engine.restoreView(record.view, JSON.parse(record.task.json));
    }
    for (const op of ops.slice(at)) run(restored, op);
    for (const { view } of records) {
      expect(rowSet(restored.engine, view), where).toEqual(rowSet(twin.engine, view));
      expect(restored.engine.stats().views[view], where).toEqual(twin.engine.stats().views[view]);
    }
  }
  return tasks;
}

describe('sliced view checkpoints', () => {
  it('capture the state at the start while events and time go on, over every window kind', () => {
    let finished = 0;
    let spanned = 0;
    let aborted = 0;
    for (let seed = 1; seed <= 3; seed++) {
      const rng = new Prng(100 + seed);
      const ops = workload(rng, 1000);
      const tasks = checkTasks(
        {
          sql: SQL,
          views: VIEWS,
          streams: STREAMS,
          ops,
          rng,
          beginChance: 0.04,
          maxSlices: 4,
          stepChance: 0.3,
          abortChance: 0.05,
        },
        `seed ${seed}`,
      );
      for (const task of tasks) {
        if (task.aborted) aborted++;
        else finished++;
        if (task.ingests > 0 && task.ticks > 0) spanned++;
      }
    }
    expect(finished).toBeGreaterThan(80);
    expect(aborted).toBeGreaterThan(3);
    // Most tasks stayed open while events came in and time passed.
    expect(spanned).toBeGreaterThan(finished / 2);
  });

  it('spread views of thousands of groups over many steps, a few slices per step', () => {
    const sql = `CREATE STREAM t (k STRING, x DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '1s');
      CREATE STREAM a (k STRING, x DOUBLE) WITH (lateness = '200ms');
      CREATE VIEW running AS SELECT k, count(*) AS n, sum(x) AS total FROM t GROUP BY k;
      CREATE VIEW tumble WITH (emit_interval = '100ms', keep = '3s') AS
        SELECT k, window_start, count(*) AS n, approx_percentile(x, 0.5) AS p50
        FROM TUMBLE(t, INTERVAL '1' SECOND) GROUP BY k, window_start;
      CREATE VIEW hop AS SELECT k, window_start, avg(x) AS mean
        FROM HOP(t, INTERVAL '500' MILLISECOND, INTERVAL '2' SECOND) GROUP BY k, window_start
        EMIT FINAL;
      CREATE VIEW session WITH (keep = '2s') AS SELECT k, window_start, window_end, count(*) AS n
        FROM SESSION(t, INTERVAL '300' MILLISECOND) GROUP BY k, window_start, window_end;
      CREATE VIEW arrivals AS SELECT k, window_start, count(*) AS n
        FROM TUMBLE(a, INTERVAL '1' SECOND) GROUP BY k, window_start;`;
    const rng = new Prng(9);
    const ops: Op[] = [];
    let eventMs = T0;
    let nowMs = T0;
    for (let i = 0; i < 300; i++) {
      eventMs += rng.intIn(0, 40);
      nowMs = Math.max(nowMs, eventMs - 500) + rng.intIn(0, 20);
      const events = Array.from({ length: rng.intIn(20, 60) }, () => ({
        k: `k${rng.intIn(0, 1500)}`,
        x: rng.intIn(0, 100),
        ts: eventMs - (rng.chance(0.1) ? rng.intIn(0, 2000) : 0),
      }));
      ops.push({ kind: 'ingest', stream: 't', events, nowMs });
      if (rng.chance(0.3)) {
        const arrivals = Array.from({ length: 30 }, () => ({ k: `k${rng.intIn(0, 800)}`, x: 1 }));
        ops.push({ kind: 'ingest', stream: 'a', events: arrivals, nowMs });
      }
      if (rng.chance(0.3)) ops.push({ kind: 'tick', nowMs });
    }
    ops.push({ kind: 'tick', nowMs: nowMs + 10_000 }, { kind: 'flush', nowMs: nowMs + 10_000 });
    const tasks = checkTasks(
      {
        sql,
        views: ['running', 'tumble', 'hop', 'session', 'arrivals'],
        streams: ['t', 'a'],
        ops,
        rng,
        beginChance: 0.05,
        maxSlices: 3,
        stepChance: 1,
        abortChance: 0.004,
      },
      'large',
    );
    const groups = (json: string) =>
      (JSON.parse(json) as { groups: { keys: unknown[] }[] }).groups.reduce(
        (total, chunk) => total + chunk.keys.length,
        0,
      );
    const large = tasks.filter((task) => !task.aborted && groups(task.task.json) > 2000);
    expect(tasks.some((task) => task.aborted)).toBe(true);
    expect(large.length).toBeGreaterThan(3);
    // Those took many steps, with events and ticks in between.
    expect(large.filter((task) => task.ingests > 10 && task.ticks > 2).length).toBeGreaterThan(3);
  });
});

function engineWithView(): Engine {
  const engine = createEngine({ clock: new ManualClock(T0) });
  engine.execute(SQL);
  engine.ingest('s', [
    { k: 'a', x: 1, ts: T0 },
    { k: 'b', x: 2, ts: T0 + 100 },
  ]);
  engine.advanceTo(T0 + 1000);
  return engine;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('a checkpoint task', () => {
  it('freezes only its view: no changes, no watermark until it finishes, then what it missed', () => {
    const engine = engineWithView();
    const changes: string[] = [];
    engine.onChanges('running', (batch) => changes.push(`running ${batch.upserts.length}`));
    engine.onChanges('totals', (batch) => changes.push(`totals ${batch.upserts.length}`));
    const before = engine.snapshot('totals');
    const task = engine.beginViewCheckpoint('totals', { now: slicesClock() });
    engine.ingest('s', [
      { k: 'c', x: 3, ts: T0 + 5000 },
      { k: 'a', x: 4, ts: T0 + 6000 },
    ]);
    expect(task.queuedEvents).toBe(2);
    engine.advanceTo(T0 + 2000);
    engine.flush();
    expect(changes).toEqual(['running 2']);
    expect(engine.snapshot('totals')).toEqual(before);
    expect(engine.stats().views.totals).toMatchObject({ rows: 1 });
    expect(engine.stats().streams.s).toEqual({ events: 4 });
    expect(() => task.json).toThrow(VaneError);
    while (!task.step(0));
    expect(task.step(5)).toBe(true);
    expect(task.queuedEvents).toBe(0);
    expect(engine.snapshot('totals')).toEqual(before);
    engine.flush();
    expect(changes).toEqual(['running 2', 'totals 1']);
    expect(engine.snapshot('totals')).toEqual([{ n: 4, keys: 3 }]);
    const restored = createEngine({ clock: new ManualClock(T0) });
    restored.execute(SQL);
    restored.restoreView('totals', JSON.parse(task.json));
    restored.flush();
    expect(restored.snapshot('totals')).toEqual(before);
  });

  it('applies a long queue a batch per slice after the capture, frozen until the last', () => {
    const engine = engineWithView();
    const twin = engineWithView();
    const changes: number[] = [];
    engine.onChanges('arrival_changes', (batch) => changes.push(batch.upserts.length));
    const task = engine.beginViewCheckpoint('arrival_changes', { now: slicesClock() });
    for (let i = 0; i < 20; i++) {
      for (const e of [engine, twin]) {
        e.apply('arrivals', e.validate('arrivals', [{ k: 'a', x: i }], T0 + 100 * i));
        e.advanceTo(T0 + 100 * i + 50);
      }
    }
    expect(task.queuedEvents).toBe(20);
    let steps = 0;
    let queued = task.queuedEvents;
    while (!task.step(0)) {
      steps++;
      // Each step after the capture applies one batch (or watermark): frozen meanwhile.
      expect(task.queuedEvents).toBeLessThanOrEqual(queued);
      queued = task.queuedEvents;
      engine.flush();
      expect(changes).toEqual([]);
    }
    expect(steps).toBeGreaterThan(40);
    expect(task.queuedEvents).toBe(0);
    for (const e of [engine, twin]) e.advanceTo(T0 + 3000);
    for (const e of [engine, twin]) e.flush();
    expect(changes.length).toBe(1);
    expect(engine.snapshot('arrival_changes')).toEqual(twin.snapshot('arrival_changes'));
    expect(engine.stats().views.arrival_changes).toEqual(twin.stats().views.arrival_changes);
  });

  it('decides late events by the time that passed while it was frozen, as if never frozen', () => {
    const late: LateLog = {};
    const lateTwin: LateLog = {};
    const engine = createEngine({ clock: new ManualClock(T0), onLateEvent: lateRecorder(late) });
    const twin = createEngine({ clock: new ManualClock(T0), onLateEvent: lateRecorder(lateTwin) });
    for (const e of [engine, twin]) e.execute(SQL);
    const task = engine.beginViewCheckpoint('arrival_changes');
    for (const e of [engine, twin]) {
      e.apply('arrivals', e.validate('arrivals', [{ k: 'a', x: 1 }], T0 + 1000));
      e.advanceTo(T0 + 5000);
      // Arrival time given explicitly, before time that has passed: its window is closed.
      e.apply('arrivals', e.validate('arrivals', [{ k: 'b', x: 1 }], T0 + 2000));
    }
    expect(task.step(Infinity)).toBe(true);
    expect(late.arrival_changes).toEqual(lateTwin.arrival_changes);
    expect(late.arrival_changes).toHaveLength(1);
    for (const e of [engine, twin]) e.flush();
    expect(engine.snapshot('arrival_changes')).toEqual(twin.snapshot('arrival_changes'));
    expect(engine.stats().views.arrival_changes).toEqual(twin.stats().views.arrival_changes);
  });

  it('leaves the view as it was for checkpointView and a new task, half way or aborted', () => {
    const engine = createEngine({ clock: new ManualClock(T0) });
    engine.execute(`CREATE STREAM t (k STRING, x DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');
      CREATE VIEW v AS SELECT k, count(*) AS n, sum(x) AS total FROM t GROUP BY k;`);
    engine.ingest(
      't',
      Array.from({ length: 5000 }, (_, i) => ({ k: `k${i}`, x: i, ts: T0 + i })),
    );
    engine.flush();
    const expected = JSON.stringify(engine.checkpointView('v'));
    const now = slicesClock();
    // Aborted while numbering its groups, then while writing them.
    for (const slices of [2, 12]) {
      const task = engine.beginViewCheckpoint('v', { now });
      for (let i = 0; i < slices; i++) expect(task.step(0)).toBe(false);
      expect(JSON.stringify(engine.checkpointView('v'))).toBe(expected);
      task.abort();
      expect(JSON.stringify(engine.checkpointView('v'))).toBe(expected);
    }
    const task = engine.beginViewCheckpoint('v', { now });
    let steps = 0;
    while (!task.step(0)) {
      steps++;
      if (steps % 3 === 0) expect(JSON.stringify(engine.checkpointView('v'))).toBe(expected);
    }
    expect(steps).toBeGreaterThan(40);
    expect(task.json).toBe(expected);
  });

  it('refuses a second task and a restore while it is open, not after', () => {
    const engine = engineWithView();
    const task = engine.beginViewCheckpoint('running');
    const data = engine.checkpointView('running');
    for (const error of [
      thrown(() => engine.beginViewCheckpoint('running')),
      thrown(() => engine.restoreView('running', data)),
    ]) {
      expect(error).toBeInstanceOf(ViewFrozenError);
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', temporary: true });
    }
    // Other views are free.
    engine.beginViewCheckpoint('totals').abort();
    expect(task.step(Infinity)).toBe(true);
    engine.restoreView('running', data);
    expect(engine.beginViewCheckpoint('running').step(Infinity)).toBe(true);
    expect(() => engine.beginViewCheckpoint('nope')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_VIEW' }),
    );
  });

  it('when aborted, unfreezes the view with what it missed, and has no checkpoint', () => {
    const engine = engineWithView();
    const twin = engineWithView();
    const task = engine.beginViewCheckpoint('tumble_changes', { now: slicesClock() });
    task.step(1);
    for (const e of [engine, twin]) e.ingest('s', [{ k: 'a', x: 9, ts: T0 + 200 }]);
    task.abort();
    task.abort();
    for (const e of [engine, twin]) e.flush();
    expect(engine.snapshot('tumble_changes')).toEqual(twin.snapshot('tumble_changes'));
    const error = thrown(() => task.step(1));
    expect(error).toBeInstanceOf(CheckpointAbortedError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'aborted' });
    expect(() => task.json).toThrow(/aborted/);
    expect(engine.beginViewCheckpoint('tumble_changes').step(Infinity)).toBe(true);
  });

  it('ends when its view is dropped: the next step throws UNKNOWN_VIEW, a new view is free', () => {
    const engine = engineWithView();
    const task = engine.beginViewCheckpoint('by_meta', { now: slicesClock() });
    engine.ingest('s', [{ k: 'a', x: 1, meta: 'z', ts: T0 + 10 }]);
    engine.execute('DROP VIEW by_meta');
    const error = thrown(() => task.step(1));
    expect(error).toBeInstanceOf(CheckpointAbortedError);
    expect(error).toMatchObject({ code: 'UNKNOWN_VIEW', reason: 'dropped' });
    task.abort();
    expect(() => task.step(1)).toThrow(CheckpointAbortedError);
    // A view of the same name created again is another view, not frozen.
    engine.execute('CREATE VIEW by_meta AS SELECT meta, count(*) AS n FROM s GROUP BY meta');
    engine.ingest('s', [{ k: 'a', x: 1, meta: 'y', ts: T0 + 20 }]);
    engine.flush();
    expect(engine.snapshot('by_meta')).toEqual([{ meta: 'y', n: 1 }]);
    // The stream, no longer read by a frozen view, takes the hot path again.
    engine.execute('DROP VIEW by_meta');
    expect(engine.beginViewCheckpoint('totals').step(Infinity)).toBe(true);
  });

  it('queues the batches replayed to it by name, and the stream state goes on', () => {
    const engine = engineWithView();
    const batch = engine.validate('s', [{ k: 'q', x: 1, ts: T0 + 300 }]);
    const task = engine.beginViewCheckpoint('running');
    engine.apply('s', batch, { views: ['running', 'totals'], updateStream: false });
    expect(task.queuedEvents).toBe(1);
    expect(engine.stats().views.totals!.openGroups).toBe(1);
    expect(engine.stats().views.running!.openGroups).toBe(2);
    task.step(Infinity);
    expect(engine.stats().views.running!.openGroups).toBe(3);
    expect(engine.stats().streams.s).toEqual({ events: 2 });
  });
});
