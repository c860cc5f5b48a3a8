/**
 * Exit codes of the client commands (`vane sql|publish|tail|types`), one per kind of failure so a
 * script can tell them apart. 1 and 2 keep main.ts's meaning (any other error, bad usage).
 */
export const ExitCode = {
  ok: 0,
  /** Anything not listed below (server-side failure, a lost connection that did not come back). */
  failure: 1,
  /** Bad flags or arguments (main.ts maps INVALID_OPTION and parseArgs errors to it). */
  usage: 2,
  /** Nothing answers at --url: connection refused, unknown host, timeout. */
  unreachable: 3,
  /** The server refused the token: 401 (missing, bad, expired) or 403 (not allowed). */
  auth: 4,
  /** No stream or view of that name (UNKNOWN_STREAM, UNKNOWN_VIEW). */
  notFound: 5,
  /** The input was refused: a bad line of an events file, a SQL statement the server rejected. */
  badInput: 6,
  /** `vane check` found a data directory damaged. */
  damaged: 7,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the command has already put into words: printed as is, exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly exitCode: ExitCodeValue,
    message: string,
  ) {
    super(message);
  }
}

/** The exit code for a server error code (docs/protocol.md error catalog). */
export function exitCodeForServerCode(code: string): ExitCodeValue {
  switch (code) {
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return ExitCode.auth;
    case 'UNKNOWN_STREAM':
    case 'UNKNOWN_VIEW':
      return ExitCode.notFound;
    case 'SQL_SYNTAX':
    case 'SQL_TYPE':
    case 'SQL_UNSUPPORTED':
    case 'UNKNOWN_COLUMN':
    case 'UNKNOWN_FUNCTION':
    case 'ALREADY_EXISTS':
    case 'DEPENDENT_OBJECTS':
    case 'INVALID_OPTION':
    case 'INVALID_EVENT':
    case 'INVALID_ARGUMENT':
    case 'INVALID_FIELD':
    case 'MISSING_FIELD':
    case 'PAYLOAD_TOO_LARGE':
      return ExitCode.badInput;
    default:
      return ExitCode.failure;
  }
}

/**
 * Runs a command body: a CliError is printed as `vane <command>: <message>` and sets the exit
 * code; anything else propagates to main.ts (usage errors → 2, the rest → 1).
 */
export async function runClientCommand(command: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`vane ${command}: ${error.message}\n`);
    process.exitCode = error.exitCode;
  }
}
