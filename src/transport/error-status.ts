import { isWireErrorCode, WIRE_ERROR_CODES } from '../protocol/index.ts';
import { VaneError } from '../util/index.ts';

/** The HTTP status for an error code (SPEC §5), from the protocol's error catalog. */
export function httpStatusOf(code: string): number {
  return isWireErrorCode(code) ? WIRE_ERROR_CODES[code].httpStatus : 500;
}

/** The wire form of an error: never a stack trace; SQL errors keep their position. */
export interface ErrorBody {
  code: string;
  message: string;
  temporary: boolean;
  line?: number;
  column?: number;
}

export function errorBody(error: unknown): ErrorBody {
  if (error instanceof VaneError) {
    const body: ErrorBody = {
      code: error.code,
      message: error.message,
      temporary: error.temporary,
    };
    const position = error as { line?: unknown; column?: unknown };
    if (typeof position.line === 'number') body.line = position.line;
    if (typeof position.column === 'number') body.column = position.column;
    return body;
  }
  return { code: 'INTERNAL', message: 'internal error', temporary: false };
}
