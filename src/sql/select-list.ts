import type { Column, ExprType, PlanExpr, SqlType } from '../engine/index.ts';
import { SqlError, type SourcePosition } from '../util/index.ts';
import type { Expr } from './ast.ts';

/**
 * The columns a select list produces, in order: name, type and bound expression, plus the aliases
 * later clauses (HAVING, ORDER BY) may refer to. Column names are unique.
 */
export class SelectList {
  readonly columns: Column[] = [];
  readonly outputs: PlanExpr[] = [];
  readonly aliases = new Map<string, PlanExpr>();

  /** Adds the select item at `index` (0-based), written as `expr [AS alias]` and bound to `output`. */
  addItem(
    expr: Expr,
    alias: string | null,
    index: number,
    output: PlanExpr,
    pos: SourcePosition,
  ): void {
    this.add(alias ?? defaultName(expr, index), output, pos);
    if (alias !== null) this.aliases.set(alias, output);
  }

  add(name: string, output: PlanExpr, pos: SourcePosition): void {
    if (this.has(name)) {
      throw new SqlError(
        'SQL_SYNTAX',
        `two columns are named '${name}'; give one an alias with AS`,
        pos,
      );
    }
    this.columns.push({ name, type: outputType(output.type) });
    this.outputs.push(output);
  }

  has(name: string): boolean {
    return this.columns.some((column) => column.name === name);
  }
}

/** A column's declared type; an all-NULL expression is typed JSON (it holds nothing else). */
export function outputType(type: ExprType): SqlType {
  return type === 'NULL' ? 'JSON' : type;
}

/** PostgreSQL-like default names: the column's name, the function's name, else column_N. */
export function defaultName(expr: Expr, index: number): string {
  if (expr.kind === 'column') return expr.name;
  if (expr.kind === 'call') return expr.name;
  if (expr.kind === 'cast') return defaultName(expr.operand, index);
  return `column_${index + 1}`;
}
