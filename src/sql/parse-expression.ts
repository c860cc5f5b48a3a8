import type { SourcePosition } from '../util/index.ts';
import type { BinaryOp, CallExpr, CaseExpr, Expr } from './ast.ts';
import type { Cursor } from './cursor.ts';
import type { Token } from './lexer.ts';
import { INTERVAL_UNITS, readIntervalText, unitKeywordMs, wholeMs } from './interval.ts';
import { isReserved } from './keywords.ts';
import { parseType } from './parse-type.ts';

/*
 * Precedence, loosest first: OR, AND, NOT, comparison (= <> < <= > >= LIKE IS IN BETWEEN), ||,
 * + -, * / %, unary + -, the :: cast postfix, primary. Binary operators are left-associative,
 * comparisons included (`a = b IS NULL` is `(a = b) IS NULL`). A node's `pos` is its first token,
 * so `(a + b) * c` starts at the parenthesis.
 */

export function parseExpression(c: Cursor): Expr {
  return parseOr(c);
}

function binary(op: BinaryOp, left: Expr, right: Expr, pos: SourcePosition): Expr {
  return { kind: 'binary', op, left, right, pos };
}

function parseOr(c: Cursor): Expr {
  const pos = c.peek().pos;
  let left = parseAnd(c);
  while (c.acceptKeyword('OR')) left = binary('OR', left, parseAnd(c), pos);
  return left;
}

function parseAnd(c: Cursor): Expr {
  const pos = c.peek().pos;
  let left = parseNot(c);
  while (c.acceptKeyword('AND')) left = binary('AND', left, parseNot(c), pos);
  return left;
}

function parseNot(c: Cursor): Expr {
  const not = c.acceptKeyword('NOT');
  if (not === null) return parseComparison(c);
  return { kind: 'unary', op: 'NOT', operand: parseNot(c), pos: not.pos };
}

const COMPARISON_OPS = new Set<string>(['=', '<>', '<', '<=', '>', '>=']);

function parseComparison(c: Cursor): Expr {
  const pos = c.peek().pos;
  let left = parseConcat(c);
  for (;;) {
    const token = c.peek();
    if (token.kind === 'symbol' && COMPARISON_OPS.has(token.value)) {
      c.next();
      left = binary(token.value as BinaryOp, left, parseConcat(c), pos);
    } else if (c.acceptKeyword('IS')) {
      const negated = c.acceptKeyword('NOT') !== null;
      c.expectKeyword('NULL', negated ? 'NULL after IS NOT' : 'NULL or NOT NULL after IS');
      left = { kind: 'is_null', operand: left, negated, pos };
    } else if (c.atKeyword('NOT')) {
      c.next();
      if (!['LIKE', 'IN', 'BETWEEN'].some((keyword) => c.atKeyword(keyword))) {
        c.fail(c.peek(), 'LIKE, IN or BETWEEN after NOT');
      }
      left = parseNegatable(c, left, true, pos);
    } else if (['LIKE', 'IN', 'BETWEEN'].some((keyword) => c.atKeyword(keyword))) {
      left = parseNegatable(c, left, false, pos);
    } else {
      return left;
    }
  }
}

/** `[NOT] LIKE`, `[NOT] IN (…)`, `[NOT] BETWEEN … AND …`; the keyword is the current token. */
function parseNegatable(c: Cursor, operand: Expr, negated: boolean, pos: SourcePosition): Expr {
  if (c.acceptKeyword('LIKE')) {
    const like = binary('LIKE', operand, parseConcat(c), pos);
    return negated ? { kind: 'unary', op: 'NOT', operand: like, pos } : like;
  }
  if (c.acceptKeyword('IN')) {
    c.expectSymbol('(', "'(' after IN");
    const list = [parseExpression(c)];
    while (c.acceptSymbol(',')) list.push(parseExpression(c));
    c.expectSymbol(')', "')' to close the IN list");
    return { kind: 'in', operand, list, negated, pos };
  }
  c.expectKeyword('BETWEEN', 'BETWEEN');
  const low = parseConcat(c);
  c.expectKeyword('AND', 'AND in BETWEEN … AND …');
  const high = parseConcat(c);
  return { kind: 'between', operand, low, high, negated, pos };
}

/** One left-associative level of binary symbols over `operand`. */
function parseSymbolLevel(c: Cursor, ops: readonly BinaryOp[], operand: (c: Cursor) => Expr) {
  const pos = c.peek().pos;
  let left = operand(c);
  for (;;) {
    const token = c.peek();
    const op = ops.find((candidate) => token.kind === 'symbol' && token.value === candidate);
    if (op === undefined) return left;
    c.next();
    left = binary(op, left, operand(c), pos);
  }
}

const parseConcat = (c: Cursor): Expr => parseSymbolLevel(c, ['||'], parseAdditive);
const parseAdditive = (c: Cursor): Expr => parseSymbolLevel(c, ['+', '-'], parseMultiplicative);
const parseMultiplicative = (c: Cursor): Expr => parseSymbolLevel(c, ['*', '/', '%'], parseUnary);

function parseUnary(c: Cursor): Expr {
  const token = c.peek();
  if (token.kind === 'symbol' && (token.value === '-' || token.value === '+')) {
    c.next();
    return { kind: 'unary', op: token.value, operand: parseUnary(c), pos: token.pos };
  }
  return parsePostfix(c);
}

function parsePostfix(c: Cursor): Expr {
  const pos = c.peek().pos;
  let expr = parsePrimary(c);
  while (c.acceptSymbol('::')) {
    expr = { kind: 'cast', operand: expr, type: parseType(c, 'a type after ::'), pos };
  }
  return expr;
}

function parsePrimary(c: Cursor): Expr {
  const token = c.peek();
  switch (token.kind) {
    case 'number':
      c.next();
      return {
        kind: 'number',
        value: Number(token.value),
        isInteger: /^\d+$/.test(token.value),
        pos: token.pos,
      };
    case 'string':
      c.next();
      return { kind: 'string', value: token.value, pos: token.pos };
    case 'quoted':
      c.next();
      if (c.atSymbol('(')) return parseCall(c, token, token.value);
      return { kind: 'column', name: token.value, pos: token.pos };
    case 'word':
      return parseWord(c, token);
    case 'symbol':
      if (token.value === '(') {
        c.next();
        const inner = parseExpression(c);
        c.expectSymbol(')', "')' to close the parenthesised expression");
        return inner;
      }
      break;
    default:
      break;
  }
  return c.fail(token, 'an expression');
}

function parseWord(c: Cursor, token: Token): Expr {
  switch (token.value.toUpperCase()) {
    case 'TRUE':
    case 'FALSE':
      c.next();
      return { kind: 'boolean', value: token.value.toUpperCase() === 'TRUE', pos: token.pos };
    case 'NULL':
      c.next();
      return { kind: 'null', pos: token.pos };
    case 'INTERVAL':
      return parseInterval(c);
    case 'CASE':
      return parseCase(c);
    case 'CAST':
      return parseCast(c);
    default:
      break;
  }
  if (isReserved(token.value)) return c.fail(token, 'an expression');
  c.next();
  if (c.atSymbol('(')) return parseCall(c, token, token.value.toLowerCase());
  return { kind: 'column', name: token.value.toLowerCase(), pos: token.pos };
}

/** `name(…)`; the name is consumed and the current token is `(`. */
function parseCall(c: Cursor, nameToken: Token, name: string): CallExpr {
  c.next();
  const closing = `')' to close ${nameToken.text}(…)`;
  const call: CallExpr = { kind: 'call', name, args: [], star: false, pos: nameToken.pos };
  if (c.acceptSymbol('*')) {
    call.star = true;
  } else if (!c.atSymbol(')')) {
    call.args.push(parseExpression(c));
    while (c.acceptSymbol(',')) call.args.push(parseExpression(c));
  }
  c.expectSymbol(')', closing);
  return call;
}

function parseCase(c: Cursor): CaseExpr {
  const caseToken = c.next();
  const operand = c.atKeyword('WHEN') || c.atKeyword('END') ? null : parseExpression(c);
  const whens: CaseExpr['whens'] = [];
  while (c.acceptKeyword('WHEN')) {
    const when = parseExpression(c);
    c.expectKeyword('THEN', 'THEN after the WHEN condition');
    whens.push({ when, then: parseExpression(c) });
  }
  if (whens.length === 0) c.fail(c.peek(), 'WHEN in CASE');
  const otherwise = c.acceptKeyword('ELSE') ? parseExpression(c) : null;
  c.expectKeyword('END', otherwise === null ? 'WHEN, ELSE or END in CASE' : 'END to close CASE');
  return { kind: 'case', operand, whens, otherwise, pos: caseToken.pos };
}

function parseCast(c: Cursor): Expr {
  const castToken = c.next();
  c.expectSymbol('(', "'(' after CAST");
  const operand = parseExpression(c);
  c.expectKeyword('AS', 'AS in CAST(… AS type)');
  const type = parseType(c, 'a type in CAST(… AS type)');
  c.expectSymbol(')', "')' to close CAST(…)");
  return { kind: 'cast', operand, type, pos: castToken.pos };
}

/**
 * `INTERVAL '1' MINUTE` (also `INTERVAL 1 MINUTE`), `INTERVAL '5 minutes'`, `INTERVAL '250ms'`,
 * resolved to whole milliseconds.
 */
function parseInterval(c: Cursor): Expr {
  const intervalToken = c.next();
  const valueToken = c.peek();
  if (valueToken.kind !== 'string' && valueToken.kind !== 'number') {
    c.fail(valueToken, "a string after INTERVAL, as in INTERVAL '5' SECOND or INTERVAL '5s'");
  }
  c.next();
  const written = valueToken.kind === 'string' ? valueToken.text : `'${valueToken.text}'`;
  const read = readIntervalText(valueToken.value);
  if (read === null) {
    c.errorAt(
      valueToken,
      `invalid interval ${written}; write a number and a unit, as in '5 seconds' or '250ms'`,
    );
  }
  let ms: number;
  const unitToken = c.peek();
  const unitMs = unitToken.kind === 'word' ? unitKeywordMs(unitToken.value) : null;
  if ('ms' in read) {
    if (unitMs !== null) c.errorAt(unitToken, `interval ${written} already has a unit`);
    ms = read.ms;
  } else if (unitMs !== null) {
    c.next();
    ms = read.number * unitMs;
  } else if (unitToken.kind === 'word' && !isReserved(unitToken.value)) {
    return c.errorAt(
      unitToken,
      `unknown interval unit '${unitToken.text}'; units are ${INTERVAL_UNITS}`,
    );
  } else {
    return c.errorAt(
      valueToken,
      `interval ${written} needs a unit: ${INTERVAL_UNITS}, as in INTERVAL ${written} SECOND`,
    );
  }
  const whole = wholeMs(ms);
  if (whole === null)
    c.errorAt(valueToken, `interval ${written} is not a whole number of milliseconds`);
  return { kind: 'interval', ms: whole, pos: intervalToken.pos };
}
