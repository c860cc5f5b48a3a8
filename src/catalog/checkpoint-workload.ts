/**
 * Test-only: a catalog that uses every window kind, emit mode and kind of aggregate state, a random
 * workload for it, and helpers to checkpoint and restore all of its views and streams.
 */

import type { ChangeBatch } from '../engine/index.ts';
import { ManualClock } from '../util/index.ts';
import { createEngine } from './create-engine.ts';
import type { Engine, EngineOptions } from './engine-api.ts';

/** The random source of a workload: the tests pass a seeded Prng (util/prng.ts). */
export interface Random {
  next(): number;
  intIn(min: number, max: number): number;
  chance(p: number): boolean;
  normal(): number;
  pick<T>(items: readonly T[]): T;
}

export const T0 = Date.UTC(2024, 0, 1);

export const SQL = `
CREATE STREAM s (k STRING, g BIGINT, x DOUBLE, tag STRING, meta JSON, text STRING, ts TIMESTAMP)
  WITH (timestamp = 'ts', lateness = '2s');
CREATE STREAM arrivals (k STRING, x DOUBLE) WITH (lateness = '500ms');

CREATE VIEW tumble_changes WITH (emit_interval = '300ms', keep = '20s') AS
  SELECT k, window_start, window_end, count(*) AS n, sum(x) AS total, avg(x) AS mean,
         approx_percentile(x, 0.9) AS p90, approx_count_distinct(tag) AS tags,
         top_k(tag, 2) AS top, first(x) AS fx, last(tag) AS lt, count_distinct(tag) AS cd,
         min(tag) AS mt
  FROM TUMBLE(s, INTERVAL '5' SECOND)
  GROUP BY k, window_start, window_end
  HAVING count(*) > 1;

CREATE VIEW tumble_final WITH (emit_interval = '1s') AS
  SELECT k, window_start, count(*) AS n, max(x) AS hi, last(meta) AS lm, first(text) AS ft
  FROM TUMBLE(s, INTERVAL '1' SECOND)
  GROUP BY k, window_start
  EMIT FINAL;

CREATE VIEW hop_changes WITH (emit_interval = '200ms', keep = '10s') AS
  SELECT k, g, window_start, count(*) AS n, avg(x) AS mean, stddev(x) AS sd
  FROM HOP(s, INTERVAL '2' SECOND, INTERVAL '6' SECOND)
  WHERE x IS NOT NULL
  GROUP BY k, g, window_start
  HAVING avg(x) > 40;

CREATE VIEW hop_final AS
  SELECT k, window_start, window_end, count(*) AS n, approx_percentile(x, 0.5) AS p50
  FROM HOP(s, INTERVAL '1' SECOND, INTERVAL '3' SECOND)
  GROUP BY k, window_start, window_end
  EMIT FINAL;

CREATE VIEW session_changes WITH (emit_interval = '250ms') AS
  SELECT k, window_start, window_end, count(*) AS n, sum(x) AS total, first(tag) AS ft,
         last(x) AS lx, top_k(hashtags(text), 2) AS hot
  FROM SESSION(s, INTERVAL '1500' MILLISECOND)
  GROUP BY k, window_start, window_end;

CREATE VIEW session_final WITH (keep = '15s') AS
  SELECT k, window_start, window_end, count(*) AS n, count_distinct(g) AS gs
  FROM SESSION(s, INTERVAL '1' SECOND)
  GROUP BY k, window_start, window_end
  HAVING count(*) >= 2
  EMIT FINAL;

CREATE VIEW running WITH (emit_interval = '400ms') AS
  SELECT k, g, count(*) AS n, sum(x) AS total, first(meta) AS fm, last(text) AS lt,
         top_k(hashtags(text), 3) AS hot, max(x) * 0 * -1 AS negzero,
         max(x) * 1e308 * 10 AS inf, max(x) * 1e308 * 10 - max(x) * 1e308 * 10 AS nan
  FROM s
  GROUP BY k, g
  HAVING sum(x) > 0;

CREATE VIEW by_meta AS SELECT meta, count(*) AS n, ewma(x, 0.3) AS trend FROM s GROUP BY meta;

CREATE VIEW totals AS SELECT count(*) AS n, approx_count_distinct(k) AS keys FROM s;

CREATE VIEW arrival_changes WITH (emit_interval = '100ms', keep = '4s') AS
  SELECT k, window_start, count(*) AS n, sum(x) AS total
  FROM TUMBLE(arrivals, INTERVAL '1' SECOND)
  GROUP BY k, window_start;

CREATE VIEW arrival_final AS
  SELECT k, window_start, window_end, count(*) AS n
  FROM SESSION(arrivals, INTERVAL '700' MILLISECOND)
  GROUP BY k, window_start, window_end
  EMIT FINAL;
`;

export const VIEWS = [
  'tumble_changes',
  'tumble_final',
  'hop_changes',
  'hop_final',
  'session_changes',
  'session_final',
  'running',
  'by_meta',
  'totals',
  'arrival_changes',
  'arrival_final',
];
export const STREAMS = ['s', 'arrivals'];

/** One step of the workload, at processing time `nowMs`. */
export type Op =
  | { kind: 'ingest'; stream: string; events: object[]; nowMs: number }
  | { kind: 'tick'; nowMs: number }
  | { kind: 'flush'; nowMs: number };

const KEYS = ['a', 'b', 'c', 'd', 'e'];
const TAGS = ['t1', 't2', 't3', 't4', 't5', 't6', 't7'];
const METAS: unknown[] = [{ site: 1 }, { site: 2, tags: ['x', 'y'] }, [1, 2], 'plain', null, 7];
const TEXTS = ['hello #a', 'so #a #b', '#c rules', 'nothing here', '#b #b #d'];

/**
 * Event time walks forward in small steps with now and then a jump (sessions close, windows
 * close); one event in five comes out of order, some beyond the lateness (late, or bridging two
 * sessions into one). Processing time moves with event time, so emit intervals matter.
 */
export function workload(rng: Random, steps: number): Op[] {
  const ops: Op[] = [];
  let eventMs = T0;
  let nowMs = T0;
  for (let step = 0; step < steps; step++) {
    const roll = rng.next();
    if (roll < 0.7) {
      const events: object[] = [];
      const count = rng.intIn(1, 4);
      for (let i = 0; i < count; i++) {
        // Times on a 50 ms grid: sessions of different keys often end together (ties in order).
        eventMs += 50 * (rng.chance(0.03) ? rng.intIn(30, 120) : rng.intIn(0, 5));
        const ts = rng.chance(0.2) ? eventMs - 50 * rng.intIn(0, 70) : eventMs;
        events.push({
          k: rng.pick(KEYS),
          g: rng.intIn(1, 2),
          x: rng.chance(0.1) ? null : rng.chance(0.3) ? rng.intIn(-50, 50) : 20 + rng.normal() * 30,
          tag: rng.chance(0.1) ? null : rng.pick(TAGS),
          meta: rng.pick(METAS),
          text: rng.pick(TEXTS),
          ts,
        });
      }
      ops.push({ kind: 'ingest', stream: 's', events, nowMs });
    } else if (roll < 0.8) {
      const events = Array.from({ length: rng.intIn(1, 3) }, () => ({
        k: rng.pick(KEYS.slice(0, 3)),
        x: rng.intIn(0, 10),
      }));
      ops.push({ kind: 'ingest', stream: 'arrivals', events, nowMs });
    } else if (roll < 0.97) {
      nowMs = Math.max(nowMs + rng.intIn(0, 400), eventMs - 1000);
      ops.push({ kind: 'tick', nowMs });
    } else {
      ops.push({ kind: 'flush', nowMs });
    }
  }
  ops.push({ kind: 'tick', nowMs: nowMs + 60_000 }, { kind: 'flush', nowMs: nowMs + 60_000 });
  return ops;
}

export interface Harness {
  engine: Engine;
  clock: ManualClock;
  /** Every change batch, in emission order. */
  log: ChangeBatch[];
}

export function harness(options: Omit<EngineOptions, 'clock'> = {}): Harness {
  const clock = new ManualClock(T0);
  const engine = createEngine({ ...options, clock });
  engine.execute(SQL);
  const log: ChangeBatch[] = [];
  for (const view of VIEWS) engine.onChanges(view, (batch) => log.push(batch));
  return { engine, clock, log };
}

/** `flush` emits at the time of the last `advanceTo`: both engines must have seen one first. */
export function run({ engine, clock }: Harness, op: Op): void {
  clock.set(op.nowMs);
  switch (op.kind) {
    case 'ingest':
      engine.ingest(op.stream, op.events);
      return;
    case 'tick':
      engine.advanceTo(op.nowMs);
      return;
    case 'flush':
      engine.advanceTo(op.nowMs);
      engine.flush();
      return;
  }
}

export interface Saved {
  views: Record<string, unknown>;
  streams: Record<string, unknown>;
}

export function checkpointAll(engine: Engine): Saved {
  const saved: Saved = { views: {}, streams: {} };
  for (const view of VIEWS) saved.views[view] = engine.checkpointView(view);
  for (const stream of STREAMS) saved.streams[stream] = engine.checkpointStream(stream);
  return JSON.parse(JSON.stringify(saved)) as Saved;
}

export function restoreAll(saved: Saved, nowMs: number): Harness {
  const restored = harness();
  restored.clock.set(nowMs);
  for (const stream of STREAMS) restored.engine.restoreStream(stream, saved.streams[stream]);
  for (const view of VIEWS) restored.engine.restoreView(view, saved.views[view]);
  return restored;
}
