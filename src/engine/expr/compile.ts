import { formatTimestamp, parseTimestamp } from '../timestamp.ts';
import type { SqlType, Value } from '../types.ts';
import type { Operator, PlanExpr } from './plan-expr.ts';

/**
 * A compiled expression. `input` is an event object for `field` reads or a value array for `slot`
 * reads (see PlanExpr). Evaluators are built once per view and never look at the syntax tree again.
 */
export type Evaluator = (input: never) => Value;
type AnyInput = Record<string, unknown> & Value[];
type Fn = (input: AnyInput) => Value;

/** Compiles a typed expression into a closure. */
export function compileExpr(expr: PlanExpr): (input: object) => Value {
  return compile(expr) as (input: object) => Value;
}

/** Compiles a boolean expression into a predicate that is true only for TRUE (not NULL). */
export function compilePredicate(expr: PlanExpr): (input: object) => boolean {
  const evaluate = compile(expr);
  return function predicate(input) {
    return evaluate(input as AnyInput) === true;
  };
}

function compile(expr: PlanExpr): Fn {
  switch (expr.kind) {
    case 'const': {
      const value = expr.value;
      return () => value;
    }
    case 'field':
      return fieldReader(expr.name);
    case 'slot': {
      const index = expr.index;
      return (input) => input[index] ?? null;
    }
    case 'call':
      return compileCall(expr.fn.invoke.bind(expr.fn), expr.fn.handlesNull, expr.args.map(compile));
    case 'op':
      return compileOperator(expr.op, expr.args.map(compile));
    case 'in':
      return compileIn(compile(expr.operand), expr.list.map(compile), expr.negated);
    case 'case':
      return compileCase(expr);
    case 'cast':
      return compileCast(compile(expr.operand), expr.operand.type, expr.type);
  }
}

const fieldReaders = new Map<string, (input: object) => Value>();

/**
 * A reader of one named event field. Each field name gets its own generated function: a shared
 * closure reading `input[name]` would see every field name of every view at one property-access
 * site and go megamorphic, while `input.price` in its own function stays a monomorphic load.
 * The name is embedded as a JSON string literal, so no field name can inject code.
 */
export function fieldReader(name: string): (input: object) => Value {
  let reader = fieldReaders.get(name);
  if (reader === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from a JSON literal only; see above
    reader = new Function('input', `return input[${JSON.stringify(name)}] ?? null;`) as (
      input: object,
    ) => Value;
    fieldReaders.set(name, reader);
  }
  return reader;
}

function compileCall(
  invoke: (args: readonly Value[]) => Value,
  handlesNull: boolean,
  args: Fn[],
): Fn {
  if (handlesNull) {
    // One argument array per call site, refilled per event: invoke is pure and keeps nothing.
    const values: Value[] = new Array<Value>(args.length).fill(null);
    return (input) => {
      for (let i = 0; i < args.length; i++) values[i] = args[i]!(input);
      return invoke(values);
    };
  }
  if (args.length === 0) return () => invoke([]);
  if (args.length === 1) {
    const [a] = args as [Fn];
    return (input) => {
      const x = a(input);
      return x === null ? null : invoke([x]);
    };
  }
  return (input) => {
    const values: Value[] = new Array<Value>(args.length);
    for (let i = 0; i < args.length; i++) {
      const v = args[i]!(input);
      if (v === null) return null;
      values[i] = v;
    }
    return invoke(values);
  };
}

type Binary = (x: never, y: never) => Value;

const NUMERIC: Partial<Record<Operator, Binary>> = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  div: (x: number, y: number) => (y === 0 ? null : x / y),
  mod: (x: number, y: number) => (y === 0 ? null : x % y),
  eq: (x: unknown, y: unknown) => x === y,
  ne: (x: unknown, y: unknown) => x !== y,
  lt: (x: number, y: number) => x < y,
  le: (x: number, y: number) => x <= y,
  gt: (x: number, y: number) => x > y,
  ge: (x: number, y: number) => x >= y,
  concat: (x: Value, y: Value) => toText(x) + toText(y),
};

function compileOperator(op: Operator, args: Fn[]): Fn {
  const a = args[0]!;
  const b = args[1]!;
  switch (op) {
    case 'neg':
      return (input) => {
        const x = a(input);
        return x === null ? null : -(x as number);
      };
    case 'not':
      return (input) => {
        const x = a(input);
        return x === null ? null : !x;
      };
    case 'is_null':
      return (input) => a(input) === null;
    case 'is_not_null':
      return (input) => a(input) !== null;
    case 'and':
      return (input) => {
        const x = a(input);
        if (x === false) return false;
        const y = b(input);
        if (y === false) return false;
        return x === null || y === null ? null : true;
      };
    case 'or':
      return (input) => {
        const x = a(input);
        if (x === true) return true;
        const y = b(input);
        if (y === true) return true;
        return x === null || y === null ? null : false;
      };
    case 'like':
      return compileLike(a, b);
    case 'eq':
    case 'ne':
      return compileEquality(op, a, b);
    default: {
      const fn = NUMERIC[op] as (x: Value, y: Value) => Value;
      return (input) => {
        const x = a(input);
        if (x === null) return null;
        const y = b(input);
        return y === null ? null : fn(x, y);
      };
    }
  }
}

/** Equality compares JSON and arrays by content, everything else by value. */
function compileEquality(op: 'eq' | 'ne', a: Fn, b: Fn): Fn {
  const same = op === 'eq';
  return (input) => {
    const x = a(input);
    if (x === null) return null;
    const y = b(input);
    if (y === null) return null;
    const equal =
      typeof x === 'object' || typeof y === 'object'
        ? JSON.stringify(x) === JSON.stringify(y)
        : x === y;
    return equal === same;
  };
}

function compileIn(operand: Fn, list: Fn[], negated: boolean): Fn {
  return (input) => {
    const x = operand(input);
    if (x === null) return null;
    let sawNull = false;
    for (const item of list) {
      const y = item(input);
      if (y === null) sawNull = true;
      else if (y === x) return !negated;
    }
    return sawNull ? null : negated;
  };
}

function compileCase(expr: Extract<PlanExpr, { kind: 'case' }>): Fn {
  const operand = expr.operand === null ? null : compile(expr.operand);
  const whens = expr.whens.map(({ when, then }) => ({ when: compile(when), then: compile(then) }));
  const otherwise = expr.otherwise === null ? () => null : compile(expr.otherwise);
  if (operand === null) {
    return (input) => {
      for (const branch of whens) if (branch.when(input) === true) return branch.then(input);
      return otherwise(input);
    };
  }
  return (input) => {
    const x = operand(input);
    if (x !== null) {
      for (const branch of whens) if (branch.when(input) === x) return branch.then(input);
    }
    return otherwise(input);
  };
}

/** LIKE with `%` (any run) and `_` (one character); the pattern is compiled once when constant. */
function compileLike(a: Fn, b: Fn): Fn {
  let lastPattern: string | null = null;
  let lastRegex = /^$/;
  return (input) => {
    const x = a(input);
    if (x === null) return null;
    const pattern = b(input);
    if (pattern === null) return null;
    if (pattern !== lastPattern) {
      lastPattern = pattern as string;
      lastRegex = likeToRegExp(lastPattern);
    }
    return lastRegex.test(x as string);
  };
}

export function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

function toText(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function compileCast(operand: Fn, from: string, to: SqlType): Fn {
  const convert = castFunction(from, to);
  return (input) => {
    const x = operand(input);
    return x === null ? null : convert(x);
  };
}

/** Conversions that cannot succeed give NULL rather than failing the event (streams never stop). */
function castFunction(from: string, to: SqlType): (value: Value) => Value {
  switch (to) {
    case 'STRING':
      return from === 'TIMESTAMP' ? (v) => formatTimestamp(v as number) : toText;
    case 'DOUBLE':
      return (v) => {
        const n = typeof v === 'string' ? Number(v.trim() === '' ? NaN : v) : Number(v);
        return Number.isFinite(n) ? n : null;
      };
    case 'BIGINT':
      return (v) => {
        const n = typeof v === 'string' ? Number(v.trim() === '' ? NaN : v) : Number(v);
        return Number.isFinite(n) ? Math.trunc(n) : null;
      };
    case 'BOOLEAN':
      return (v) => {
        if (typeof v === 'boolean') return v;
        if (typeof v === 'number') return v !== 0;
        if (typeof v === 'string') {
          const text = v.trim().toLowerCase();
          if (text === 'true' || text === 't' || text === '1') return true;
          if (text === 'false' || text === 'f' || text === '0') return false;
        }
        return null;
      };
    case 'TIMESTAMP':
      return (v) => parseTimestamp(v);
    case 'JSON':
      return (v) => {
        if (typeof v !== 'string' || from !== 'STRING') return v;
        try {
          return JSON.parse(v) as Value;
        } catch {
          return null;
        }
      };
    case 'ARRAY':
      return (v) => (Array.isArray(v) ? v : null);
  }
}
