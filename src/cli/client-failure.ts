import type { VaneClientError } from '../client/index.ts';
import { CliError, ExitCode, exitCodeForServerCode } from './exit-codes.ts';

/**
 * An SDK error (a rejected request, a subscription the server ended, the connection refused for
 * good) as a CliError with the exit code of its kind.
 */
export function clientFailure(error: VaneClientError, wsUrl: string): CliError {
  switch (error.code) {
    case 'UNAUTHORIZED':
      return new CliError(ExitCode.auth, `the server at ${wsUrl} refused the token (401)`);
    case 'FORBIDDEN':
      return new CliError(ExitCode.auth, `not allowed with this token (403): ${error.message}`);
    case 'TIMEOUT':
    case 'CONNECTION_LOST':
      return new CliError(ExitCode.unreachable, `${wsUrl}: ${error.message}`);
    default:
      return new CliError(exitCodeForServerCode(error.code), `${error.code}: ${error.message}`);
  }
}
