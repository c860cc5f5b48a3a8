import { createErrorFrame, isWireErrorCode, type ErrorFrame } from '../protocol/index.ts';
import { SqlError, VaneError } from '../util/index.ts';

/** Codes the hub itself raises, besides the engine's (UNKNOWN_VIEW, SQL_SYNTAX, …). */
export type HubErrorCode =
  | 'UNKNOWN_VIEW'
  | 'UNKNOWN_STREAM'
  | 'MISSING_FIELD'
  | 'INVALID_FIELD'
  | 'DUPLICATE_ID'
  | 'UNKNOWN_SUBSCRIPTION'
  | 'INTERNAL';

/** A request the hub refuses; becomes an error frame, never reaches the transport as a throw. */
export class HubError extends Error {
  override readonly name = 'HubError';

  constructor(
    readonly code: HubErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** True for errors that are the request's fault (answered with an error frame), false for bugs. */
export function isRequestError(error: unknown): error is HubError | VaneError {
  return (
    (error instanceof HubError && error.code !== 'INTERNAL') ||
    (error instanceof VaneError && error.code !== 'INTERNAL' && error.code !== 'CORRUPT_STATE')
  );
}

/**
 * The error frame for `error`: request errors keep their code and message (SqlError its line and
 * column); anything else is a bug and travels as INTERNAL without details (no stack traces).
 */
export function errorFrameFor(
  error: unknown,
  context: { id?: string | undefined; sub?: string | undefined },
): ErrorFrame {
  if (!isRequestError(error) || !isWireErrorCode(error.code)) {
    return createErrorFrame('INTERNAL', 'internal error', context);
  }
  const position = error instanceof SqlError ? { line: error.line, column: error.column } : {};
  return createErrorFrame(error.code, error.message, { ...context, ...position });
}
