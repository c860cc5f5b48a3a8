import {
  AGGREGATE_FUNCTIONS,
  type AggregateCall,
  type ExprType,
  type KeepPolicy,
  type PlanExpr,
  type SqlType,
  type StreamSpec,
  type Value,
  type ViewPlan,
  type WindowSpec,
} from '../engine/index.ts';
import { SqlError, type SourcePosition } from '../util/index.ts';
import type { CallExpr, ColumnRef, CreateViewStatement, Expr, SelectStatement } from './ast.ts';
import { arity, bindExpr, type BindScope } from './bind-expr.ts';
import { exprKey } from './expr-key.ts';
import { booleanOption, durationOption, readOptions } from './plan-options.ts';
import { type PlannerCatalog, requireStream } from './planner-catalog.ts';
import { SelectList } from './select-list.ts';
import { didYouMean } from './suggest.ts';

export const DEFAULT_EMIT_INTERVAL_MS = 100;
export const DEFAULT_KEEP_WINDOWS = 100;
/** An event may belong to at most this many HOP windows (size / slide). */
export const MAX_WINDOWS_PER_EVENT = 1000;
const WINDOW_COLUMNS = ['window_start', 'window_end'];

/** CREATE VIEW to a ViewPlan: names resolved, types checked, aggregates laid out. */
export function planView(statement: CreateViewStatement, catalog: PlannerCatalog): ViewPlan {
  const options = readOptions(
    statement.options,
    { emit_interval: durationOption, keep: durationOption, backfill: booleanOption },
    'view',
  );
  if (options.backfill === true && catalog.backfill !== true) {
    const entry = statement.options.find((option) => option.key === 'backfill')!;
    throw new SqlError(
      'SQL_UNSUPPORTED',
      'backfill needs the retained event log: the server has one, an embedded engine does not',
      entry.pos,
    );
  }
  const query = statement.query;
  if (query.orderBy.length > 0 || query.limit !== null) {
    throw new SqlError(
      'SQL_UNSUPPORTED',
      'a view is a whole table: leave out ORDER BY and LIMIT and ask for them when subscribing (order_by, limit) or in a snapshot query',
      query.orderBy[0]?.pos ?? query.pos,
    );
  }
  const { stream, window } = planFrom(query, catalog);
  const planner = new ViewPlanner(query, stream, window);
  const emit = query.emit ?? 'changes';
  if (emit === 'final' && window.kind === 'none') {
    throw new SqlError(
      'SQL_UNSUPPORTED',
      'EMIT FINAL needs a window (TUMBLE, HOP or SESSION): without one nothing is ever final',
      query.pos,
    );
  }
  const keep: KeepPolicy =
    options.keep !== undefined
      ? { kind: 'duration', ms: options.keep }
      : { kind: 'windows', windows: DEFAULT_KEEP_WINDOWS };
  return {
    name: statement.name,
    stream: stream.name,
    window,
    latenessMs: stream.latenessMs,
    ...planner.plan(),
    emit,
    emitIntervalMs: options.emit_interval ?? DEFAULT_EMIT_INTERVAL_MS,
    keep,
    backfill: options.backfill === true,
  };
}

function planFrom(
  query: SelectStatement,
  catalog: PlannerCatalog,
): { stream: StreamSpec; window: WindowSpec } {
  const from = query.from;
  if (from.kind === 'relation') {
    return { stream: requireStream(catalog, from.name, from.pos), window: { kind: 'none' } };
  }
  const stream = requireStream(catalog, from.source, from.sourcePos);
  const durations = from.args.map((arg) => intervalMs(arg, from.window));
  switch (from.window) {
    case 'tumble':
      return { stream, window: { kind: 'tumble', sizeMs: durations[0]! } };
    case 'session':
      return { stream, window: { kind: 'session', gapMs: durations[0]! } };
    case 'hop': {
      const [slideMs, sizeMs] = durations as [number, number];
      if (slideMs > sizeMs) {
        throw new SqlError(
          'SQL_TYPE',
          `HOP slide (${slideMs}ms) is longer than its size (${sizeMs}ms); write HOP(stream, slide, size)`,
          from.args[0]!.pos,
        );
      }
      if (sizeMs / slideMs > MAX_WINDOWS_PER_EVENT) {
        throw new SqlError(
          'SQL_TYPE',
          `HOP size / slide must be at most ${MAX_WINDOWS_PER_EVENT} (each event updates that many windows)`,
          from.args[0]!.pos,
        );
      }
      return { stream, window: { kind: 'hop', slideMs, sizeMs } };
    }
  }
}

function intervalMs(arg: Expr, window: string): number {
  let ms: number | null = null;
  if (arg.kind === 'interval') ms = arg.ms;
  if (ms === null || !(ms > 0)) {
    throw new SqlError(
      'SQL_TYPE',
      `${window.toUpperCase()} takes positive intervals such as INTERVAL '1' MINUTE`,
      arg.pos,
    );
  }
  return ms;
}

interface BoundAggregate {
  call: AggregateCall;
  numSlots: number;
  objSlots: number;
}

/** The state of planning one view's SELECT: group keys, aggregate calls, outputs. */
class ViewPlanner {
  private readonly windowed: boolean;
  private readonly groupKeys: PlanExpr[] = [];
  private readonly groupKeyAst = new Map<string, number>();
  /** Group keys that are plain stream columns, by column name. */
  private readonly groupColumns = new Map<string, number>();
  private readonly aggregates: BoundAggregate[] = [];
  private readonly aggregateIndex = new Map<string, number>();
  private readonly aggregateTypes: SqlType[] = [];
  private numSlots = 0;
  private objSlots = 0;
  private aliases = new Map<string, PlanExpr>();

  constructor(
    private readonly query: SelectStatement,
    private readonly stream: StreamSpec,
    window: WindowSpec,
  ) {
    this.windowed = window.kind !== 'none';
  }

  plan(): Pick<
    ViewPlan,
    | 'filter'
    | 'groupKeys'
    | 'aggregates'
    | 'numSlots'
    | 'objSlots'
    | 'columns'
    | 'outputs'
    | 'keyColumns'
    | 'having'
  > {
    const query = this.query;
    const eventScope = this.eventScope(
      'aggregate functions like %s are not allowed in WHERE; filter groups with HAVING',
    );
    let filter: PlanExpr | null = null;
    if (query.where !== null) {
      filter = bindExpr(query.where, eventScope);
      requireBoolean(filter.type, 'WHERE', query.where.pos);
    }
    if (query.groupBy.length === 0 && !mentionsAggregate([query.items, query.having])) {
      throw new SqlError(
        'SQL_UNSUPPORTED',
        'a view aggregates: add GROUP BY or an aggregate such as count(*) (to watch raw events, subscribe to the stream)',
        query.pos,
      );
    }
    this.planGroupKeys();
    const groupScope = this.groupScope(false);
    const select = new SelectList();
    for (const [index, item] of query.items.entries()) {
      if (item.kind === 'star') {
        throw new SqlError(
          'SQL_UNSUPPORTED',
          'SELECT * cannot be used in a view that aggregates; name the columns',
          item.pos,
        );
      }
      select.addItem(item.expr, item.alias, index, bindExpr(item.expr, groupScope), item.pos);
    }
    this.aliases = select.aliases;
    const { columns, outputs } = select;
    const keyColumns = this.keyColumns(select);
    let having: PlanExpr | null = null;
    if (query.having !== null) {
      having = bindExpr(query.having, this.groupScope(true));
      requireBoolean(having.type, 'HAVING', query.having.pos);
    }
    this.resolveSlots(having === null ? outputs : [...outputs, having]);
    return {
      filter,
      groupKeys: this.groupKeys,
      aggregates: this.aggregates.map((aggregate) => aggregate.call),
      numSlots: this.numSlots,
      objSlots: this.objSlots,
      columns,
      outputs,
      keyColumns,
      having,
    };
  }

  private get windowAt(): number {
    return this.groupKeys.length + this.aggregates.length;
  }

  private planGroupKeys(): void {
    const scope = this.eventScope('aggregate functions like %s cannot be in GROUP BY');
    const isWindowColumn = (expr: Expr): boolean =>
      this.windowed && expr.kind === 'column' && WINDOW_COLUMNS.includes(expr.name);
    for (const item of this.query.groupBy) {
      let expr = item;
      if (expr.kind === 'number' && expr.isInteger) {
        const selected = this.query.items[expr.value - 1];
        if (selected === undefined || selected.kind !== 'expr') {
          throw new SqlError(
            'SQL_TYPE',
            `GROUP BY ${expr.value} does not name a select item`,
            expr.pos,
          );
        }
        expr = selected.expr;
      } else if (expr.kind === 'column' && !isWindowColumn(expr)) {
        if (!this.stream.columns.some((column) => column.name === (expr as ColumnRef).name)) {
          const aliased = this.query.items.find(
            (selected) => selected.kind === 'expr' && selected.alias === (expr as ColumnRef).name,
          );
          if (aliased?.kind === 'expr') expr = aliased.expr;
        }
      }
      // Window bounds are implicit keys, also when named by an ordinal or an alias.
      if (isWindowColumn(expr)) continue;
      const key = exprKey(expr);
      if (this.groupKeyAst.has(key)) continue;
      const bound = bindExpr(expr, scope);
      this.groupKeyAst.set(key, this.groupKeys.length);
      if (bound.kind === 'field') this.groupColumns.set(bound.name, this.groupKeys.length);
      this.groupKeys.push(bound);
    }
  }

  /** Names before aggregation: the stream's columns, read from each event. */
  private eventScope(aggregateMessage: string): BindScope {
    const stream = this.stream;
    return {
      column: (ref) => {
        const column = stream.columns.find((candidate) => candidate.name === ref.name);
        if (column !== undefined) return { kind: 'field', name: column.name, type: column.type };
        if (this.windowed && WINDOW_COLUMNS.includes(ref.name)) {
          throw new SqlError(
            'SQL_TYPE',
            `${ref.name} is known only after aggregation; use it in the select list or HAVING`,
            ref.pos,
          );
        }
        throw unknownColumn(
          ref,
          stream.name,
          stream.columns.map((c) => c.name),
        );
      },
      aggregate: aggregateMessage,
      nowMs: null,
    };
  }

  /** Names after aggregation: group keys, aggregate results, window bounds (and aliases in HAVING). */
  private groupScope(withAliases: boolean): BindScope {
    return {
      match: (expr) => {
        const index = this.groupKeyAst.get(exprKey(expr));
        return index === undefined
          ? null
          : { kind: 'slot', index, type: this.groupKeys[index]!.type };
      },
      column: (ref) => {
        if (this.windowed && WINDOW_COLUMNS.includes(ref.name)) {
          return { kind: 'slot', index: ref.name === 'window_start' ? -1 : -2, type: 'TIMESTAMP' };
        }
        const keyIndex = this.groupColumns.get(ref.name);
        if (keyIndex !== undefined)
          return { kind: 'slot', index: keyIndex, type: this.groupKeys[keyIndex]!.type };
        const alias = withAliases ? this.aliases.get(ref.name) : undefined;
        if (alias !== undefined) return alias;
        if (this.stream.columns.some((column) => column.name === ref.name)) {
          throw new SqlError(
            'SQL_TYPE',
            `column '${ref.name}' must appear in GROUP BY or be used inside an aggregate function`,
            ref.pos,
          );
        }
        const names = [
          ...this.stream.columns.map((c) => c.name),
          ...(this.windowed ? WINDOW_COLUMNS : []),
        ];
        throw unknownColumn(ref, this.stream.name, names);
      },
      aggregate: (call) => this.bindAggregate(call),
      nowMs: null,
    };
  }

  private bindAggregate(call: CallExpr): PlanExpr {
    const fn = AGGREGATE_FUNCTIONS.get(call.name)!;
    const key = exprKey(call);
    const existing = this.aggregateIndex.get(key);
    if (existing !== undefined) return this.aggregateSlot(existing);
    if (call.star && !fn.acceptsStar) {
      throw new SqlError(
        'SQL_TYPE',
        `${call.name}(*) is not allowed; pass a column or expression`,
        call.pos,
      );
    }
    if (!call.star && call.args.length === 0 && fn.acceptsStar) {
      throw new SqlError('SQL_TYPE', `write ${call.name}(*) to count every event`, call.pos);
    }
    if (call.args.length < fn.minArgs || call.args.length > fn.maxArgs) {
      throw new SqlError(
        'SQL_TYPE',
        `${call.name} takes ${arity(fn.minArgs, fn.maxArgs)}, got ${call.args.length}`,
        call.pos,
      );
    }
    const scope = this.eventScope(
      'aggregate functions cannot be nested (%s inside another aggregate)',
    );
    const args = call.args.map((arg) => bindExpr(arg, scope));
    const constants: Value[] = args.map(() => null);
    for (const position of fn.constantArgs) {
      const arg = args[position];
      if (arg === undefined) continue;
      if (arg.kind !== 'const') {
        throw new SqlError(
          'SQL_TYPE',
          `argument ${position + 1} of ${call.name} must be a constant`,
          call.args[position]!.pos,
        );
      }
      constants[position] = arg.value;
    }
    const argTypes = args.map((arg) => arg.type);
    const type = fn.check(argTypes, constants);
    if (typeof type !== 'string') throw new SqlError('SQL_TYPE', type.error, call.pos);
    const layout = { numAt: this.numSlots, objAt: this.objSlots };
    const accumulator = fn.create(layout, argTypes, constants);
    this.numSlots += accumulator.numSlots;
    this.objSlots += accumulator.usesObject ? 1 : 0;
    // Constant arguments are bound into the accumulator; only the others are evaluated per event.
    const evaluated = args.map((arg, position) =>
      fn.constantArgs.includes(position)
        ? { kind: 'const' as const, value: null, type: arg.type }
        : arg,
    );
    this.aggregates.push({
      call: { accumulator, args: evaluated.slice(0, 2) },
      numSlots: accumulator.numSlots,
      objSlots: accumulator.usesObject ? 1 : 0,
    });
    this.aggregateTypes.push(type);
    this.aggregateIndex.set(key, this.aggregates.length - 1);
    return this.aggregateSlot(this.aggregates.length - 1);
  }

  /** Aggregate slots are numbered after the group keys, fixed up once all are known. */
  private aggregateSlot(index: number): PlanExpr {
    return { kind: 'slot', index: -3 - index, type: this.aggregateTypes[index]! };
  }

  /**
   * The output positions of the primary key: every GROUP BY key and, for windowed views,
   * window_start. Keys the select list leaves out are added as columns at the end.
   */
  private keyColumns(select: SelectList): number[] {
    const outputs = select.outputs;
    const keyColumns: number[] = [];
    const wanted = this.groupKeys.map((_, index) => index);
    if (this.windowed) wanted.push(-1);
    for (const slot of wanted) {
      let position = outputs.findIndex((output) => output.kind === 'slot' && output.index === slot);
      if (position < 0) {
        const key = slot === -1 ? null : this.groupKeys[slot]!;
        if (key !== null && key.kind !== 'field') {
          throw new SqlError(
            'SQL_TYPE',
            'a GROUP BY expression must also be selected (give it an alias), since it is part of the view key',
            this.query.pos,
          );
        }
        const name = key === null ? 'window_start' : (key as { name: string }).name;
        if (select.has(name)) {
          throw new SqlError(
            'SQL_TYPE',
            `key column '${name}' is not selected, and another column has that name`,
            this.query.pos,
          );
        }
        const type = key === null ? 'TIMESTAMP' : key.type;
        select.add(name, { kind: 'slot', index: slot, type }, this.query.pos);
        position = outputs.length - 1;
      }
      keyColumns.push(position);
    }
    return keyColumns;
  }

  /** Rewrites placeholder slots (window bounds -1/-2, aggregates -3-i) to context positions. */
  private resolveSlots(exprs: PlanExpr[]): void {
    const windowAt = this.windowAt;
    const keys = this.groupKeys.length;
    const fix = (expr: PlanExpr): void => {
      switch (expr.kind) {
        case 'slot':
          if (expr.index === -1) expr.index = windowAt;
          else if (expr.index === -2) expr.index = windowAt + 1;
          else if (expr.index <= -3) expr.index = keys + (-3 - expr.index);
          return;
        case 'call':
        case 'op':
          expr.args.forEach(fix);
          return;
        case 'in':
          fix(expr.operand);
          expr.list.forEach(fix);
          return;
        case 'case':
          if (expr.operand) fix(expr.operand);
          for (const branch of expr.whens) {
            fix(branch.when);
            fix(branch.then);
          }
          if (expr.otherwise) fix(expr.otherwise);
          return;
        case 'cast':
          fix(expr.operand);
          return;
        default:
          return;
      }
    };
    exprs.forEach(fix);
  }
}

/** Whether an aggregate call appears anywhere in these syntax-tree nodes. */
function mentionsAggregate(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(mentionsAggregate);
  if (typeof node !== 'object' || node === null) return false;
  const candidate = node as { kind?: unknown; name?: unknown };
  if (candidate.kind === 'call' && AGGREGATE_FUNCTIONS.has(candidate.name as string)) return true;
  return Object.values(node).some(mentionsAggregate);
}

function unknownColumn(ref: ColumnRef, source: string, names: string[]): SqlError {
  return new SqlError(
    'UNKNOWN_COLUMN',
    `unknown column '${ref.name}' in ${source}${didYouMean(ref.name, names)}`,
    ref.pos,
  );
}

function requireBoolean(type: ExprType, clause: string, pos: SourcePosition): void {
  if (type !== 'BOOLEAN' && type !== 'NULL') {
    throw new SqlError('SQL_TYPE', `${clause} needs a BOOLEAN condition, got ${type}`, pos);
  }
}
