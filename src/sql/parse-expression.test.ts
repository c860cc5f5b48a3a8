import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.ts';
import { parse } from './parser.ts';

/** The expression of `SELECT <sql> FROM t`; it starts at column 8 of line 1. */
function expr(sql: string): Expr {
  const [statement] = parse(`SELECT ${sql} FROM t`);
  if (statement?.kind !== 'select') throw new Error('not a select');
  const [item] = statement.items;
  if (item?.kind !== 'expr') throw new Error('not an expression item');
  return item.expr;
}

/** A compact, fully parenthesised rendering, so precedence tests read like the SQL they check. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return `${e.value}${e.isInteger ? '' : 'f'}`;
    case 'string':
      return `'${e.value}'`;
    case 'boolean':
      return String(e.value);
    case 'null':
      return 'null';
    case 'interval':
      return `${e.ms}ms`;
    case 'column':
      return e.name;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'binary':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'is_null':
      return `(${e.negated ? 'is-not-null' : 'is-null'} ${show(e.operand)})`;
    case 'in':
      return `(${e.negated ? 'not-in' : 'in'} ${show(e.operand)} [${e.list.map(show).join(' ')}])`;
    case 'between':
      return `(${e.negated ? 'not-between' : 'between'} ${[e.operand, e.low, e.high].map(show).join(' ')})`;
    case 'call':
      return `${e.name}(${e.star ? '*' : e.args.map(show).join(' ')})`;
    case 'case': {
      const whens = e.whens.map((w) => ` when ${show(w.when)} then ${show(w.then)}`).join('');
      const operand = e.operand === null ? '' : ` ${show(e.operand)}`;
      const otherwise = e.otherwise === null ? '' : ` else ${show(e.otherwise)}`;
      return `(case${operand}${whens}${otherwise})`;
    }
    case 'cast':
      return `(cast ${show(e.operand)} ${e.type})`;
  }
}

describe('precedence', () => {
  it.each([
    ['a OR b AND NOT c = d', '(OR a (AND b (NOT (= c d))))'],
    ['-x * y + z', '(+ (* (- x) y) z)'],
    ['a || b = c', '(= (|| a b) c)'],
    ['a = b || c', '(= a (|| b c))'],
    ['a + b * c - d / e % f', '(- (+ a (* b c)) (% (/ d e) f))'],
    ['a - b - c', '(- (- a b) c)'],
    ['a || b + c', '(|| a (+ b c))'],
    ['a AND b OR c AND d', '(OR (AND a b) (AND c d))'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['NOT a AND b', '(AND (NOT a) b)'],
    ['(a OR b) AND c', '(AND (OR a b) c)'],
    ['- - x', '(- (- x))'],
    ['-x::BIGINT', '(- (cast x BIGINT))'],
    ['a::STRING::JSON', '(cast (cast a STRING) JSON)'],
    ['a + 1 > b * 2 AND c', '(AND (> (+ a 1) (* b 2)) c)'],
    ['a != b', '(<> a b)'],
    [
      'a <> b OR a < b OR a <= b OR a > b OR a >= b',
      '(OR (OR (OR (OR (<> a b) (< a b)) (<= a b)) (> a b)) (>= a b))',
    ],
    ['a = b IS NULL', '(is-null (= a b))'],
    ['a + 1 IS NOT NULL', '(is-not-null (+ a 1))'],
    ['a LIKE b || c', '(LIKE a (|| b c))'],
    ["a NOT LIKE 'x%'", "(NOT (LIKE a 'x%'))"],
    ['NOT a LIKE b', '(NOT (LIKE a b))'],
    ['a IN (1, 2 + 3, b)', '(in a [1 (+ 2 3) b])'],
    ['a + 1 NOT IN (b)', '(not-in (+ a 1) [b])'],
    ['a BETWEEN 1 AND 2 AND b', '(AND (between a 1 2) b)'],
    ['a NOT BETWEEN b + 1 AND c || d OR e', '(OR (not-between a (+ b 1) (|| c d)) e)'],
    ['sum(p * q) / sum(q)', '(/ sum((* p q)) sum(q))'],
  ])('%s', (sql, expected) => {
    expect(show(expr(sql))).toBe(expected);
  });
});

describe('literals', () => {
  it('numbers: isInteger only without a point or exponent', () => {
    expect([expr('42'), expr('4.5'), expr('.5'), expr('1e3'), expr('2.5E-3'), expr('7.')]).toEqual([
      { kind: 'number', value: 42, isInteger: true, pos: { line: 1, column: 8 } },
      { kind: 'number', value: 4.5, isInteger: false, pos: { line: 1, column: 8 } },
      { kind: 'number', value: 0.5, isInteger: false, pos: { line: 1, column: 8 } },
      { kind: 'number', value: 1000, isInteger: false, pos: { line: 1, column: 8 } },
      { kind: 'number', value: 0.0025, isInteger: false, pos: { line: 1, column: 8 } },
      { kind: 'number', value: 7, isInteger: false, pos: { line: 1, column: 8 } },
    ]);
  });

  it("strings with '' escapes, booleans and NULL in any case", () => {
    expect(show(expr("concat('it''s', TRUE, false, Null, '')"))).toBe(
      "concat('it's' true false null '')",
    );
  });
});

describe('INTERVAL', () => {
  it.each([
    ["INTERVAL '1' MINUTE", 60_000],
    ["INTERVAL '5' SECONDS", 5_000],
    ["interval '30' second", 30_000],
    ["INTERVAL '250' MILLISECONDS", 250],
    ["INTERVAL '1' millisecond", 1],
    ["INTERVAL '2' HOURS", 7_200_000],
    ["INTERVAL '7' Day", 604_800_000],
    ["INTERVAL '1.5' MINUTES", 90_000],
    ['INTERVAL 10 SECOND', 10_000],
    ["INTERVAL '5 minutes'", 300_000],
    ["INTERVAL '1 MINUTE'", 60_000],
    ["INTERVAL '250ms'", 250],
    ["INTERVAL '5s'", 5_000],
    ["INTERVAL '1m'", 60_000],
    ["INTERVAL '1h'", 3_600_000],
    ["INTERVAL '7d'", 604_800_000],
    ["INTERVAL '1.5s'", 1_500],
    ["INTERVAL ' 1 h 30 m '", 5_400_000],
    ["INTERVAL '1 hour 30 minutes'", 5_400_000],
  ])('%s is %i ms', (sql, ms) => {
    expect(expr(sql)).toEqual({ kind: 'interval', ms, pos: { line: 1, column: 8 } });
  });

  it('a unit keyword does not swallow a following alias', () => {
    const [statement] = parse("SELECT INTERVAL '1' MINUTE gap, INTERVAL '5s' size FROM t");
    expect(statement).toMatchObject({
      items: [
        { expr: { kind: 'interval', ms: 60_000 }, alias: 'gap' },
        { expr: { kind: 'interval', ms: 5_000 }, alias: 'size' },
      ],
    });
  });
});

describe('calls, CASE and CAST', () => {
  it('lowercases function names; count(*) and rate(*) have star and no args', () => {
    expect(expr('COUNT(*)')).toEqual({
      kind: 'call',
      name: 'count',
      args: [],
      star: true,
      pos: { line: 1, column: 8 },
    });
    expect(expr('rate( * )')).toMatchObject({ name: 'rate', args: [], star: true });
    expect(expr('now()')).toMatchObject({ name: 'now', args: [], star: false });
    expect(show(expr("Json_Get(j, 'a.b')"))).toBe("json_get(j 'a.b')");
  });

  it('searched and simple CASE', () => {
    expect(show(expr("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END"))).toBe(
      "(case when (> a 1) then 'big' when (> a 0) then 'small' else 'none')",
    );
    expect(show(expr('case a + 1 when 1 then x end'))).toBe('(case (+ a 1) when 1 then x)');
  });

  it('CAST(x AS type) and x::type, including DOUBLE PRECISION and aliases', () => {
    expect(expr('CAST(a AS DOUBLE PRECISION)')).toEqual({
      kind: 'cast',
      operand: { kind: 'column', name: 'a', pos: { line: 1, column: 13 } },
      type: 'DOUBLE',
      pos: { line: 1, column: 8 },
    });
    expect(show(expr('a::int + b::varchar'))).toBe('(+ (cast a BIGINT) (cast b STRING))');
  });
});

describe('positions', () => {
  it('a node starts at its first token, parentheses included', () => {
    const e = expr('(a + b) * -c');
    expect(e).toMatchObject({
      kind: 'binary',
      op: '*',
      pos: { line: 1, column: 8 },
      left: {
        kind: 'binary',
        op: '+',
        pos: { line: 1, column: 9 },
        left: { pos: { line: 1, column: 9 } },
        right: { pos: { line: 1, column: 13 } },
      },
      right: { kind: 'unary', op: '-', pos: { line: 1, column: 18 } },
    });
  });

  it('postfix and infix constructs start at their operand', () => {
    expect(expr('x IS NULL').pos).toEqual({ line: 1, column: 8 });
    expect(expr('x NOT IN (1)').pos).toEqual({ line: 1, column: 8 });
    expect(expr('x NOT LIKE y')).toMatchObject({
      pos: { line: 1, column: 8 },
      operand: { op: 'LIKE', pos: { line: 1, column: 8 } },
    });
    expect(expr('NOT x').pos).toEqual({ line: 1, column: 8 });
    expect(expr('x = 1\n  AND y\n  OR z')).toMatchObject({
      op: 'OR',
      pos: { line: 1, column: 8 },
      left: { op: 'AND', pos: { line: 1, column: 8 }, right: { pos: { line: 2, column: 7 } } },
    });
  });
});
