import type { Change, LiveTable } from '../client/index.ts';
import { HIGHLIGHT_MS, type ScreenSource } from './tail-screen.ts';
import type { WatchContext } from './tail-watch.ts';
import { cellText } from './text-table.ts';

type Row = Record<string, unknown>;

/**
 * Subscribes to a view as a live table (snapshot, then every change; resumed across reconnects
 * by the SDK). Not live: each change as JSON lines on stdout, deletes before upserts as they
 * apply, so a reader applying them in order holds the view's rows. Live: the rows sorted by key
 * (or in the top-N order), cells that changed highlighted for a moment.
 */
export function watchView(context: WatchContext): ScreenSource | undefined {
  const { target, live } = context;
  const columns = target.columns.map((column) => column.name);
  const changedAt = new Map<string, Map<string, number>>();
  const seen = new Map<string, Row>();
  const idOf = (row: Row): string => JSON.stringify(table.key.map((column) => row[column] ?? null));
  const table: LiveTable<Row> = context.client.subscribe(
    target.name,
    {
      where: target.where,
      orderBy: target.orderBy === undefined ? undefined : [target.orderBy],
      limit: target.limit,
    },
    (change) => {
      if (!live) {
        writeChangeLines(change);
        return;
      }
      markChanges(change, idOf, seen, changedAt, columns);
      context.changed();
    },
  );
  table.on('error', (error) => context.failed(error));
  if (!live) return undefined;
  let frameRows: Row[] = [];
  return {
    title: () => context.title(table.size),
    columns: () => columns,
    rows: () =>
      (frameRows =
        target.orderBy === undefined ? sortedByKey(table.rows(), table.key) : table.rows()),
    highlighted: (index, column) => {
      const row = frameRows[index];
      if (!context.colour || row === undefined) return false;
      const atMs = changedAt.get(idOf(row))?.get(column);
      return atMs !== undefined && performance.now() - atMs < HIGHLIGHT_MS;
    },
    keepLast: false,
  };
}

function writeChangeLines(change: Change<Row>): void {
  const lines = [
    ...change.deletes.map((row) => JSON.stringify({ op: 'delete', row })),
    ...change.upserts.map((row) => JSON.stringify({ op: 'upsert', row })),
  ];
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Remembers which cells each upsert changed, and when, for the highlight. The rows of a first
 * snapshot are not highlighted: nothing changed, they were just not shown yet.
 */
function markChanges(
  change: Change<Row>,
  idOf: (row: Row) => string,
  seen: Map<string, Row>,
  changedAt: Map<string, Map<string, number>>,
  columns: readonly string[],
): void {
  const nowMs = performance.now();
  for (const row of change.deletes) {
    seen.delete(idOf(row));
    changedAt.delete(idOf(row));
  }
  for (const row of change.upserts) {
    const id = idOf(row);
    const before = seen.get(id);
    seen.set(id, row);
    if (change.snapshot && before === undefined) continue;
    const cells = changedAt.get(id) ?? new Map<string, number>();
    for (const column of columns) {
      if (before === undefined || cellText(before[column]) !== cellText(row[column])) {
        cells.set(column, nowMs);
      }
    }
    changedAt.set(id, cells);
  }
}

/** By the key columns, NULLs last: a stable order for a table whose rows arrive in any order. */
function sortedByKey(rows: Row[], key: readonly string[]): Row[] {
  const compare = (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    return (a as number | string) < (b as number | string) ? -1 : 1;
  };
  return rows.sort((a, b) => {
    for (const column of key) {
      const order = compare(a[column], b[column]);
      if (order !== 0) return order;
    }
    return 0;
  });
}
