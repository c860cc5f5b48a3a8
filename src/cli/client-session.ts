import WebSocket from 'ws';
import { connect, type ConnectionState, type VaneClient } from '../client/index.ts';
import type { ServerTarget } from './cli-options.ts';
import { clientFailure } from './client-failure.ts';
import { CliError, ExitCode } from './exit-codes.ts';

export interface SessionOptions {
  /**
   * How long the connection may be down (first attempt or reconnecting) before the session gives
   * up with an "unreachable" failure; Infinity: keep trying (`vane tail`).
   */
  giveUpAfterMs: number;
  onState?(state: ConnectionState): void;
  /** Called once when the session cannot go on: access refused for good, or down too long. */
  onFailure(error: CliError): void;
}

/** An SDK client over `ws` for a command, with a watchdog for a server that does not come back. */
export interface ClientSession {
  readonly client: VaneClient;
  close(): void;
}

export function openSession(target: ServerTarget, options: SessionOptions): ClientSession {
  let downTimer: ReturnType<typeof setTimeout> | undefined;
  let failed = false;
  const fail = (error: CliError): void => {
    if (failed) return;
    failed = true;
    options.onFailure(error);
  };
  const watchDown = (): void => {
    if (downTimer !== undefined || !Number.isFinite(options.giveUpAfterMs)) return;
    downTimer = setTimeout(() => {
      fail(
        new CliError(
          ExitCode.unreachable,
          `cannot reach a Vane server at ${target.wsUrl}: no connection for ${options.giveUpAfterMs / 1000} s`,
        ),
      );
      client.close();
    }, options.giveUpAfterMs);
  };
  const client = connect(target.wsUrl, {
    WebSocket,
    token: target.token,
    onStateChange: (state, error) => {
      if (state === 'open') {
        clearTimeout(downTimer);
        downTimer = undefined;
      } else if (state === 'closed') {
        clearTimeout(downTimer);
        if (error !== undefined) fail(clientFailure(error, target.wsUrl));
      } else {
        watchDown();
      }
      options.onState?.(state);
    },
  });
  watchDown();
  return {
    client,
    close: () => {
      clearTimeout(downTimer);
      client.close();
    },
  };
}
