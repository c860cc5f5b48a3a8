/**
 * Every error Vane raises on purpose is a VaneError with a stable `code`. Codes are part of the
 * wire contract (SPEC §4 error frames): clients switch on them, so a code is never renamed.
 */
export type ErrorCode =
  | 'SQL_SYNTAX'
  | 'SQL_TYPE'
  | 'SQL_UNSUPPORTED'
  | 'UNKNOWN_STREAM'
  | 'UNKNOWN_VIEW'
  | 'UNKNOWN_COLUMN'
  | 'UNKNOWN_FUNCTION'
  | 'ALREADY_EXISTS'
  | 'DEPENDENT_OBJECTS'
  | 'INVALID_OPTION'
  | 'INVALID_EVENT'
  | 'INVALID_ARGUMENT'
  | 'CORRUPT_STATE'
  | 'STORAGE_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'OVERLOADED'
  | 'SHUTTING_DOWN'
  | 'INTERNAL';

export interface VaneErrorOptions {
  cause?: unknown;
  /** True when retrying the same request later may succeed (overload, not bad input). */
  temporary?: boolean;
}

export class VaneError extends Error {
  override readonly name: string = 'VaneError';
  readonly code: ErrorCode;
  readonly temporary: boolean;

  constructor(code: ErrorCode, message: string, options: VaneErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.temporary = options.temporary ?? false;
  }
}

/** A position in SQL text; both 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A SQL error points at the place in the statement text that caused it. */
export class SqlError extends VaneError {
  override readonly name = 'SqlError';
  readonly line: number;
  readonly column: number;

  constructor(code: ErrorCode, message: string, position: SourcePosition) {
    super(code, `${message} (line ${position.line}, column ${position.column})`);
    this.line = position.line;
    this.column = position.column;
  }
}

/** A rejected event batch names the first offending event (0-based index) and field. */
export class InvalidEventError extends VaneError {
  override readonly name = 'InvalidEventError';
  readonly eventIndex: number;
  readonly field: string | null;

  constructor(eventIndex: number, field: string | null, problem: string) {
    super('INVALID_EVENT', `event ${eventIndex}: ${field === null ? '' : `${field}: `}${problem}`);
    this.eventIndex = eventIndex;
    this.field = field;
  }
}

/** Breaks of an internal invariant: a bug in Vane, never the user's fault. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new VaneError('INTERNAL', `internal invariant broken: ${message}`);
}

/** The message of whatever was thrown: an Error's message, anything else as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when `error` carries this `code` (a Node.js system error, an lmdb error, a VaneError). */
export function hasErrorCode(error: unknown, code: number | string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
