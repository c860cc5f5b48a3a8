/**
 * Golden tests of the engine: each folder in `cases/` holds the statements (`case.sql`), a script
 * of steps (`input.ndjson`) and what the engine must produce (`expected.json`): every change batch
 * of every view with the input line that emitted it, the late events each view dropped, the views'
 * stats and final snapshots, the streams' event counts, snapshot query results and rejected steps.
 * `notes.md` in each folder derives the expected values by hand from the input.
 *
 * `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites expected.json from what the engine does;
 * check the diff against the notes before committing it.
 *
 * Steps, one JSON object per line (`note` is free text, ignored):
 * - `{"ingest": "stream", "events": [...]}`: engine.ingest;
 * - `{"advance": ms}`: the manual clock and engine.advanceTo move to `ms` (absolute);
 * - `{"flush": true}`: engine.flush;
 * - `{"sql": "..."}`: engine.execute; rows of SELECT (and SHOW, DESCRIBE) are recorded, and views
 *   it creates are recorded from then on.
 * A step that throws a VaneError is recorded in `errors` with its code and message.
 *
 * Rows within one batch and within a snapshot have no defined order; both are sorted by the view's
 * key. Non-finite numbers are written as strings ("NaN", "Infinity") so they cannot pass for null.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import {
  createEngine,
  InvalidEventError,
  ManualClock,
  VaneError,
  type ChangeBatch,
  type Engine,
  type OutputRow,
} from '../../src/index.ts';

const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cases');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

type Step =
  | { kind: 'ingest'; stream: string; events: unknown }
  | { kind: 'advance'; ms: number }
  | { kind: 'flush' }
  | { kind: 'sql'; sql: string };

interface RecordedBatch {
  line: number;
  upserts: OutputRow[];
  deletes: OutputRow[];
}

interface ViewResult {
  batches: RecordedBatch[];
  late: { line: number; timeMs: number; event: unknown }[];
  stats: { lateEvents: number; openGroups: number; rows: number; watermarkMs: number };
  snapshot: OutputRow[];
}

interface CaseResult {
  views: Record<string, ViewResult>;
  streams: Record<string, { events: number }>;
  queries: { line: number; sql: string; rows: OutputRow[] }[];
  errors: { line: number; code: string; message: string }[];
}

const STEP_KEYS = new Set(['ingest', 'events', 'advance', 'flush', 'sql', 'note']);

function parseSteps(text: string, file: string): { line: number; step: Step }[] {
  const steps: { line: number; step: Step }[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const where = `${file}:${line}`;
    const object = JSON.parse(raw) as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (!STEP_KEYS.has(key)) throw new Error(`${where}: unknown step field '${key}'`);
    }
    if (typeof object.ingest === 'string') {
      steps.push({ line, step: { kind: 'ingest', stream: object.ingest, events: object.events } });
    } else if (typeof object.advance === 'number') {
      steps.push({ line, step: { kind: 'advance', ms: object.advance } });
    } else if (object.flush === true) {
      steps.push({ line, step: { kind: 'flush' } });
    } else if (typeof object.sql === 'string') {
      steps.push({ line, step: { kind: 'sql', sql: object.sql } });
    } else {
      throw new Error(`${where}: a step needs ingest+events, advance, flush or sql`);
    }
  });
  return steps;
}

/** Orders rows by the view's key columns: NULL first, numbers by value, text by code unit. */
function byKey(key: readonly string[]): (a: OutputRow, b: OutputRow) => number {
  return (a, b) => {
    for (const column of key) {
      const x = a[column];
      const y = b[column];
      if (x === y) continue;
      if (x === null || x === undefined) return -1;
      if (y === null || y === undefined) return 1;
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      const sx = typeof x === 'string' ? x : JSON.stringify(x);
      const sy = typeof y === 'string' ? y : JSON.stringify(y);
      if (sx !== sy) return sx < sy ? -1 : 1;
    }
    return 0;
  };
}

function keyOf(row: OutputRow, key: readonly string[]): string {
  return JSON.stringify(key.map((column) => row[column]));
}

/** JSON form, with NaN and ±Infinity kept visible as strings. */
function normalize<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    ),
  ) as T;
}

/**
 * Contracts every case must keep whatever its expected output: a key at most once per batch, and
 * after a flush the snapshot is exactly what the changelog adds up to and `stats.rows` counts it.
 */
function checkChangelog(
  name: string,
  engine: Engine,
  key: readonly string[],
  batches: readonly RecordedBatch[],
  where: string,
): void {
  const table = new Map<string, OutputRow>();
  for (const batch of batches) {
    const seen = new Set<string>();
    for (const row of [...batch.deletes, ...batch.upserts]) {
      const id = keyOf(row, key);
      expect(
        seen.has(id),
        `${where}: view ${name}, key ${id} twice in the batch of line ${batch.line}`,
      ).toBe(false);
      seen.add(id);
    }
    for (const row of batch.deletes) {
      expect(
        Object.keys(row).sort(),
        `${where}: view ${name}, a delete carries only the key`,
      ).toEqual([...key].sort());
      table.delete(keyOf(row, key));
    }
    for (const row of batch.upserts) table.set(keyOf(row, key), row);
  }
  const snapshot = engine.snapshot(name);
  const order = byKey(key);
  expect(
    normalize([...snapshot].sort(order)),
    `${where}: view ${name}, the snapshot after a flush is the changelog replayed`,
  ).toEqual(normalize([...table.values()].sort(order)));
  expect(engine.stats().views[name]!.rows, `${where}: view ${name}, stats.rows`).toBe(
    snapshot.length,
  );
}

function runCase(dir: string): CaseResult {
  const sql = readFileSync(join(dir, 'case.sql'), 'utf8');
  const steps = parseSteps(readFileSync(join(dir, 'input.ndjson'), 'utf8'), 'input.ndjson');
  const clock = new ManualClock(0);
  let currentLine = 0;
  const result: CaseResult = { views: {}, streams: {}, queries: [], errors: [] };
  const engine = createEngine({
    clock,
    onLateEvent: (view, event, timeMs) => {
      result.views[view]!.late.push({ line: currentLine, timeMs, event });
    },
  });
  const keys = new Map<string, string[]>();
  /** Starts recording the views created since the last call (by case.sql or a sql step). */
  const watchNewViews = (): void => {
    for (const view of engine.views()) {
      if (keys.has(view.name)) continue;
      keys.set(view.name, view.key);
      const recorded: ViewResult = {
        batches: [],
        late: [],
        stats: { lateEvents: 0, openGroups: 0, rows: 0, watermarkMs: 0 },
        snapshot: [],
      };
      result.views[view.name] = recorded;
      const order = byKey(view.key);
      engine.onChanges(view.name, (batch: ChangeBatch) => {
        recorded.batches.push({
          line: currentLine,
          upserts: [...batch.upserts].sort(order),
          deletes: [...batch.deletes].sort(order),
        });
      });
    }
  };
  engine.execute(sql);
  watchNewViews();
  for (const { line, step } of steps) {
    currentLine = line;
    try {
      switch (step.kind) {
        case 'ingest':
          engine.ingest(step.stream, step.events);
          break;
        case 'advance':
          clock.set(step.ms);
          engine.advanceTo(step.ms);
          break;
        case 'flush':
          engine.flush();
          break;
        case 'sql':
          for (const statement of engine.execute(step.sql)) {
            if (statement.rows !== undefined) {
              result.queries.push({ line, sql: step.sql, rows: statement.rows });
            }
          }
          watchNewViews();
          break;
      }
    } catch (error) {
      if (!(error instanceof VaneError)) throw error;
      result.errors.push({ line, code: error.code, message: error.message });
    }
    if (step.kind === 'flush') {
      for (const [name, key] of keys) {
        checkChangelog(name, engine, key, result.views[name]!.batches, `input.ndjson:${line}`);
      }
    }
  }
  const stats = engine.stats();
  result.streams = stats.streams;
  for (const [name, key] of keys) {
    const view = result.views[name]!;
    const { lateEvents, openGroups, rows, watermarkMs } = stats.views[name]!;
    view.stats = { lateEvents, openGroups, rows, watermarkMs };
    view.snapshot = engine.snapshot(name).sort(byKey(key));
    expect(lateEvents, `view ${name}: stats.lateEvents counts the onLateEvent calls`).toBe(
      view.late.length,
    );
  }
  return normalize(result);
}

const caseNames = existsSync(CASES_DIR)
  ? readdirSync(CASES_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
  : [];

describe('golden cases', () => {
  it('finds the cases', () => {
    expect(caseNames.length).toBeGreaterThan(0);
  });

  for (const name of caseNames) {
    it(name, async () => {
      const dir = join(CASES_DIR, name);
      const actual = runCase(dir);
      const file = join(dir, 'expected.json');
      if (UPDATE) {
        const options = (await resolveConfig(file)) ?? {};
        const text = await format(JSON.stringify(actual), { ...options, parser: 'json' });
        writeFileSync(file, text);
        return;
      }
      if (!existsSync(file)) {
        throw new Error(
          `${name}: no expected.json; run UPDATE_GOLDEN=1 npx vitest run test/golden`,
        );
      }
      const expected = JSON.parse(readFileSync(file, 'utf8')) as CaseResult;
      // "line" in a diff is the input.ndjson line whose step emitted the batch or dropped the event.
      const differs = (what: string): string =>
        `${name}: ${what} differ from expected.json (if the change is right, check it against notes.md and run UPDATE_GOLDEN=1)`;
      for (const view of Object.keys({ ...expected.views, ...actual.views })) {
        expect(actual.views[view], differs(`the results of view ${view}`)).toEqual(
          expected.views[view],
        );
      }
      expect(actual.streams, differs('the stream event counts')).toEqual(expected.streams);
      expect(actual.queries, differs('the snapshot query results')).toEqual(expected.queries);
      expect(actual.errors, differs('the rejected steps')).toEqual(expected.errors);
    });
  }
});

const SALES_SQL = `
  CREATE STREAM sales (shop STRING, amount DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '0s');
  CREATE VIEW per_minute AS
    SELECT shop, window_start, window_end, sum(amount) AS total, count(*) AS n
    FROM TUMBLE(sales, INTERVAL '1' MINUTE) GROUP BY shop, window_start, window_end;
  CREATE VIEW per_shop AS SELECT shop, sum(amount) AS total FROM sales GROUP BY shop;
`;

describe('rejected input', () => {
  it('leaves every view unchanged when a batch has an invalid event', () => {
    const engine = createEngine({ clock: new ManualClock(0) });
    engine.execute(SALES_SQL);
    const batches: ChangeBatch[] = [];
    engine.onChanges('per_minute', (batch) => batches.push(batch));
    engine.onChanges('per_shop', (batch) => batches.push(batch));
    engine.ingest('sales', [{ shop: 'a', amount: 5, ts: 10_000 }]);
    engine.flush();
    batches.length = 0;
    const before = {
      stats: engine.stats(),
      perMinute: engine.snapshot('per_minute'),
      perShop: engine.snapshot('per_shop'),
    };

    // Event 0 alone would update both views and close the first minute (lateness 0s).
    const bad = [
      { shop: 'a', amount: 7, ts: 70_000 },
      { shop: 'b', amount: 'lots', ts: 71_000 },
    ];
    let error: unknown;
    try {
      engine.ingest('sales', bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).code).toBe('INVALID_EVENT');
    expect((error as InvalidEventError).eventIndex).toBe(1);
    expect((error as InvalidEventError).field).toBe('amount');

    expect(() => engine.ingest('sales', [{ shop: 'c', amount: 1 }])).toThrow(
      /event 0: ts: missing event time/,
    );
    expect(() => engine.ingest('sales', { shop: 'c', amount: 1, ts: 1 })).toThrow(VaneError);
    expect(() => engine.ingest('nope', [])).toThrow(/unknown stream 'nope'/);

    engine.flush();
    expect(batches).toEqual([]);
    expect(engine.stats()).toEqual(before.stats);
    expect(engine.snapshot('per_minute')).toEqual(before.perMinute);
    expect(engine.snapshot('per_shop')).toEqual(before.perShop);

    // The same events, valid, are then applied as usual: nothing of the rejected batch lingers.
    engine.ingest('sales', [{ shop: 'a', amount: 7, ts: 70_000 }]);
    engine.flush();
    expect(engine.snapshot('per_shop')).toEqual([{ shop: 'a', total: 12 }]);
    expect(engine.stats().streams.sales).toEqual({ events: 2 });
  });

  it('creates nothing when one statement of an execute call fails', () => {
    const engine = createEngine({ clock: new ManualClock(0) });
    engine.execute(SALES_SQL);
    expect(() =>
      engine.execute(`
        CREATE VIEW fine AS SELECT shop, count(*) AS n FROM sales GROUP BY shop;
        CREATE VIEW broken AS SELECT shop, sum(nope) AS n FROM sales GROUP BY shop;
      `),
    ).toThrow(/unknown column 'nope'/);
    expect(engine.views().map((view) => view.name)).toEqual(['per_minute', 'per_shop']);
    expect(() => engine.snapshot('fine')).toThrow(/unknown view 'fine'/);
  });
});

describe('contracts beyond the golden cases', () => {
  it('deletes a session kept by count one emission after its final row, never in the same batch', () => {
    const engine = createEngine({ clock: new ManualClock(0) });
    engine.execute(`
      CREATE STREAM s (k STRING, ts TIMESTAMP) WITH (timestamp = 'ts', lateness = '0s');
      CREATE VIEW sessions AS
        SELECT k, window_start, count(*) AS n FROM SESSION(s, INTERVAL '1' SECOND)
        GROUP BY k, window_start, window_end EMIT FINAL;
    `);
    const batches: ChangeBatch[] = [];
    engine.onChanges('sessions', (batch) => batches.push(batch));
    // 102 one-event sessions of one key, all closed before the next emission: two more than the
    // default keep of 100 closed sessions per key.
    const events = Array.from({ length: 102 }, (_, i) => ({ k: 'a', ts: i * 2000 }));
    engine.ingest('s', [...events, { k: 'a', ts: 1_000_000 }]);
    engine.flush();
    engine.flush();
    expect(batches.map((batch) => [batch.upserts.length, batch.deletes.length])).toEqual([
      [102, 0],
      [0, 2],
    ]);
    expect(batches[1]!.deletes.map((row) => row.window_start).sort()).toEqual([
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:00:02.000Z',
    ]);
    expect(engine.snapshot('sessions')).toHaveLength(100);
  });
});
