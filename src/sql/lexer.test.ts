import { describe, expect, it } from 'vitest';
import { SqlError } from '../util/index.ts';
import { scan, tokenize } from './lexer.ts';

const kindsAndValues = (sql: string) => tokenize(sql).map((t) => [t.kind, t.value]);

function lexError(sql: string): SqlError {
  try {
    tokenize(sql);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error(`no error for ${sql}`);
}

describe('tokenize', () => {
  it('splits words, symbols, numbers and strings and ends with eof', () => {
    expect(kindsAndValues("SELECT a, count(*) FROM t WHERE b >= 'x'")).toEqual([
      ['word', 'SELECT'],
      ['word', 'a'],
      ['symbol', ','],
      ['word', 'count'],
      ['symbol', '('],
      ['symbol', '*'],
      ['symbol', ')'],
      ['word', 'FROM'],
      ['word', 't'],
      ['word', 'WHERE'],
      ['word', 'b'],
      ['symbol', '>='],
      ['string', 'x'],
      ['eof', ''],
    ]);
  });

  it('reads every operator, longest first, and turns != into <>', () => {
    const tokens = tokenize('<> != <= >= || :: < > = + - * / % ( ) , ;');
    expect(tokens.map((t) => t.value)).toEqual(
      ['<>', '<>', '<=', '>=', '||', '::', '<', '>', '=', '+', '-', '*', '/', '%'].concat([
        '(',
        ')',
        ',',
        ';',
        '',
      ]),
    );
    expect(tokens[1]!.text).toBe('!=');
  });

  it('keeps words as written and numbers as written', () => {
    expect(kindsAndValues('Price window_start _x1 42 1.5 .5 5. 1e3 2.5E-3 7e+2')).toEqual([
      ['word', 'Price'],
      ['word', 'window_start'],
      ['word', '_x1'],
      ['number', '42'],
      ['number', '1.5'],
      ['number', '.5'],
      ['number', '5.'],
      ['number', '1e3'],
      ['number', '2.5E-3'],
      ['number', '7e+2'],
      ['eof', ''],
    ]);
  });

  it('unescapes \'\' in strings and "" in quoted identifiers, keeping the written text', () => {
    const [str, quoted] = tokenize(`'it''s' "My ""Col"""`);
    expect(str).toMatchObject({ kind: 'string', value: "it's", text: "'it''s'" });
    expect(quoted).toMatchObject({ kind: 'quoted', value: 'My "Col"', text: '"My ""Col"""' });
  });

  it('skips -- and /* */ comments', () => {
    expect(kindsAndValues('a -- b c\n/* d\n e */ f -- g')).toEqual([
      ['word', 'a'],
      ['word', 'f'],
      ['eof', ''],
    ]);
    expect(kindsAndValues('a/*x*/-/**/b')).toEqual([
      ['word', 'a'],
      ['symbol', '-'],
      ['word', 'b'],
      ['eof', ''],
    ]);
  });

  it('gives 1-based line and column, across comments, strings and \\r\\n line breaks', () => {
    const tokens = tokenize("SELECT\n  a /* one\ntwo */ b\r\n\t'x\ny' c\rd");
    expect(tokens.map((t) => [t.text, t.pos.line, t.pos.column])).toEqual([
      ['SELECT', 1, 1],
      ['a', 2, 3],
      ['b', 3, 8],
      ["'x\ny'", 4, 2],
      ['c', 5, 4],
      ['d', 6, 1],
      ['', 6, 2],
    ]);
  });

  it('records source offsets so the parser can slice statement text', () => {
    const source = '  ab  "c d" ';
    expect(tokenize(source).map((t) => source.slice(t.start, t.end))).toEqual(['ab', '"c d"', '']);
  });

  it('places eof just after the last token, not after trailing space or comments', () => {
    const tokens = tokenize('SELECT a\n  -- done\n\n');
    expect(tokens.at(-1)).toMatchObject({ kind: 'eof', pos: { line: 1, column: 9 } });
    expect(tokenize('   ')[0]).toMatchObject({ kind: 'eof', pos: { line: 1, column: 1 } });
  });
});

describe('lexical errors', () => {
  it.each([
    ["SELECT\n  'abc", 'unterminated string literal', 2, 3],
    ['SELECT "abc', 'unterminated quoted identifier', 1, 8],
    ['SELECT a /* never closed\n', 'unterminated comment', 1, 10],
    ['SELECT a\nFROM t # 1', "unexpected character '#'", 2, 8],
    ['SELECT a.b', "unexpected character '.'", 1, 9],
    ['SELECT 😀', "unexpected character '😀'", 1, 8],
    ['SELECT a ! b', "unexpected character '!'", 1, 10],
    ['SELECT 12abc', "invalid number '12abc'", 1, 8],
    ['SELECT 1e', "invalid number '1e'", 1, 8],
    ['SELECT ""', 'empty quoted identifier', 1, 8],
  ])('%j fails with %j at %i:%i', (sql, message, line, column) => {
    const error = lexError(sql);
    expect(error.code).toBe('SQL_SYNTAX');
    expect(error.message).toBe(`${message} (line ${line}, column ${column})`);
    expect([error.line, error.column]).toEqual([line, column]);
  });

  it('scan keeps the tokens before the error and ends with an error token there', () => {
    const { tokens, error } = scan('a b #');
    expect(tokens.map((t) => t.kind)).toEqual(['word', 'word', 'error']);
    expect(tokens.at(-1)!.pos).toEqual({ line: 1, column: 5 });
    expect(error?.message).toBe("unexpected character '#' (line 1, column 5)");
  });
});
