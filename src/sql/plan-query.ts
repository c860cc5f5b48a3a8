import type { Column, PlanExpr } from '../engine/index.ts';
import { SqlError } from '../util/index.ts';
import type { Expr, SelectStatement } from './ast.ts';
import { bindExpr, type BindScope } from './bind-expr.ts';
import { SelectList } from './select-list.ts';
import type { PlannerCatalog } from './planner-catalog.ts';
import { didYouMean } from './suggest.ts';

/**
 * A snapshot query over a view's current rows. Every expression reads a stored row: `slot i` is
 * the view's column i.
 */
export interface QueryPlan {
  view: string;
  columns: Column[];
  filter: PlanExpr | null;
  outputs: PlanExpr[];
  orderBy: { expr: PlanExpr; descending: boolean }[];
  limit: number | null;
}

/** SELECT … FROM view [WHERE] [ORDER BY] [LIMIT]: a one-off read of a view's rows. */
export function planQuery(
  query: SelectStatement,
  catalog: PlannerCatalog,
  nowMs: number,
): QueryPlan {
  const from = query.from;
  if (from.kind !== 'relation') {
    throw new SqlError(
      'SQL_UNSUPPORTED',
      'a snapshot query reads a view; windows belong in CREATE VIEW',
      from.pos,
    );
  }
  const view = catalog.view(from.name);
  if (view === undefined) {
    if (catalog.stream(from.name) !== undefined) {
      throw new SqlError(
        'SQL_UNSUPPORTED',
        `'${from.name}' is a stream: a snapshot query reads a view (create one, or subscribe to the stream for raw events)`,
        from.pos,
      );
    }
    throw new SqlError(
      'UNKNOWN_VIEW',
      `unknown view '${from.name}'${didYouMean(from.name, catalog.names())}`,
      from.pos,
    );
  }
  if (query.groupBy.length > 0 || query.having !== null) {
    throw new SqlError(
      'SQL_UNSUPPORTED',
      'snapshot queries do not aggregate; create a view that does',
      query.groupBy[0]?.pos ?? query.pos,
    );
  }
  if (query.emit !== null) {
    throw new SqlError(
      'SQL_UNSUPPORTED',
      'EMIT belongs in CREATE VIEW, not in a snapshot query',
      query.pos,
    );
  }
  const scope: BindScope = {
    column: (ref) => {
      const index = view.columns.findIndex((column) => column.name === ref.name);
      if (index < 0) {
        throw new SqlError(
          'UNKNOWN_COLUMN',
          `unknown column '${ref.name}' in ${from.name}${didYouMean(
            ref.name,
            view.columns.map((c) => c.name),
          )}`,
          ref.pos,
        );
      }
      return { kind: 'slot', index, type: view.columns[index]!.type };
    },
    aggregate:
      'aggregate functions like %s are not allowed in a snapshot query; create a view that aggregates',
    nowMs,
  };
  let filter: PlanExpr | null = null;
  if (query.where !== null) {
    filter = bindExpr(query.where, scope);
    if (filter.type !== 'BOOLEAN' && filter.type !== 'NULL') {
      throw new SqlError(
        'SQL_TYPE',
        `WHERE needs a BOOLEAN condition, got ${filter.type}`,
        query.where.pos,
      );
    }
  }
  const select = new SelectList();
  for (const [index, item] of query.items.entries()) {
    if (item.kind === 'star') {
      view.columns.forEach((column, i) =>
        select.add(column.name, { kind: 'slot', index: i, type: column.type }, item.pos),
      );
      continue;
    }
    select.addItem(item.expr, item.alias, index, bindExpr(item.expr, scope), item.pos);
  }
  const { columns, outputs, aliases } = select;
  const orderBy = query.orderBy.map((item) => ({
    expr: bindOrderItem(item.expr, scope, aliases, outputs),
    descending: item.direction === 'desc',
  }));
  return { view: from.name, columns, filter, outputs, orderBy, limit: query.limit };
}

function bindOrderItem(
  expr: Expr,
  scope: BindScope,
  aliases: Map<string, PlanExpr>,
  outputs: PlanExpr[],
): PlanExpr {
  if (expr.kind === 'number' && expr.isInteger) {
    const output = outputs[expr.value - 1];
    if (output === undefined)
      throw new SqlError(
        'SQL_TYPE',
        `ORDER BY ${expr.value} is not a select item position`,
        expr.pos,
      );
    return output;
  }
  if (expr.kind === 'column' && aliases.has(expr.name)) return aliases.get(expr.name)!;
  return bindExpr(expr, scope);
}
