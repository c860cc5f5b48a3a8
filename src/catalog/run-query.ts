import {
  compileExpr,
  compilePredicate,
  OutputFormat,
  type OutputRow,
  type Value,
} from '../engine/index.ts';
import type { QueryPlan } from '../sql/index.ts';

/** Runs a snapshot query over a view's stored rows. NULLs sort last in both directions. */
export function runQuery(plan: QueryPlan, rows: Iterable<readonly Value[]>): OutputRow[] {
  const filter = plan.filter === null ? null : compilePredicate(plan.filter);
  const outputs = plan.outputs.map((output) => compileExpr(output));
  const orderKeys = plan.orderBy.map((item) => compileExpr(item.expr));
  const selected: { values: Value[]; keys: Value[] }[] = [];
  for (const row of rows) {
    if (filter !== null && !filter(row)) continue;
    selected.push({
      values: outputs.map((output) => output(row)),
      keys: orderKeys.map((key) => key(row)),
    });
  }
  if (orderKeys.length > 0) {
    selected.sort((a, b) => {
      for (let i = 0; i < orderKeys.length; i++) {
        const order = compareValues(a.keys[i]!, b.keys[i]!, plan.orderBy[i]!.descending);
        if (order !== 0) return order;
      }
      return 0;
    });
  }
  const limited = plan.limit === null ? selected : selected.slice(0, plan.limit);
  const format = new OutputFormat(plan.columns);
  return limited.map((row) => format.row(row.values));
}

function compareValues(a: Value, b: Value, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const x = typeof a === 'object' ? JSON.stringify(a) : a;
  const y = typeof b === 'object' ? JSON.stringify(b) : b;
  const order = x < y ? -1 : x > y ? 1 : 0;
  return descending ? -order : order;
}
