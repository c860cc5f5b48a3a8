import {
  SCALAR_FUNCTIONS,
  AGGREGATE_FUNCTIONS,
  comparable,
  isNumericType,
  operatorType,
  parseTimestamp,
  type ExprType,
  type Operator,
  type PlanExpr,
} from '../engine/index.ts';
import { SqlError, type SourcePosition } from '../util/index.ts';
import type { BinaryOp, CallExpr, ColumnRef, Expr } from './ast.ts';
import { didYouMean } from './suggest.ts';

/** What names mean where an expression stands (WHERE, a select item, HAVING, a snapshot query). */
export interface BindScope {
  /** Resolves a column reference, or throws a SqlError saying why it cannot be used here. */
  column(ref: ColumnRef): PlanExpr;
  /**
   * Binds an aggregate call into a reference to its result; a string instead says why aggregates
   * are not allowed here.
   */
  aggregate: ((call: CallExpr) => PlanExpr) | string;
  /** Replaces a whole subexpression before it is bound (GROUP BY expressions); null to go on. */
  match?(expr: Expr): PlanExpr | null;
  /** The value of now() in this statement; null where now() is not allowed (views). */
  nowMs: number | null;
}

const BINARY_OPERATORS: Record<BinaryOp, Operator> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
  '||': 'concat',
  '=': 'eq',
  '<>': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  AND: 'and',
  OR: 'or',
  LIKE: 'like',
};

const COMPARISONS: ReadonlySet<Operator> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** Resolves names, checks types and folds literals: syntax tree to a typed PlanExpr. */
export function bindExpr(expr: Expr, scope: BindScope): PlanExpr {
  const matched = scope.match?.(expr);
  if (matched) return matched;
  switch (expr.kind) {
    case 'number':
      return { kind: 'const', value: expr.value, type: expr.isInteger ? 'BIGINT' : 'DOUBLE' };
    case 'string':
      return { kind: 'const', value: expr.value, type: 'STRING' };
    case 'boolean':
      return { kind: 'const', value: expr.value, type: 'BOOLEAN' };
    case 'null':
      return { kind: 'const', value: null, type: 'NULL' };
    case 'interval':
      return { kind: 'const', value: expr.ms, type: 'BIGINT' };
    case 'column':
      return scope.column(expr);
    case 'unary': {
      const operand = bindExpr(expr.operand, scope);
      if (expr.op === '+') return requireNumeric(operand, '+', expr.pos);
      const op: Operator = expr.op === '-' ? 'neg' : 'not';
      if (op === 'neg' && operand.kind === 'const' && typeof operand.value === 'number') {
        return { ...operand, value: -operand.value };
      }
      return operator(op, [operand], expr.pos);
    }
    case 'binary': {
      const op = BINARY_OPERATORS[expr.op];
      const operands: [PlanExpr, PlanExpr] = [
        bindExpr(expr.left, scope),
        bindExpr(expr.right, scope),
      ];
      // Only comparisons read a literal as an instant: in `ts - INTERVAL '1' MINUTE` it is a duration.
      return operator(op, COMPARISONS.has(op) ? coercePair(...operands) : operands, expr.pos);
    }
    case 'is_null':
      return operator(
        expr.negated ? 'is_not_null' : 'is_null',
        [bindExpr(expr.operand, scope)],
        expr.pos,
      );
    case 'in': {
      const operand = bindExpr(expr.operand, scope);
      const list = expr.list.map((item) => {
        const bound = coercePair(operand, bindExpr(item, scope))[1];
        if (!comparable(operand.type, bound.type)) {
          throw new SqlError(
            'SQL_TYPE',
            `IN list item of type ${bound.type} cannot match ${operand.type}`,
            item.pos,
          );
        }
        return bound;
      });
      return { kind: 'in', operand, list, negated: expr.negated, type: 'BOOLEAN' };
    }
    case 'between': {
      const operand = bindExpr(expr.operand, scope);
      const low = coercePair(operand, bindExpr(expr.low, scope))[1];
      const high = coercePair(operand, bindExpr(expr.high, scope))[1];
      const inside = operator(
        'and',
        [operator('ge', [operand, low], expr.pos), operator('le', [operand, high], expr.pos)],
        expr.pos,
      );
      return expr.negated ? operator('not', [inside], expr.pos) : inside;
    }
    case 'call':
      return bindCall(expr, scope);
    case 'case':
      return bindCase(expr, scope);
    case 'cast': {
      const operand = bindExpr(expr.operand, scope);
      return { kind: 'cast', operand, type: expr.type };
    }
  }
}

function bindCall(call: CallExpr, scope: BindScope): PlanExpr {
  if (AGGREGATE_FUNCTIONS.has(call.name)) {
    if (typeof scope.aggregate === 'string') {
      throw new SqlError('SQL_TYPE', scope.aggregate.replace('%s', call.name), call.pos);
    }
    return scope.aggregate(call);
  }
  if (call.name === 'now') {
    if (scope.nowMs === null) {
      throw new SqlError(
        'SQL_TYPE',
        'now() is only allowed in snapshot queries: a view is computed in event time',
        call.pos,
      );
    }
    if (call.args.length > 0) throw new SqlError('SQL_TYPE', 'now() takes no arguments', call.pos);
    return { kind: 'const', value: scope.nowMs, type: 'TIMESTAMP' };
  }
  const fn = SCALAR_FUNCTIONS.get(call.name);
  if (fn === undefined) {
    const names = [...SCALAR_FUNCTIONS.keys(), ...AGGREGATE_FUNCTIONS.keys(), 'now'];
    throw new SqlError(
      'UNKNOWN_FUNCTION',
      `unknown function '${call.name}'${didYouMean(call.name, names)}`,
      call.pos,
    );
  }
  if (call.star) throw new SqlError('SQL_TYPE', `${call.name}(*) is not allowed`, call.pos);
  if (call.args.length < fn.minArgs || call.args.length > fn.maxArgs) {
    throw new SqlError(
      'SQL_TYPE',
      `${call.name} takes ${arity(fn.minArgs, fn.maxArgs)}, got ${call.args.length}`,
      call.pos,
    );
  }
  const args = call.args.map((arg) => bindExpr(arg, scope));
  const type = fn.check(args.map((arg) => arg.type));
  if (typeof type !== 'string') throw new SqlError('SQL_TYPE', type.error, call.pos);
  return { kind: 'call', fn, args, type };
}

function bindCase(expr: Extract<Expr, { kind: 'case' }>, scope: BindScope): PlanExpr {
  const operand = expr.operand === null ? null : bindExpr(expr.operand, scope);
  const whens = expr.whens.map(({ when, then }) => {
    let boundWhen = bindExpr(when, scope);
    if (operand !== null) {
      boundWhen = coercePair(operand, boundWhen)[1];
      if (!comparable(operand.type, boundWhen.type)) {
        throw new SqlError(
          'SQL_TYPE',
          `WHEN value of type ${boundWhen.type} cannot match ${operand.type}`,
          when.pos,
        );
      }
    } else if (boundWhen.type !== 'BOOLEAN' && boundWhen.type !== 'NULL') {
      throw new SqlError(
        'SQL_TYPE',
        `WHEN needs a BOOLEAN condition, got ${boundWhen.type}`,
        when.pos,
      );
    }
    return { when: boundWhen, then: bindExpr(then, scope) };
  });
  const otherwise = expr.otherwise === null ? null : bindExpr(expr.otherwise, scope);
  const results = [...whens.map((branch) => branch.then), ...(otherwise ? [otherwise] : [])];
  const type = commonType(results.map((result) => result.type));
  if (type === null) {
    throw new SqlError(
      'SQL_TYPE',
      `CASE branches have different types: ${results.map((r) => r.type).join(', ')}`,
      expr.pos,
    );
  }
  return { kind: 'case', operand, whens, otherwise, type };
}

/** The type values of all these types fit in, or null when they do not mix. */
export function commonType(types: readonly ExprType[]): ExprType | null {
  let result: ExprType = 'NULL';
  for (const type of types) {
    if (type === 'NULL' || type === result) continue;
    if (result === 'NULL') result = type;
    else if (isNumericType(type) && isNumericType(result)) result = 'DOUBLE';
    else return null;
  }
  return result;
}

function operator(op: Operator, args: PlanExpr[], pos: SourcePosition): PlanExpr {
  const type = operatorType(
    op,
    args.map((arg) => arg.type),
  );
  if (typeof type !== 'string') throw new SqlError('SQL_TYPE', type.error, pos);
  return { kind: 'op', op, args, type };
}

function requireNumeric(expr: PlanExpr, what: string, pos: SourcePosition): PlanExpr {
  if (!isNumericType(expr.type))
    throw new SqlError('SQL_TYPE', `${what} needs a number, got ${expr.type}`, pos);
  return expr;
}

/**
 * A string or number literal compared with a TIMESTAMP becomes a timestamp constant, so
 * `window_start >= '2024-01-01T00:00:00Z'` compares instants, not text.
 */
function coercePair(left: PlanExpr, right: PlanExpr): [PlanExpr, PlanExpr] {
  return [coerceTo(left, right.type), coerceTo(right, left.type)];
}

function coerceTo(expr: PlanExpr, target: ExprType): PlanExpr {
  if (target !== 'TIMESTAMP' || expr.kind !== 'const' || expr.type === 'TIMESTAMP') return expr;
  if (expr.type !== 'STRING' && expr.type !== 'BIGINT' && expr.type !== 'DOUBLE') return expr;
  const ms = parseTimestamp(expr.value);
  return ms === null ? expr : { kind: 'const', value: ms, type: 'TIMESTAMP' };
}

export function arity(min: number, max: number): string {
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`;
  if (max === Infinity) return `at least ${min} argument${min === 1 ? '' : 's'}`;
  return `${min} to ${max} arguments`;
}
