import type {
  ColumnDefinition,
  CreateStreamStatement,
  CreateViewStatement,
  DescribeStatement,
  DropStatement,
  Expr,
  FromClause,
  OptionEntry,
  OrderItem,
  SelectItem,
  SelectStatement,
  ShowStatement,
  Statement,
} from './ast.ts';
import { Cursor } from './cursor.ts';
import type { Token } from './lexer.ts';
import { parseExpression } from './parse-expression.ts';
import { parseType } from './parse-type.ts';

/**
 * Parses zero or more statements separated by `;` (the last `;` is optional, empty statements are
 * skipped). Throws a SqlError with code SQL_SYNTAX at the first error. Positions are relative to
 * the whole `sql` text; each statement's `text` runs from its first to its last token.
 */
export function parse(sql: string): Statement[] {
  const c = new Cursor(sql);
  const statements: Statement[] = [];
  for (;;) {
    while (c.acceptSymbol(';'));
    if (c.peek().kind === 'eof') return statements;
    statements.push(parseStatement(c));
    if (!c.atEnd()) c.fail(c.peek(), "';' or the end of input");
  }
}

function parseStatement(c: Cursor): Statement {
  const first = c.peek();
  if (first.kind === 'word') {
    switch (first.value.toUpperCase()) {
      case 'SELECT':
        return parseSelect(c);
      case 'CREATE':
        c.next();
        if (c.atKeyword('STREAM')) return parseCreateStream(c, first);
        if (c.atKeyword('VIEW')) return parseCreateView(c, first);
        return c.fail(c.peek(), 'STREAM or VIEW after CREATE');
      case 'DROP':
        return parseDrop(c);
      case 'SHOW':
        return parseShow(c);
      case 'DESCRIBE':
      case 'DESC':
        return parseDescribe(c);
      default:
        break;
    }
  }
  return c.fail(first, 'a statement (SELECT, CREATE, DROP, SHOW or DESCRIBE)');
}

/** `IF NOT EXISTS` when present. IF is not reserved, but IF NOT cannot start a name. */
function acceptIfNotExists(c: Cursor): boolean {
  if (!c.atKeyword('IF') || !c.atKeyword('NOT', 1)) return false;
  c.next();
  c.next();
  c.expectKeyword('EXISTS', 'EXISTS after IF NOT');
  return true;
}

function parseCreateStream(c: Cursor, first: Token): CreateStreamStatement {
  c.next();
  const ifNotExists = acceptIfNotExists(c);
  const { name } = c.identifier('a stream name');
  c.expectSymbol('(', "'(' to start the column list");
  const columns: ColumnDefinition[] = [];
  do {
    const column = c.identifier('a column name');
    const type = parseType(c, `a type for column '${column.name}'`);
    columns.push({ name: column.name, type, pos: column.pos });
  } while (c.acceptSymbol(','));
  c.expectSymbol(')', "')' to close the column list");
  const options = parseOptions(c);
  if (!c.atEnd()) c.fail(c.peek(), options.length > 0 ? "';'" : "WITH or ';'");
  return {
    kind: 'create_stream',
    name,
    ifNotExists,
    columns,
    options,
    pos: first.pos,
    text: c.textFrom(first),
  };
}

function parseCreateView(c: Cursor, first: Token): CreateViewStatement {
  c.next();
  const ifNotExists = acceptIfNotExists(c);
  const { name } = c.identifier('a view name');
  const options = parseOptions(c);
  c.expectKeyword('AS', options.length > 0 ? 'AS' : 'WITH or AS after the view name');
  if (!c.atKeyword('SELECT')) c.fail(c.peek(), 'SELECT after AS');
  const query = parseSelect(c);
  return {
    kind: 'create_view',
    name,
    ifNotExists,
    options,
    query,
    pos: first.pos,
    text: c.textFrom(first),
  };
}

/** `WITH (key = literal, …)` when present; [] otherwise. */
function parseOptions(c: Cursor): OptionEntry[] {
  if (!c.acceptKeyword('WITH')) return [];
  c.expectSymbol('(', "'(' after WITH");
  const options: OptionEntry[] = [];
  do {
    const keyToken = c.peek();
    if (keyToken.kind !== 'word' && keyToken.kind !== 'quoted') c.fail(keyToken, 'an option name');
    c.next();
    const key = keyToken.kind === 'word' ? keyToken.value.toLowerCase() : keyToken.value;
    c.expectSymbol('=', `'=' after option '${key}'`);
    options.push({ key, value: parseOptionValue(c, key), pos: keyToken.pos });
  } while (c.acceptSymbol(','));
  c.expectSymbol(')', "')' to close the option list");
  return options;
}

function parseOptionValue(c: Cursor, key: string): string | number | boolean {
  const token = c.peek();
  const negative = token.kind === 'symbol' && token.value === '-' && c.peek(1).kind === 'number';
  if (negative) c.next();
  const valueToken = c.peek();
  if (valueToken.kind === 'string' && !negative) return c.next().value;
  if (valueToken.kind === 'number') return (negative ? -1 : 1) * Number(c.next().value);
  if (!negative && (c.atKeyword('TRUE') || c.atKeyword('FALSE'))) {
    return c.next().value.toUpperCase() === 'TRUE';
  }
  return c.fail(token, `a string, number, TRUE or FALSE as the value of option '${key}'`);
}

function parseDrop(c: Cursor): DropStatement {
  const first = c.next();
  const objectToken = c.peek();
  if (!c.atKeyword('STREAM') && !c.atKeyword('VIEW'))
    c.fail(objectToken, 'STREAM or VIEW after DROP');
  c.next();
  const object = objectToken.value.toUpperCase() === 'STREAM' ? 'stream' : 'view';
  let ifExists = false;
  if (c.atKeyword('IF') && c.atKeyword('EXISTS', 1)) {
    c.next();
    c.next();
    ifExists = true;
  }
  const { name } = c.identifier(`a ${object} name`);
  return { kind: 'drop', object, name, ifExists, pos: first.pos, text: c.textFrom(first) };
}

function parseShow(c: Cursor): ShowStatement {
  const first = c.next();
  const objectToken = c.peek();
  if (!c.atKeyword('STREAMS') && !c.atKeyword('VIEWS')) {
    c.fail(objectToken, 'STREAMS or VIEWS after SHOW');
  }
  c.next();
  const object = objectToken.value.toUpperCase() === 'STREAMS' ? 'streams' : 'views';
  return { kind: 'show', object, pos: first.pos, text: c.textFrom(first) };
}

function parseDescribe(c: Cursor): DescribeStatement {
  const first = c.next();
  const { name } = c.identifier('a stream or view name');
  return { kind: 'describe', name, pos: first.pos, text: c.textFrom(first) };
}

/** The optional clauses after FROM, in order; EMIT may also come last. */
const SELECT_CLAUSES = [
  'WHERE',
  'GROUP BY',
  'HAVING',
  'EMIT',
  'ORDER BY',
  'LIMIT',
  'EMIT',
] as const;

function parseSelect(c: Cursor): SelectStatement {
  const first = c.expectKeyword('SELECT', 'SELECT');
  const items = parseSelectItems(c);
  c.expectKeyword('FROM', "',' or FROM after the select list");
  const from = parseFrom(c);
  const select: SelectStatement = {
    kind: 'select',
    items,
    from,
    where: null,
    groupBy: [],
    having: null,
    orderBy: [],
    limit: null,
    emit: null,
    pos: first.pos,
    text: '',
  };
  /** Index in SELECT_CLAUSES of the last clause read; a clause is only looked for after it. */
  let last = -1;
  const clauseAt = (index: number): boolean => {
    const [keyword, second] = SELECT_CLAUSES[index]!.split(' ');
    if (index <= last || !c.atKeyword(keyword!)) return false;
    c.next();
    if (second !== undefined) c.expectKeyword(second, `${second} after ${keyword}`);
    last = index;
    return true;
  };
  if (clauseAt(0)) select.where = parseExpression(c);
  if (clauseAt(1)) select.groupBy = parseExpressionList(c);
  if (clauseAt(2)) select.having = parseExpression(c);
  if (clauseAt(3)) select.emit = parseEmit(c);
  if (clauseAt(4)) select.orderBy = parseOrderBy(c);
  if (clauseAt(5)) select.limit = parseLimit(c);
  if (select.emit === null && clauseAt(6)) select.emit = parseEmit(c);
  if (select.emit !== null && c.atKeyword('EMIT')) {
    c.errorAt(c.peek(), 'EMIT can be given only once');
  }
  if (!c.atEnd()) {
    const remaining = SELECT_CLAUSES.filter(
      (clause, index) => index > last && !(clause === 'EMIT' && select.emit !== null),
    );
    const clauses = [...new Set(remaining)];
    c.fail(c.peek(), clauses.length === 0 ? "';'" : `${clauses.join(', ')} or ';'`);
  }
  select.text = c.textFrom(first);
  return select;
}

function parseSelectItems(c: Cursor): SelectItem[] {
  const items: SelectItem[] = [];
  do {
    const star = c.acceptSymbol('*');
    if (star !== null) {
      items.push({ kind: 'star', pos: star.pos });
      continue;
    }
    const pos = c.peek().pos;
    const expr = parseExpression(c);
    let alias: string | null = null;
    if (c.acceptKeyword('AS')) alias = c.identifier('an alias after AS').name;
    else if (c.atIdentifier()) alias = c.identifier('an alias').name;
    items.push({ kind: 'expr', expr, alias, pos });
  } while (c.acceptSymbol(','));
  return items;
}

/** Each window function's parameters after the stream, for argument-count errors. */
const WINDOW_FORMS = {
  tumble: { name: 'TUMBLE', params: '(stream, size)', arity: 1 },
  hop: { name: 'HOP', params: '(stream, slide, size)', arity: 2 },
  session: { name: 'SESSION', params: '(stream, gap)', arity: 1 },
} as const;

function parseFrom(c: Cursor): FromClause {
  const token = c.peek();
  const window = token.kind === 'word' ? token.value.toLowerCase() : '';
  if (!(window === 'tumble' || window === 'hop' || window === 'session') || !c.atSymbol('(', 1)) {
    const { name, pos } = c.identifier('a stream or view name after FROM');
    return { kind: 'relation', name, pos };
  }
  const { name, params, arity } = WINDOW_FORMS[window];
  const usage = `${name}${params}`;
  const takes = `${name} takes ${params}`;
  c.next();
  c.next();
  const source = c.identifier(`a stream name as the first argument of ${usage}`);
  const args: Expr[] = [];
  for (;;) {
    const next = c.peek();
    if (c.atSymbol(')')) {
      if (args.length < arity) c.errorAt(next, `${takes}: too few arguments`);
      c.next();
      break;
    }
    if (c.atSymbol(',')) {
      if (args.length === arity) c.errorAt(next, `${takes}: too many arguments`);
      c.next();
      args.push(parseExpression(c));
      continue;
    }
    c.fail(
      next,
      args.length < arity ? `',' and the next argument of ${usage}` : `')' to close ${usage}`,
    );
  }
  return {
    kind: 'window',
    window,
    source: source.name,
    sourcePos: source.pos,
    args,
    pos: token.pos,
  };
}

function parseExpressionList(c: Cursor): Expr[] {
  const list = [parseExpression(c)];
  while (c.acceptSymbol(',')) list.push(parseExpression(c));
  return list;
}

function parseEmit(c: Cursor): 'changes' | 'final' {
  if (c.acceptKeyword('CHANGES')) return 'changes';
  if (c.acceptKeyword('FINAL')) return 'final';
  return c.fail(c.peek(), 'CHANGES or FINAL after EMIT');
}

function parseOrderBy(c: Cursor): OrderItem[] {
  const items: OrderItem[] = [];
  do {
    const pos = c.peek().pos;
    const expr = parseExpression(c);
    let direction: OrderItem['direction'] = 'asc';
    if (c.acceptKeyword('DESC')) direction = 'desc';
    else c.acceptKeyword('ASC');
    items.push({ expr, direction, pos });
  } while (c.acceptSymbol(','));
  return items;
}

function parseLimit(c: Cursor): number {
  const token = c.peek();
  const limit = token.kind === 'number' && /^\d+$/.test(token.value) ? Number(token.value) : NaN;
  if (!Number.isSafeInteger(limit)) c.failWith(token, 'LIMIT needs a non-negative integer');
  c.next();
  return limit;
}
