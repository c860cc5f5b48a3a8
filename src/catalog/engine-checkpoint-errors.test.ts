import { describe, expect, it } from 'vitest';
import { CheckpointMismatchError, type SqlType } from '../engine/index.ts';
import { Prng } from '../util/index.ts';
import { ManualClock, VaneError } from '../util/index.ts';
import {
  checkpointAll,
  harness,
  run,
  SQL,
  T0,
  VIEWS,
  workload,
  type Saved,
} from './checkpoint-workload.ts';
import { createEngine } from './create-engine.ts';
import type { Engine } from './engine-api.ts';

const STREAM = `CREATE STREAM s (k STRING, x DOUBLE, ts TIMESTAMP) WITH (timestamp = 'ts');`;

function engineWith(sql: string, nowMs = T0): Engine {
  const engine = createEngine({ clock: new ManualClock(nowMs) });
  engine.execute(sql);
  return engine;
}

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('restoring into something else', () => {
  const viewA = `CREATE VIEW a AS SELECT k, count(*) AS n FROM s GROUP BY k`;

  it('refuses another definition, another view or another version, and changes nothing', () => {
    const original = engineWith(`${STREAM} ${viewA}`);
    original.ingest('s', [{ k: 'x', x: 1, ts: T0 }]);
    original.flush();
    const checkpoint = JSON.parse(JSON.stringify(original.checkpointView('a'))) as Record<
      string,
      unknown
    >;

    const other = engineWith(`${STREAM}
      CREATE VIEW a AS SELECT k, sum(x) AS n FROM s GROUP BY k;
      CREATE VIEW b AS SELECT k, count(*) AS n FROM s GROUP BY k;
      CREATE VIEW c AS SELECT k, count(*) AS n FROM s WHERE x > 0 GROUP BY k;`);
    other.ingest('s', [{ k: 'y', x: 2, ts: T0 }]);
    other.flush();
    const before = other.views().map((view) => other.checkpointView(view.name));
    for (const [name, data] of [
      ['a', checkpoint],
      ['b', checkpoint],
      ['b', { ...checkpoint, view: 'b' }],
      ['c', { ...checkpoint, view: 'c' }],
    ] as const) {
      const error = thrown(() => other.restoreView(name, data));
      expect(error, name).toBeInstanceOf(CheckpointMismatchError);
      expect(error).toMatchObject({ code: 'CORRUPT_STATE' });
    }
    for (const version of [1, 3]) {
      // Version 1 had the group table in one piece; only the current version is read.
      const other = { ...checkpoint, version };
      expect(() => original.restoreView('a', other)).toThrow(CheckpointMismatchError);
      expect(() => original.restoreView('a', other)).toThrow(`format version ${version}`);
    }
    expect(other.views().map((view) => other.checkpointView(view.name))).toEqual(before);
    expect(() => other.restoreView('nope', checkpoint)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_VIEW' }),
    );
  });

  it('accepts the same definition planned at another time, from differently laid out SQL', () => {
    const original = engineWith(`${STREAM} ${viewA}`);
    original.ingest('s', [{ k: 'x', x: 1, ts: T0 }]);
    const checkpoint = JSON.parse(JSON.stringify(original.checkpointView('a'))) as unknown;
    const later = engineWith(
      `${STREAM}\n\ncreate view a as\n  select k, COUNT(*) as n\n  from s\n  group by k`,
      T0 + 86_400_000,
    );
    later.restoreView('a', checkpoint);
    later.flush();
    expect(later.snapshot('a')).toEqual([{ k: 'x', n: 1 }]);
  });

  it('refuses a stream checkpoint of another stream or version; damaged ones are CORRUPT_STATE', () => {
    const engine = engineWith(`${STREAM} CREATE STREAM t (k STRING) WITH (lateness = '1s');`);
    engine.ingest('s', [{ k: 'x', ts: T0 }]);
    const good = engine.checkpointStream('s');
    expect(good).toEqual({ version: 1, stream: 's', maxTimeMs: T0, events: 1 });
    expect(() => engine.restoreStream('t', good)).toThrow(CheckpointMismatchError);
    expect(() => engine.restoreStream('s', { ...good, version: 0 })).toThrow(
      CheckpointMismatchError,
    );
    for (const damaged of [
      null,
      [],
      'x',
      { ...good, maxTimeMs: 'soon' },
      { ...good, maxTimeMs: 'NaN' },
      { ...good, events: -1 },
      { ...good, events: 1.5 },
      { ...good, events: '1' },
      { version: 1, stream: 's' },
    ]) {
      const error = thrown(() => engine.restoreStream('s', damaged));
      expect(error, JSON.stringify(damaged)).toBeInstanceOf(VaneError);
      expect(error).toMatchObject({ code: 'CORRUPT_STATE' });
    }
    expect(engine.checkpointStream('s')).toEqual(good);
    engine.restoreStream('s', { ...good, maxTimeMs: '-Infinity', events: 0 });
    expect(engine.stats().streams.s).toEqual({ events: 0 });
  });
});

type Path = (string | number)[];

/** Checkpoints of the test catalog at a few points of a workload, as JSON data. */
function damagedFixtures(): { engine: Engine; points: Saved[] } {
  const ops = workload(new Prng(11), 700);
  const original = harness();
  const points: Saved[] = [];
  ops.forEach((op, i) => {
    if (i === 240 || i === 480 || i === 699) points.push(checkpointAll(original.engine));
    run(original, op);
  });
  return { engine: harness().engine, points };
}

/**
 * Paths where a value of another type or a shorter array is damage the restore must find: all of
 * the checkpoint's own structure, down to each row cell and each group's list of aggregate data,
 * but not inside an encoded value or an aggregate's data (accumulator.contract.test.ts covers
 * that), and not cells of JSON columns (any value is one).
 */
function checkedPaths(data: unknown, columnTypes: readonly SqlType[]): Path[] {
  const paths: Path[] = [];
  const walk = (node: unknown, path: Path): void => {
    const [top, field] = path;
    // The group table is a list of chunks: groups[chunk][column][group].
    const column = top === 'groups' ? path[2] : undefined;
    const emittedCell = column === 'emitted' && path.length === 5;
    const deletedCell = top === 'pendingDeletes' && path.length === 3;
    const cell = emittedCell ? path[4] : deletedCell ? path[2] : -1;
    if (columnTypes[cell as number] === 'JSON') return;
    paths.push(path);
    // Encoded values and aggregate data are leaves here.
    const leaf =
      emittedCell ||
      deletedCell ||
      (top === 'groups' && path.length === (column === 'keys' || column === 'states' ? 4 : 5)) ||
      (top === 'store' && field === 'overfull' && path.length === 3) ||
      (top === 'store' && field === 'keys' && path.length === 4 && path[3] === 0);
    if (leaf || typeof node !== 'object' || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      walk(child, [...path, Array.isArray(node) ? Number(key) : key]);
    }
  };
  walk(data, []);
  return paths;
}

/** A value of another JSON type that is no encoding of the same value either. */
function wrongType(value: unknown): unknown {
  if (value === null) return {};
  if (Array.isArray(value)) return 'x';
  switch (typeof value) {
    case 'string':
      return true;
    case 'object':
      return 5;
    default:
      return 'x';
  }
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  return node;
}

describe('damaged view checkpoints', () => {
  /**
   * Each damage is tried on its own, on checkpoints of every view at three points of a workload;
   * the restore must throw CORRUPT_STATE, or it would have built a silently wrong view.
   */
  function expectAllRejected(damage: (root: unknown, path: Path) => (() => void) | null): void {
    const { engine, points } = damagedFixtures();
    const rng = new Prng(3);
    const accepted: string[] = [];
    let tried = 0;
    for (const [p, point] of points.entries()) {
      for (const view of VIEWS) {
        const data = point.views[view];
        const columnTypes = engine.views().find((info) => info.name === view)!.columns;
        const paths = checkedPaths(
          data,
          columnTypes.map((column) => column.type),
        ).filter((path) => path.length <= 2 || rng.chance(0.12));
        for (const path of paths) {
          const undo = damage(data, path);
          if (undo === null) continue;
          tried++;
          const error = thrown(() => engine.restoreView(view, data));
          undo();
          if (!(error instanceof VaneError) || error.code !== 'CORRUPT_STATE') {
            accepted.push(`point ${p} ${view} ${path.join('.')}: ${String(error)}`);
          }
        }
        engine.restoreView(view, data);
      }
    }
    expect(accepted).toEqual([]);
    expect(tried).toBeGreaterThan(200);
  }

  it('rejects a value of the wrong type anywhere in the structure', () => {
    expectAllRejected((root, path) => {
      if (path.length === 0) return null;
      const parent = parentOf(root, path);
      const key = path.at(-1)!;
      const original = parent[key];
      parent[key] = wrongType(original);
      return () => {
        parent[key] = original;
      };
    });
  });

  it('rejects every truncated array', () => {
    expectAllRejected((root, path) => {
      const node = path.length === 0 ? root : parentOf(root, path)[path.at(-1)!];
      if (!Array.isArray(node) || node.length === 0) return null;
      const last: unknown = node.pop();
      return () => node.push(last);
    });
  });

  it('rejects a checkpoint missing any field', () => {
    expectAllRejected((root, path) => {
      if (path.length === 0 || typeof path.at(-1) === 'number') return null;
      const parent = parentOf(root, path);
      const key = path.at(-1)!;
      if (Array.isArray(parent)) return null;
      const original = parent[key];
      delete parent[key];
      return () => {
        parent[key] = original;
      };
    });
  });

  it('restores the fixtures themselves (the damage above is what fails)', () => {
    const { engine, points } = damagedFixtures();
    for (const point of points)
      for (const view of VIEWS) engine.restoreView(view, point.views[view]);
    expect(SQL).toContain('CREATE VIEW');
  });
});
