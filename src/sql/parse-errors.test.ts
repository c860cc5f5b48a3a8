import { describe, expect, it } from 'vitest';
import { SqlError } from '../util/index.ts';
import { parse } from './parser.ts';

function syntaxError(sql: string): SqlError {
  try {
    parse(sql);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error(`parsed without error: ${sql}`);
}

/** [sql, message without the position suffix, line, column]; most span several lines on purpose. */
const CASES: [string, string, number, number][] = [
  [
    'CREATE STREAM s (\n  a STRING,\n  b DOUBLE\nFROM x',
    "expected ')' to close the column list, found 'FROM'",
    4,
    1,
  ],
  ["SELECT a\nFROM t\nWHERE b = 'abc", 'unterminated string literal', 3, 11],
  ['SELECT a\nFROM t # comment', "unexpected character '#'", 2, 8],
  ['SELECT a,\n  sum(b + )\nFROM t', "expected an expression, found ')'", 2, 11],
  [
    'CREATE STREAM s (\n  a STRIN,\n  b DOUBLE)',
    "unknown type 'STRIN'; types are STRING, DOUBLE, BIGINT, BOOLEAN, TIMESTAMP, JSON",
    2,
    5,
  ],
  [
    'SELECT a::number\nFROM t',
    "unknown type 'number'; types are STRING, DOUBLE, BIGINT, BOOLEAN, TIMESTAMP, JSON",
    1,
    11,
  ],
  ['CREATE STREAM s (a, b STRING)', "expected a type for column 'a', found ','", 1, 19],
  ['SELECT a\nFROM t\nLIMIT -1', "LIMIT needs a non-negative integer, found '-'", 3, 7],
  ['SELECT a\nFROM t\nLIMIT 2.5', "LIMIT needs a non-negative integer, found '2.5'", 3, 7],
  ['SELECT a FROM t LIMIT', 'unexpected end of input: LIMIT needs a non-negative integer', 1, 22],
  ['CREATE STREAM s (\n  a STRING,', 'unexpected end of input: expected a column name', 2, 12],
  ['SELECT a\nFROM', 'unexpected end of input: expected a stream or view name after FROM', 2, 5],
  ['SELECT a + \n  -- nothing follows\n', 'unexpected end of input: expected an expression', 1, 11],
  [
    "SELECT a\nFROM HOP(t,\n  INTERVAL '1' MINUTE)",
    'HOP takes (stream, slide, size): too few arguments',
    3,
    22,
  ],
  [
    "SELECT a FROM TUMBLE(t, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)",
    'TUMBLE takes (stream, size): too many arguments',
    1,
    44,
  ],
  ['SELECT a FROM SESSION(t)', 'SESSION takes (stream, gap): too few arguments', 1, 24],
  [
    "SELECT a FROM TUMBLE('t', INTERVAL '1' MINUTE)",
    "expected a stream name as the first argument of TUMBLE(stream, size), found string 't'",
    1,
    22,
  ],
  [
    "SELECT a FROM TUMBLE(t INTERVAL '1' MINUTE)",
    "expected ',' and the next argument of TUMBLE(stream, size), found 'INTERVAL'",
    1,
    24,
  ],
  [
    'SELECT a\nFROM t\nWHERE x = 1 y',
    "expected GROUP BY, HAVING, EMIT, ORDER BY, LIMIT or ';', found 'y'",
    3,
    13,
  ],
  [
    'SELECT a FROM t GROUP BY a WHERE b',
    "expected HAVING, EMIT, ORDER BY, LIMIT or ';', found 'WHERE'",
    1,
    28,
  ],
  ['SELECT a FROM t GROUP a', "expected BY after GROUP, found 'a'", 1, 23],
  ['SELECT a FROM t EMIT CHANGES\nEMIT FINAL', 'EMIT can be given only once', 2, 1],
  ['SELECT a FROM t LIMIT 1 EMIT FINAL EMIT FINAL', 'EMIT can be given only once', 1, 36],
  ['SELECT a FROM t LIMIT 1 EMIT FINAL x', "expected ';', found 'x'", 1, 36],
  ['SELECT a FROM t EMIT NOW', "expected CHANGES or FINAL after EMIT, found 'NOW'", 1, 22],
  ['SELECT a b c FROM t', "expected ',' or FROM after the select list, found 'c'", 1, 12],
  ['SELECT DISTINCT a FROM t', "expected an expression, found 'DISTINCT'", 1, 8],
  [
    'SELECT a AS from FROM t',
    `expected an alias after AS, found 'from', a reserved word (write "from" to use it as a name)`,
    1,
    13,
  ],
  [
    'CREATE STREAM Select (a STRING)',
    `expected a stream name, found 'Select', a reserved word (write "select" to use it as a name)`,
    1,
    15,
  ],
  [
    'SELECT (a + b\nFROM t',
    "expected ')' to close the parenthesised expression, found 'FROM'",
    2,
    1,
  ],
  ['SELECT sum(a b) FROM t', "expected ')' to close sum(…), found 'b'", 1, 14],
  ['SELECT a IN 1 FROM t', "expected '(' after IN, found '1'", 1, 13],
  ['SELECT a IN (1, 2 FROM t', "expected ')' to close the IN list, found 'FROM'", 1, 19],
  ['SELECT a NOT NULL FROM t', "expected LIKE, IN or BETWEEN after NOT, found 'NULL'", 1, 14],
  ['SELECT a IS TRUE FROM t', "expected NULL or NOT NULL after IS, found 'TRUE'", 1, 13],
  ['SELECT a BETWEEN 1 OR 2 FROM t', "expected AND in BETWEEN … AND …, found 'OR'", 1, 20],
  ['SELECT CASE END FROM t', "expected WHEN in CASE, found 'END'", 1, 13],
  ['SELECT CASE WHEN a 1 END FROM t', "expected THEN after the WHEN condition, found '1'", 1, 20],
  ['SELECT CASE WHEN a THEN 1 FROM t', "expected WHEN, ELSE or END in CASE, found 'FROM'", 1, 27],
  ['SELECT CAST(a DOUBLE) FROM t', "expected AS in CAST(… AS type), found 'DOUBLE'", 1, 15],
  [
    "SELECT INTERVAL '1' WEEK FROM t",
    "unknown interval unit 'WEEK'; units are MILLISECOND, SECOND, MINUTE, HOUR or DAY",
    1,
    21,
  ],
  [
    "SELECT INTERVAL '1' FROM t",
    "interval '1' needs a unit: MILLISECOND, SECOND, MINUTE, HOUR or DAY, as in INTERVAL '1' SECOND",
    1,
    17,
  ],
  ["SELECT INTERVAL '5s' SECOND FROM t", "interval '5s' already has a unit", 1, 22],
  [
    "SELECT INTERVAL 'soon' FROM t",
    "invalid interval 'soon'; write a number and a unit, as in '5 seconds' or '250ms'",
    1,
    17,
  ],
  [
    "SELECT INTERVAL '5 weeks' FROM t",
    "invalid interval '5 weeks'; write a number and a unit, as in '5 seconds' or '250ms'",
    1,
    17,
  ],
  [
    "SELECT INTERVAL '0.5ms' FROM t",
    "interval '0.5ms' is not a whole number of milliseconds",
    1,
    17,
  ],
  [
    'SELECT INTERVAL a FROM t',
    "expected a string after INTERVAL, as in INTERVAL '5' SECOND or INTERVAL '5s', found 'a'",
    1,
    17,
  ],
  [
    'CREATE STREAM s (a STRING) WITH (x = y)',
    "expected a string, number, TRUE or FALSE as the value of option 'x', found 'y'",
    1,
    38,
  ],
  ['CREATE STREAM s (a STRING) WITH (x 1)', "expected '=' after option 'x', found '1'", 1, 36],
  [
    "CREATE STREAM s (a STRING) WITH (x = 'a' y = 1)",
    "expected ')' to close the option list, found 'y'",
    1,
    42,
  ],
  ['CREATE STREAM s (a STRING) x', "expected WITH or ';', found 'x'", 1, 28],
  [
    'CREATE OR REPLACE VIEW v AS SELECT a FROM t',
    "expected STREAM or VIEW after CREATE, found 'OR'",
    1,
    8,
  ],
  [
    'CREATE VIEW v SELECT a FROM t',
    "expected WITH or AS after the view name, found 'SELECT'",
    1,
    15,
  ],
  ['CREATE VIEW v AS SHOW VIEWS', "expected SELECT after AS, found 'SHOW'", 1, 18],
  ['DROP TABLE t', "expected STREAM or VIEW after DROP, found 'TABLE'", 1, 6],
  ['SHOW TABLES', "expected STREAMS or VIEWS after SHOW, found 'TABLES'", 1, 6],
  ['SHOW STREAMS x', "expected ';' or the end of input, found 'x'", 1, 14],
  ['SHOW STREAMS\nSHOW VIEWS', "expected ';' or the end of input, found 'SHOW'", 2, 1],
  [
    'INSERT INTO t VALUES (1)',
    "expected a statement (SELECT, CREATE, DROP, SHOW or DESCRIBE), found 'INSERT'",
    1,
    1,
  ],
  [
    "SHOW VIEWS;\n\n  'oops'",
    "expected a statement (SELECT, CREATE, DROP, SHOW or DESCRIBE), found string 'oops'",
    3,
    3,
  ],
];

describe('syntax errors', () => {
  it.each(CASES)('%j: %s', (sql, message, line, column) => {
    const error = syntaxError(sql);
    expect(error.code).toBe('SQL_SYNTAX');
    expect(error.message).toBe(`${message} (line ${line}, column ${column})`);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
  });

  it('reports the first error in the text: a syntax error before a lexical one wins', () => {
    expect(syntaxError("SELECT FROM t;\nSELECT 'never closed").message).toBe(
      "expected an expression, found 'FROM' (line 1, column 8)",
    );
    expect(syntaxError('SELECT a FROM t;\nSELECT # FROM t').message).toBe(
      "unexpected character '#' (line 2, column 8)",
    );
  });

  it('positions count from the start of the whole input, not of the statement', () => {
    expect(syntaxError('SHOW VIEWS;\nSHOW STREAMS;\nDESCRIBE from').message).toBe(
      `expected a stream or view name, found 'from', a reserved word (write "from" to use it as a name) (line 3, column 10)`,
    );
  });

  it('shortens very long tokens in messages', () => {
    const long = 'x'.repeat(60);
    expect(syntaxError(`SELECT a FROM t '${long}'`).message).toBe(
      `expected WHERE, GROUP BY, HAVING, EMIT, ORDER BY, LIMIT or ';', found string '${'x'.repeat(39)}… (line 1, column 17)`,
    );
  });
});
