import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEngine, ManualClock, type Engine, type OutputRow } from '../../src/index.ts';
import { ChangelogTable } from './changelog-table.ts';
import { compareRows, normalizeExpected, rowKey } from './compare-rows.ts';
import { DuckDbOracle } from './duckdb-oracle.ts';
import {
  generateStream,
  LATENESS_MS,
  STREAM_SQL,
  type GeneratedStream,
} from './generate-events.ts';
import {
  expectedAlignedLateSql,
  ORACLE_VIEWS,
  type LatenessRule,
  type OracleView,
} from './oracle-views.ts';
import { mulberry32, Random } from './prng.ts';
import { expectedSessionLateSeqs } from './session-lateness.ts';

/**
 * The oracle: seeded random streams (out of order within the lateness, some events beyond it)
 * run through views of every window kind; the final rows of every closed window must equal what
 * DuckDB computes with plain SQL from the events the view accepted. Exact for count, sum, min,
 * max, first, last and count_distinct; 1e-9 relative for avg, stddev and variance; 1% relative
 * for approx_percentile and 2% for approx_count_distinct. Which events are late is itself checked:
 * against DuckDB for TUMBLE and HOP, against a replay of the session rule for SESSION.
 */

const SEEDS = [1, 20_240_301, 987_654_321];
const EVENTS = 20_000;

interface Run {
  engine: Engine;
  tables: Map<string, ChangelogTable>;
  late: Map<string, number[]>;
  /** Breaches seen while the stream ran (late-event reports, snapshots). */
  problems: string[];
}

/** Ingests the stream in random batches with processing time moving in between. */
function runEngine(stream: GeneratedStream, seed: number): Run {
  const clock = new ManualClock(0);
  const late = new Map<string, number[]>(ORACLE_VIEWS.map((view) => [view.name, []]));
  const problems: string[] = [];
  const timeBySeq = new Map(stream.events.map((event) => [event.seq, event.tsMs]));
  const engine = createEngine({
    clock,
    onLateEvent: (view, event, timeMs) => {
      const seq = (event as { seq?: unknown }).seq;
      if (typeof seq !== 'number' || timeBySeq.get(seq) !== timeMs) {
        problems.push(`${view}: late report for ${JSON.stringify(event)} at ${timeMs}`);
        return;
      }
      late.get(view)!.push(seq);
    },
  });
  engine.execute([STREAM_SQL, ...ORACLE_VIEWS.map((view) => view.sql)].join('\n'));
  const tables = new Map<string, ChangelogTable>();
  for (const view of ORACLE_VIEWS) {
    const columns = Object.keys(view.columns);
    const table = new ChangelogTable(
      view.name,
      view.key,
      columns,
      view.windowEndMs,
      view.emitFinal,
    );
    tables.set(view.name, table);
    engine.onChanges(view.name, (batch) =>
      table.apply(batch, engine.stats().views[view.name]!.watermarkMs),
    );
  }
  const checkSnapshots = (when: string): void => {
    for (const view of ORACLE_VIEWS) {
      const table = tables.get(view.name)!;
      const snapshot = sortByKey(engine.snapshot(view.name), view.key);
      const applied = sortByKey([...table.rows.values()], view.key);
      if (JSON.stringify(snapshot) !== JSON.stringify(applied)) {
        problems.push(`${view.name}: snapshot differs from the changelog ${when}`);
      }
    }
  };

  const random = new Random(mulberry32(seed ^ 0x5eed));
  const events = stream.wire.slice(0, -1);
  for (let i = 0; i < events.length;) {
    const size = random.chance(0.2) ? random.int(1, 3) : random.int(1, 300);
    engine.ingest('trades', events.slice(i, i + size));
    i += size;
    clock.advance(random.int(0, 250));
    engine.advanceTo(clock.now());
    if (random.chance(0.03)) {
      engine.flush();
      checkSnapshots(`after a flush at event ${i}`);
    }
  }
  engine.ingest('trades', stream.wire.slice(-1));
  clock.advance(1_000);
  engine.advanceTo(clock.now());
  engine.flush();
  checkSnapshots('at the end');
  return { engine, tables, late, problems };
}

function sortByKey(rows: OutputRow[], key: readonly string[]): OutputRow[] {
  const keyed = rows.map((row) => [rowKey(row, key), row] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map(([, row]) => row);
}

async function expectedLateSeqs(
  oracle: DuckDbOracle,
  view: OracleView,
  stream: GeneratedStream,
): Promise<number[]> {
  const rule = view.lateness;
  switch (rule.kind) {
    case 'never':
      return [];
    case 'aligned':
      return (await oracle.query(expectedAlignedLateSql(view))).map((row) => row.seq as number);
    case 'session':
      return expectedSessionLateSeqs(
        stream.events,
        view.passes,
        rule.keyOf,
        rule.gapMs,
        LATENESS_MS,
      ).late;
  }
}

function firstFew(problems: readonly string[]): string[] {
  return problems.length <= 12
    ? [...problems]
    : [...problems.slice(0, 12), `… ${problems.length - 12} more`];
}

describe('oracle: the engine agrees with DuckDB on seeded random streams', () => {
  let oracle: DuckDbOracle;

  beforeAll(async () => {
    oracle = await DuckDbOracle.open();
  });

  afterAll(() => {
    oracle.close();
  });

  describe.each(SEEDS)('seed %i', (seed) => {
    const stream = generateStream(seed, EVENTS);
    let run: Run;

    beforeAll(async () => {
      run = runEngine(stream, seed);
      await oracle.load(stream.events, LATENESS_MS, run.late);
    });

    test('the changelogs keep their contract and snapshots match them', () => {
      const problems = [...run.problems];
      for (const table of run.tables.values()) problems.push(...table.problems);
      expect(firstFew(problems)).toEqual([]);
    });

    test.each(ORACLE_VIEWS.map((view) => [view.name, view] as const))(
      '%s: late events are exactly the ones the rule drops',
      async (_name, view) => {
        const expected = await expectedLateSeqs(oracle, view, stream);
        const reported = [...run.late.get(view.name)!].sort((a, b) => a - b);
        expect(reported).toEqual(expected);
        expect(run.engine.stats().views[view.name]!.lateEvents).toBe(reported.length);
        if (view.lateness.kind !== 'never') expect(reported.length).toBeGreaterThan(0);
      },
    );

    test.each(ORACLE_VIEWS.map((view) => [view.name, view] as const))(
      '%s: final rows equal DuckDB',
      async (_name, view) => {
        // Every window is closed: the sentinel moved the watermark a day past the last event.
        const stats = run.engine.stats().views[view.name]!;
        if (view.windowEndMs !== null) expect(stats.openGroups).toBe(0);
        const table = run.tables.get(view.name)!;
        expect(stats.rows).toBe(table.rows.size);

        const expected = normalizeExpected(await oracle.query(view.expectedSql), view.columns);
        expect(expected.length).toBeGreaterThan(0);
        const actual = [...table.rows.values()];
        expect(firstFew(compareRows(actual, expected, view.key, view.columns))).toEqual([]);
      },
    );

    test('EMIT FINAL emits each window once, after it closed', () => {
      for (const view of ORACLE_VIEWS.filter((v) => v.emitFinal)) {
        const table = run.tables.get(view.name)!;
        expect(table.deletes).toBe(0);
        const repeated = [...table.upsertCounts].filter(([, count]) => count !== 1);
        expect(repeated).toEqual([]);
        expect(table.upsertCounts.size).toBe(table.rows.size);
      }
    });

    // Guards against a generator change that would make the checks above pass vacuously.
    test('the stream exercises the edge cases', async () => {
      const count = async (sql: string): Promise<number> =>
        (await oracle.query(`SELECT count(*) AS c FROM (${sql})`))[0]!.c as number;
      // Out of order within the lateness, yet accepted.
      expect(
        await count(`SELECT * FROM evw WHERE ts < wm + ${LATENESS_MS} AND ts >= wm`),
      ).toBeGreaterThan(100);
      // HOP: accepted by its newer windows, too late for its older ones.
      expect(
        await count(`SELECT * FROM evw WHERE price IS NOT NULL
          AND (ts // 2000) * 2000 + 10000 > wm AND (ts // 2000) * 2000 - 8000 + 10000 <= wm`),
      ).toBeGreaterThan(0);
      // first/last ties in event time, broken by arrival.
      expect(
        await count(`SELECT symbol, ts FROM evw WHERE price IS NOT NULL
          GROUP BY symbol, ts HAVING count(*) > 1`),
      ).toBeGreaterThan(0);
      // Sessions: consecutive events exactly one gap apart (a new session).
      expect(
        await count(`SELECT * FROM (
            SELECT ts - lag(ts) OVER (PARTITION BY account ORDER BY ts, seq) AS d FROM evw
            WHERE seq NOT IN (SELECT seq FROM late WHERE view = 'account_sessions')
          ) WHERE d = 3000`),
      ).toBeGreaterThan(0);
      // Sessions: events dropped only because they fall in a session that already closed.
      const sessions = ORACLE_VIEWS.find((view) => view.name === 'account_sessions')!;
      const rule = sessions.lateness as Extract<LatenessRule, { kind: 'session' }>;
      const { reopening, rescued } = expectedSessionLateSeqs(
        stream.events,
        sessions.passes,
        rule.keyOf,
        rule.gapMs,
        LATENESS_MS,
      );
      expect(reopening).toBeGreaterThan(0);
      // Sessions: events whose own gap is closed, accepted into an open session they overlap.
      expect(rescued).toBeGreaterThan(0);
      // approx_count_distinct beyond the sketch's exact mode (3,072 values).
      const distinct = await oracle.query(`SELECT max(c) AS c FROM (
          SELECT count(DISTINCT user_id) AS c FROM evw GROUP BY ts // 300000)`);
      expect(distinct[0]!.c).toBeGreaterThan(3_072);
      // Retractions: session starts moving and merges, HAVING rows leaving.
      expect(run.tables.get('account_sessions')!.deletes).toBeGreaterThan(0);
      expect(run.tables.get('busy_10s')!.deletes).toBeGreaterThan(0);
    });
  });
});
