import type { ErrorFrame } from '../protocol/index.ts';

/**
 * Codes the SDK raises itself, beside the server's codes (SPEC §4 error frames: `INVALID_EVENT`,
 * `UNKNOWN_VIEW`, `RATE_LIMITED`, …), which arrive unchanged.
 */
export type ClientErrorCode =
  /** `close()` was called: the request or subscription will never complete. */
  | 'CLOSED'
  /** No answer within `requestTimeoutMs` of sending; the server may still have acted on it. */
  | 'TIMEOUT'
  /** The connection dropped after a request that is not safe to repeat was sent. */
  | 'CONNECTION_LOST'
  /** Close code 4001 or an HTTP 401 handshake: the client stops reconnecting. */
  | 'UNAUTHORIZED'
  /** Close code 4003 or an HTTP 403 handshake: the client stops reconnecting. */
  | 'FORBIDDEN'
  /** Neither `options.WebSocket` nor `globalThis.WebSocket` exists. */
  | 'NO_WEBSOCKET'
  /** The server sent something this SDK cannot read. */
  | 'PROTOCOL_ERROR'
  /** `maxPendingRequests` requests already wait (offline, or a slow server); temporary. */
  | 'QUEUE_FULL';

/** `string & {}` keeps editor completion for the known codes while admitting the server's. */
export type VaneClientErrorCode = ClientErrorCode | (string & {});

export interface VaneClientErrorOptions {
  temporary?: boolean;
  line?: number;
  column?: number;
  cause?: unknown;
}

/** Every rejection and `'error'` event of the SDK is a VaneClientError with a stable `code`. */
export class VaneClientError extends Error {
  override readonly name = 'VaneClientError';
  readonly code: VaneClientErrorCode;
  /** True when the same request may succeed later (overload, lost connection). */
  readonly temporary: boolean;
  /** SQL errors: where in the statement text (1-based). */
  readonly line?: number;
  readonly column?: number;

  constructor(code: VaneClientErrorCode, message: string, options: VaneClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.temporary = options.temporary ?? false;
    if (options.line !== undefined) this.line = options.line;
    if (options.column !== undefined) this.column = options.column;
  }

  static fromFrame(frame: ErrorFrame): VaneClientError {
    return new VaneClientError(frame.code, frame.message, {
      temporary: frame.temporary === true,
      line: frame.line,
      column: frame.column,
    });
  }
}
