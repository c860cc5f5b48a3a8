import { SqlError } from '../util/index.ts';
import type { SourcePosition } from '../util/index.ts';

/**
 * - `word`: a bare identifier or keyword (`[A-Za-z_][A-Za-z0-9_]*`); the parser decides which.
 * - `quoted`: a "double quoted" identifier. `string`: a 'single quoted' literal.
 * - `eof` ends every successful scan; `error` ends a failed one, at the failing character.
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'symbol' | 'eof' | 'error';

export interface Token {
  kind: TokenKind;
  /** Exactly as written in the source, quotes included; error messages quote this. */
  text: string;
  /**
   * `word` and `number`: as written. `quoted` and `string`: the content with `""` / `''` unescaped.
   * `symbol`: the canonical operator (`!=` becomes `<>`).
   */
  value: string;
  /** Offsets into the source: the token is `source.slice(start, end)`. */
  start: number;
  end: number;
  pos: SourcePosition;
}

/**
 * The tokens of a source up to the first lexical error. When `error` is set the last token has kind
 * `error`; the parser throws `error` only when it reaches that token, so an earlier syntax error
 * still wins and the caller always sees the first error in the text.
 */
export interface ScanResult {
  tokens: Token[];
  error: SqlError | null;
}

const TWO_CHAR_SYMBOLS = new Map([
  ['<>', '<>'],
  ['!=', '<>'],
  ['<=', '<='],
  ['>=', '>='],
  ['||', '||'],
  ['::', '::'],
]);
const ONE_CHAR_SYMBOLS = new Set(['(', ')', ',', ';', '*', '+', '-', '/', '%', '=', '<', '>']);

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isWordStart = (ch: string | undefined): boolean => ch !== undefined && /^[A-Za-z_]$/.test(ch);
const isWordPart = (ch: string | undefined): boolean =>
  ch !== undefined && /^[A-Za-z0-9_]$/.test(ch);

/** Splits SQL text into tokens, skipping whitespace, `-- line` and `/* block *\/` comments. */
export function scan(source: string): ScanResult {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let endPos: SourcePosition = { line: 1, column: 1 };

  const here = (offset: number): SourcePosition => ({ line, column: offset - lineStart + 1 });
  /** Steps over source[at]; keeps the line count right for \n, \r\n and a lone \r. */
  const step = (at: number): number => {
    const ch = source[at];
    if (ch === '\n' || (ch === '\r' && source[at + 1] !== '\n')) {
      line += 1;
      lineStart = at + 1;
    }
    return at + 1;
  };
  const push = (
    kind: TokenKind,
    start: number,
    end: number,
    pos: SourcePosition,
    value: string,
  ) => {
    tokens.push({ kind, text: source.slice(start, end), value, start, end, pos });
    endPos = here(end);
  };
  const fail = (message: string, start: number, pos: SourcePosition): ScanResult => {
    const error = new SqlError('SQL_SYNTAX', message, pos);
    tokens.push({
      kind: 'error',
      text: source.slice(start, start + 1),
      value: '',
      start,
      end: start,
      pos,
    });
    return { tokens, error };
  };

  while (i < source.length) {
    const ch = source[i]!;
    const next = source[i + 1];
    const start = i;
    const pos = here(i);

    if (/\s/.test(ch)) {
      i = step(i);
    } else if (ch === '-' && next === '-') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i += 1;
    } else if (ch === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) return fail('unterminated comment', start, pos);
      while (i < close + 2) i = step(i);
    } else if (isWordStart(ch)) {
      while (isWordPart(source[i])) i += 1;
      push('word', start, i, pos, source.slice(start, i));
    } else if (isDigit(ch) || (ch === '.' && isDigit(next))) {
      i = scanNumber(source, i);
      if (isWordStart(source[i])) {
        while (isWordPart(source[i])) i += 1;
        return fail(`invalid number '${source.slice(start, i)}'`, start, pos);
      }
      push('number', start, i, pos, source.slice(start, i));
    } else if (ch === "'" || ch === '"') {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= source.length) {
          const what = ch === "'" ? 'string literal' : 'quoted identifier';
          return fail(`unterminated ${what}`, start, pos);
        }
        if (source[i] === ch) {
          if (source[i + 1] !== ch) break;
          value += ch;
          i += 2;
        } else {
          value += source[i];
          i = step(i);
        }
      }
      i += 1;
      if (ch === '"' && value === '') return fail('empty quoted identifier', start, pos);
      push(ch === "'" ? 'string' : 'quoted', start, i, pos, value);
    } else {
      const pair = TWO_CHAR_SYMBOLS.get(ch + (next ?? ''));
      if (pair !== undefined) {
        i += 2;
        push('symbol', start, i, pos, pair);
      } else if (ONE_CHAR_SYMBOLS.has(ch)) {
        i += 1;
        push('symbol', start, i, pos, ch);
      } else {
        const char = String.fromCodePoint(source.codePointAt(i)!);
        return fail(`unexpected character '${char}'`, start, pos);
      }
    }
  }
  tokens.push({
    kind: 'eof',
    text: '',
    value: '',
    start: source.length,
    end: source.length,
    pos: endPos,
  });
  return { tokens, error: null };
}

/** Digits, an optional fraction and an optional exponent; returns the offset after the number. */
function scanNumber(source: string, from: number): number {
  let i = from;
  while (isDigit(source[i])) i += 1;
  if (source[i] === '.') {
    i += 1;
    while (isDigit(source[i])) i += 1;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    let j = i + 1;
    if (source[j] === '+' || source[j] === '-') j += 1;
    if (isDigit(source[j])) {
      i = j;
      while (isDigit(source[i])) i += 1;
    }
  }
  return i;
}

/** All tokens of `source`, ending with an `eof` token; throws the first lexical error. */
export function tokenize(source: string): Token[] {
  const { tokens, error } = scan(source);
  if (error !== null) throw error;
  return tokens;
}
