import { formatDurationMs, SqlError } from '../util/index.ts';
import type { OutputRow, StreamSpec, ViewPlan, WindowSpec } from '../engine/index.ts';
import { planQuery, planStream, planView, type QueryPlan, type Statement } from '../sql/index.ts';
import type { CatalogState } from './catalog-state.ts';
import type { StatementResult } from './engine-api.ts';

/**
 * What a planned statement does to the running engine. Planning never touches running state;
 * applying the actions cannot fail for a reason the user caused. Creations carry their own spec or
 * plan: a later statement of the same script may drop the object again before the actions run.
 */
export type Action =
  | { kind: 'result'; result: StatementResult }
  | { kind: 'create_stream'; name: string; spec: StreamSpec; result: StatementResult }
  | { kind: 'create_view'; name: string; plan: ViewPlan; result: StatementResult }
  | { kind: 'drop_stream'; name: string; result: StatementResult }
  | { kind: 'drop_view'; name: string; result: StatementResult }
  | { kind: 'query'; plan: QueryPlan };

/** Plans each statement against `draft`, updating it as it goes (so a script can build on itself). */
export function planStatements(
  statements: readonly Statement[],
  draft: CatalogState,
  nowMs: number,
): Action[] {
  return statements.map((statement) => planStatement(statement, draft, nowMs));
}

function planStatement(statement: Statement, draft: CatalogState, nowMs: number): Action {
  switch (statement.kind) {
    case 'create_stream': {
      const name = statement.name;
      if (draft.has(name))
        return existing(statement.ifNotExists, 'CREATE STREAM', name, draft, statement.pos);
      const spec = planStream(statement);
      draft.streamEntries.set(name, { spec, sql: statement.text });
      return {
        kind: 'create_stream',
        name,
        spec,
        result: { statement: 'CREATE STREAM', name, message: `created stream ${name}` },
      };
    }
    case 'create_view': {
      const name = statement.name;
      if (draft.has(name))
        return existing(statement.ifNotExists, 'CREATE VIEW', name, draft, statement.pos);
      const plan = planView(statement, draft);
      draft.viewEntries.set(name, { plan, sql: statement.text });
      return {
        kind: 'create_view',
        name,
        plan,
        result: { statement: 'CREATE VIEW', name, message: `created view ${name}` },
      };
    }
    case 'drop': {
      const name = statement.name;
      const label = statement.object === 'stream' ? 'DROP STREAM' : 'DROP VIEW';
      const exists =
        statement.object === 'stream' ? draft.streamEntries.has(name) : draft.viewEntries.has(name);
      if (!exists) {
        if (statement.ifExists)
          return {
            kind: 'result',
            result: {
              statement: label,
              name,
              message: `${statement.object} ${name} does not exist; nothing dropped`,
            },
          };
        throw new SqlError(
          statement.object === 'stream' ? 'UNKNOWN_STREAM' : 'UNKNOWN_VIEW',
          `unknown ${statement.object} '${name}'`,
          statement.pos,
        );
      }
      if (statement.object === 'view') {
        draft.viewEntries.delete(name);
        return {
          kind: 'drop_view',
          name,
          result: { statement: label, name, message: `dropped view ${name}` },
        };
      }
      const views = draft.viewsOf(name);
      if (views.length > 0) {
        throw new SqlError(
          'DEPENDENT_OBJECTS',
          `stream ${name} is read by view${views.length > 1 ? 's' : ''} ${views.join(', ')}; drop ${views.length > 1 ? 'them' : 'it'} first`,
          statement.pos,
        );
      }
      draft.streamEntries.delete(name);
      return {
        kind: 'drop_stream',
        name,
        result: { statement: label, name, message: `dropped stream ${name}` },
      };
    }
    case 'show':
      return {
        kind: 'result',
        result: statement.object === 'streams' ? showStreams(draft) : showViews(draft),
      };
    case 'describe':
      return { kind: 'result', result: describe(statement.name, draft, statement.pos) };
    case 'select':
      return { kind: 'query', plan: planQuery(statement, draft, nowMs) };
  }
}

function existing(
  ifNotExists: boolean,
  label: 'CREATE STREAM' | 'CREATE VIEW',
  name: string,
  draft: CatalogState,
  pos: { line: number; column: number },
): Action {
  const what = draft.streamEntries.has(name) ? 'stream' : 'view';
  if (ifNotExists)
    return {
      kind: 'result',
      result: { statement: label, name, message: `${what} ${name} already exists; kept` },
    };
  throw new SqlError('ALREADY_EXISTS', `a ${what} named '${name}' already exists`, pos);
}

function showStreams(draft: CatalogState): StatementResult {
  const rows: OutputRow[] = [...draft.streamEntries.values()].map(({ spec }) => ({
    name: spec.name,
    columns: spec.columns.map((column) => `${column.name} ${column.type}`).join(', '),
    timestamp: spec.timestampColumn,
    id: spec.idColumn,
    lateness: formatDurationMs(spec.latenessMs),
    retention: formatDurationMs(spec.retentionMs),
    views: draft.viewsOf(spec.name).join(', '),
  }));
  return {
    statement: 'SHOW STREAMS',
    message: `${rows.length} stream${rows.length === 1 ? '' : 's'}`,
    rows,
  };
}

function showViews(draft: CatalogState): StatementResult {
  const rows: OutputRow[] = [...draft.viewEntries.values()].map(({ plan }) => ({
    name: plan.name,
    stream: plan.stream,
    window: describeWindow(plan.window),
    emit: plan.emit === 'final' ? 'FINAL' : 'CHANGES',
    key: keyNames(plan).join(', '),
    emit_interval: formatDurationMs(plan.emitIntervalMs),
  }));
  return {
    statement: 'SHOW VIEWS',
    message: `${rows.length} view${rows.length === 1 ? '' : 's'}`,
    rows,
  };
}

function describe(
  name: string,
  draft: CatalogState,
  pos: { line: number; column: number },
): StatementResult {
  const stream = draft.streamEntries.get(name);
  if (stream !== undefined) {
    const rows = stream.spec.columns.map((column) => ({
      column: column.name,
      type: column.type,
      key: false,
      role:
        column.name === stream.spec.timestampColumn
          ? 'timestamp'
          : column.name === stream.spec.idColumn
            ? 'id'
            : null,
    }));
    return { statement: 'DESCRIBE', name, message: stream.sql, rows };
  }
  const view = draft.viewEntries.get(name);
  if (view !== undefined) {
    const keys = new Set(view.plan.keyColumns);
    const rows = view.plan.columns.map((column, i) => ({
      column: column.name,
      type: column.type,
      key: keys.has(i),
      role: null,
    }));
    return { statement: 'DESCRIBE', name, message: view.sql, rows };
  }
  throw new SqlError('UNKNOWN_VIEW', `no stream or view named '${name}'`, pos);
}

export function keyNames(plan: ViewPlan): string[] {
  return plan.keyColumns.map((index) => plan.columns[index]!.name);
}

/** `TUMBLE 1m`, `HOP 10s / 1m`, `SESSION 30s`, or null for a running aggregate. */
export function describeWindow(window: WindowSpec): string | null {
  switch (window.kind) {
    case 'none':
      return null;
    case 'tumble':
      return `TUMBLE ${formatDurationMs(window.sizeMs)}`;
    case 'hop':
      return `HOP ${formatDurationMs(window.slideMs)} / ${formatDurationMs(window.sizeMs)}`;
    case 'session':
      return `SESSION ${formatDurationMs(window.gapMs)}`;
  }
}
