import { SqlError } from '../util/index.ts';
import type { SourcePosition } from '../util/index.ts';
import { isReserved } from './keywords.ts';
import { scan } from './lexer.ts';
import type { Token } from './lexer.ts';

const MAX_QUOTED_CHARS = 40;

/** How an error message names a token: as written, shortened when long. */
export function describeToken(token: Token): string {
  if (token.kind === 'eof') return 'end of input';
  const text =
    token.text.length > MAX_QUOTED_CHARS ? `${token.text.slice(0, MAX_QUOTED_CHARS)}…` : token.text;
  return token.kind === 'string' ? `string ${text}` : `'${text}'`;
}

/**
 * The parser's view of the token stream: one token of lookahead (more where the grammar needs it)
 * and the helpers that turn a wrong token into a SqlError at that token's position.
 */
export class Cursor {
  private readonly tokens: Token[];
  private readonly lexError: SqlError | null;
  private index = 0;
  /** Source offset just after the last consumed token; statements slice their text up to it. */
  private lastEnd = 0;

  constructor(readonly source: string) {
    const { tokens, error } = scan(source);
    this.tokens = tokens;
    this.lexError = error;
  }

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  /** Consumes the current token. Never moves past `eof`; throws the lexical error at `error`. */
  next(): Token {
    const token = this.peek();
    if (token.kind === 'error') this.errorAt(token, '');
    if (token.kind !== 'eof') {
      this.index += 1;
      this.lastEnd = token.end;
    }
    return token;
  }

  atEnd(): boolean {
    const token = this.peek();
    return token.kind === 'eof' || this.atSymbol(';');
  }

  /** True when the token `ahead` is the bare word `keyword` (given in upper case), in any case. */
  atKeyword(keyword: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'word' && token.value.toUpperCase() === keyword;
  }

  atSymbol(symbol: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'symbol' && token.value === symbol;
  }

  acceptKeyword(keyword: string): Token | null {
    return this.atKeyword(keyword) ? this.next() : null;
  }

  acceptSymbol(symbol: string): Token | null {
    return this.atSymbol(symbol) ? this.next() : null;
  }

  /** `expectation` completes "expected …", e.g. `BY after GROUP`. */
  expectKeyword(keyword: string, expectation: string): Token {
    return this.acceptKeyword(keyword) ?? this.fail(this.peek(), expectation);
  }

  expectSymbol(symbol: string, expectation: string): Token {
    return this.acceptSymbol(symbol) ?? this.fail(this.peek(), expectation);
  }

  /** A bare (lowercased) or quoted (as written) identifier; reserved words are refused. */
  identifier(expectation: string): { name: string; pos: SourcePosition } {
    const token = this.peek();
    if (token.kind === 'quoted') {
      this.next();
      return { name: token.value, pos: token.pos };
    }
    if (token.kind === 'word' && !isReserved(token.value)) {
      this.next();
      return { name: token.value.toLowerCase(), pos: token.pos };
    }
    if (token.kind === 'word') {
      const quoted = `"${token.value.toLowerCase()}"`;
      this.errorAt(
        token,
        `expected ${expectation}, found '${token.text}', a reserved word (write ${quoted} to use it as a name)`,
      );
    }
    return this.fail(token, expectation);
  }

  /** True when the current token can start an identifier (for optional aliases). */
  atIdentifier(): boolean {
    const token = this.peek();
    return token.kind === 'quoted' || (token.kind === 'word' && !isReserved(token.value));
  }

  /** The source of a construct that began at `first` and ended with the last consumed token. */
  textFrom(first: Token): string {
    return this.source.slice(first.start, this.lastEnd).trim();
  }

  /** "expected <expectation>, found 'x'" or "unexpected end of input: expected <expectation>". */
  fail(token: Token, expectation: string): never {
    return this.failWith(token, `expected ${expectation}`);
  }

  /** "<message>, found 'x'" or "unexpected end of input: <message>". */
  failWith(token: Token, message: string): never {
    return this.errorAt(
      token,
      token.kind === 'eof'
        ? `unexpected end of input: ${message}`
        : `${message}, found ${describeToken(token)}`,
    );
  }

  /**
   * Throws `message` at `token`. If `token` is where scanning failed, the lexical error is thrown
   * instead: nothing the parser expected there could have been read.
   */
  errorAt(token: Token, message: string): never {
    if (token.kind === 'error' && this.lexError !== null) throw this.lexError;
    throw new SqlError('SQL_SYNTAX', message, token.pos);
  }
}
