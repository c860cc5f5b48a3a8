import type { ServerTarget } from './cli-options.ts';
import { CliError, ExitCode, exitCodeForServerCode } from './exit-codes.ts';

/** How long one HTTP request may take before the server counts as unreachable. */
const REQUEST_TIMEOUT_MS = 15_000;

/** The server answered with an error body (docs/protocol.md: `{"error": {code, message, …}}`). */
export class ServerError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(exitCodeForServerCode(code), describeServerError(status, code, serverMessage));
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; line?: unknown; column?: unknown };
}

/**
 * One JSON request to the server's HTTP API. Resolves with the parsed body of a 2xx answer;
 * rejects with a CliError whose exit code says what went wrong: unreachable (3) with the URL and
 * the reason, token refused (4), unknown stream or view (5), input refused (6), else 1.
 */
export async function requestJson<T>(
  target: ServerTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const url = `${target.httpUrl}${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(target.httpUrl, error);
  }
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) {
    if (parsed === undefined) {
      throw new CliError(ExitCode.failure, `${url} answered ${response.status} without JSON`);
    }
    return parsed as T;
  }
  const error = (parsed as ErrorBody | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : statusCode(response.status);
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
  throw new ServerError(
    response.status,
    code,
    message,
    typeof error?.line === 'number' ? error.line : undefined,
    typeof error?.column === 'number' ? error.column : undefined,
  );
}

/** The words for a failed connection, from undici's error causes. */
export function unreachable(httpUrl: string, error: unknown): CliError {
  return new CliError(
    ExitCode.unreachable,
    `cannot reach a Vane server at ${httpUrl}: ${connectFailureReason(error)}`,
  );
}

function connectFailureReason(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s (timeout)`;
  }
  const code = causeCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens there; is `vane serve` running?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was reset';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/** undici wraps the socket error as `cause` (an AggregateError when several addresses failed). */
function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const candidate = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof candidate.code === 'string') return candidate.code;
    if (Array.isArray(candidate.errors) && candidate.errors.length > 0) {
      current = candidate.errors[0];
    } else {
      current = candidate.cause;
    }
  }
  return undefined;
}

function describeServerError(status: number, code: string, message: string): string {
  if (status === 401) return `the server refused the token (401 ${code}): ${message}`;
  if (status === 403) return `not allowed with this token (403 ${code}): ${message}`;
  return `${code}: ${message}`;
}

function statusCode(status: number): string {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  return `HTTP_${status}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
