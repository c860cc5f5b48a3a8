import type { ErrorFrame } from './frames.ts';

/** What a wire error code means and how a client should treat it. */
export interface ErrorCodeInfo {
  /** One line, for docs and for clients that show a generic explanation. */
  readonly meaning: string;
  /** True when the same request may succeed later unchanged (back off and retry). */
  readonly temporary: boolean;
  /** The status of an HTTP response that carries this error (SPEC §5). */
  readonly httpStatus: number;
}

/**
 * Every error code that travels in an error frame or an HTTP error body. Codes are stable: clients
 * switch on them, so a code is never renamed or given another meaning; new codes may be added, so a
 * client treats an unknown code by its frame's `temporary` flag. The engine's codes
 * (`ErrorCode` in src/util/errors.ts) are all here with the same spelling.
 */
export const WIRE_ERROR_CODES = {
  SQL_SYNTAX: {
    meaning: 'the SQL text does not parse; line and column say where',
    temporary: false,
    httpStatus: 400,
  },
  SQL_TYPE: {
    meaning: 'an expression applies an operator or function to values of the wrong type',
    temporary: false,
    httpStatus: 400,
  },
  SQL_UNSUPPORTED: {
    meaning: 'valid SQL that the Vane dialect does not support',
    temporary: false,
    httpStatus: 400,
  },
  UNKNOWN_STREAM: {
    meaning: 'no stream has that name',
    temporary: false,
    httpStatus: 404,
  },
  UNKNOWN_VIEW: {
    meaning: 'no view has that name (or it was dropped while subscribed)',
    temporary: false,
    httpStatus: 404,
  },
  UNKNOWN_COLUMN: {
    meaning: 'the stream or view has no column of that name',
    temporary: false,
    httpStatus: 400,
  },
  UNKNOWN_FUNCTION: {
    meaning: 'no scalar or aggregate function has that name',
    temporary: false,
    httpStatus: 400,
  },
  ALREADY_EXISTS: {
    meaning: 'a stream or view of that name already exists',
    temporary: false,
    httpStatus: 409,
  },
  DEPENDENT_OBJECTS: {
    meaning: 'the stream cannot be dropped while views read it',
    temporary: false,
    httpStatus: 409,
  },
  INVALID_OPTION: {
    meaning: 'a WITH option is unknown or its value is invalid',
    temporary: false,
    httpStatus: 400,
  },
  INVALID_EVENT: {
    meaning: 'an event does not fit its stream; the message names the event index and field',
    temporary: false,
    httpStatus: 400,
  },
  INVALID_ARGUMENT: {
    meaning: 'a value passed to the engine is invalid (a duration, a filter, a batch)',
    temporary: false,
    httpStatus: 400,
  },
  CORRUPT_STATE: {
    meaning: 'stored state (a checkpoint or sketch) cannot be decoded',
    temporary: false,
    httpStatus: 500,
  },
  STORAGE_ERROR: {
    meaning: 'the event log or state store failed to read or write; nothing was stored',
    temporary: false,
    httpStatus: 500,
  },
  BAD_FRAME: {
    meaning: 'the frame is binary, not valid JSON, or not a JSON object',
    temporary: false,
    httpStatus: 400,
  },
  UNKNOWN_TYPE: {
    meaning: "the frame's type is not a client frame type",
    temporary: false,
    httpStatus: 400,
  },
  MISSING_FIELD: {
    meaning: 'a required field is absent (or a field that needs a companion lacks it)',
    temporary: false,
    httpStatus: 400,
  },
  INVALID_FIELD: {
    meaning: 'a field has the wrong JSON type or an invalid value',
    temporary: false,
    httpStatus: 400,
  },
  FRAME_TOO_BIG: {
    meaning: 'a WebSocket frame is over the byte limit (the connection closes with 1009)',
    temporary: false,
    httpStatus: 413,
  },
  PAYLOAD_TOO_LARGE: {
    meaning: 'a batch holds more events than the per-batch limit, or an HTTP body is too big',
    temporary: false,
    httpStatus: 413,
  },
  UNAUTHORIZED: {
    meaning: 'the token is missing, invalid or expired',
    temporary: false,
    httpStatus: 401,
  },
  FORBIDDEN: {
    meaning: 'the token does not grant this action on this stream or view (or foreign Origin)',
    temporary: false,
    httpStatus: 403,
  },
  RATE_LIMITED: {
    meaning: 'the client sends faster than its rate limit; retry after a pause',
    temporary: true,
    httpStatus: 429,
  },
  OVERLOADED: {
    meaning: 'the server is over capacity (ingest backlog); retry after a pause',
    temporary: true,
    httpStatus: 429,
  },
  UNKNOWN_SUBSCRIPTION: {
    meaning: 'no subscription of that sub on this connection',
    temporary: false,
    httpStatus: 404,
  },
  DUPLICATE_ID: {
    meaning: 'the id is already used by a request of this connection that is still in flight',
    temporary: false,
    httpStatus: 409,
  },
  SHUTTING_DOWN: {
    meaning: 'the server is draining; retry on another node or after it restarts',
    temporary: true,
    httpStatus: 503,
  },
  INTERNAL: {
    meaning: 'a bug in Vane; the message is safe to show, details are in the server log',
    temporary: false,
    httpStatus: 500,
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A code of the wire error catalog. */
export type WireErrorCode = keyof typeof WIRE_ERROR_CODES;

/** True when `code` is in this version's catalog (a newer server may send others). */
export function isWireErrorCode(code: string): code is WireErrorCode {
  return Object.hasOwn(WIRE_ERROR_CODES, code);
}

/** Where an error frame belongs: the request it answers, the subscription it ends, SQL position. */
export interface ErrorFrameContext {
  id?: string | undefined;
  sub?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

/**
 * Builds an error frame whose `temporary` flag comes from the catalog, so the flag of a code is
 * the same in every frame. Context fields that are undefined are left out of the frame.
 */
export function createErrorFrame(
  code: WireErrorCode,
  message: string,
  context: ErrorFrameContext = {},
): ErrorFrame {
  return {
    type: 'error',
    ...(context.id === undefined ? {} : { id: context.id }),
    ...(context.sub === undefined ? {} : { sub: context.sub }),
    code,
    message,
    temporary: WIRE_ERROR_CODES[code].temporary,
    ...(context.line === undefined ? {} : { line: context.line }),
    ...(context.column === undefined ? {} : { column: context.column }),
  };
}
