import type { ScalarFunction } from '../functions/scalar-function.ts';
import type { ExprType, SqlType, Value } from '../types.ts';

/**
 * Operators the expression compiler implements itself (functions live in the function registry).
 * Comparison and logic follow SQL three-valued logic: NULL in, NULL out, and WHERE/HAVING treat
 * NULL as false.
 */
export type Operator =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'mod'
  | 'neg'
  | 'concat'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'and'
  | 'or'
  | 'not'
  | 'like'
  | 'is_null'
  | 'is_not_null';

/**
 * A typed expression, ready to compile: the planner builds it from the syntax tree after
 * resolving names and checking types. Two kinds of input exist:
 * - `field` reads a named field of an event (before aggregation: WHERE, GROUP BY, aggregate args);
 * - `slot` reads a position of a value array (after aggregation: the group's keys, aggregate
 *   results and window bounds; or a stored row's columns in snapshot queries).
 */
export type PlanExpr =
  | { kind: 'const'; value: Value; type: ExprType }
  | { kind: 'field'; name: string; type: SqlType }
  | { kind: 'slot'; index: number; type: ExprType }
  | { kind: 'call'; fn: ScalarFunction; args: PlanExpr[]; type: ExprType }
  | { kind: 'op'; op: Operator; args: PlanExpr[]; type: ExprType }
  | { kind: 'in'; operand: PlanExpr; list: PlanExpr[]; negated: boolean; type: 'BOOLEAN' }
  | {
      kind: 'case';
      operand: PlanExpr | null;
      whens: { when: PlanExpr; then: PlanExpr }[];
      otherwise: PlanExpr | null;
      type: ExprType;
    }
  | { kind: 'cast'; operand: PlanExpr; type: SqlType };
