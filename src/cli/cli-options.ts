import { VaneError } from '../util/index.ts';

/** Where a client command talks to: the HTTP base URL, the WebSocket URL derived from it, a token. */
export interface ServerTarget {
  /** `http://host:port`, no trailing slash. */
  httpUrl: string;
  /** `ws://host:port/v1/ws` (wss for https). */
  wsUrl: string;
  token: string | undefined;
}

export const DEFAULT_URL = 'http://127.0.0.1:7070';

/** The parseArgs options every client command takes. */
export const SERVER_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The help lines of SERVER_OPTIONS, for each command's --help. */
export const SERVER_OPTIONS_HELP = `  --url <url>            the server: http(s)://host:port or ws(s)://host:port/v1/ws
                         (default ${DEFAULT_URL}, or VANE_URL)
  --token <jwt>          token for a server with auth (or VANE_TOKEN)
  -h, --help             this help`;

export const EXIT_CODES_HELP = `Exit codes: 0 done, 1 other failure, 2 bad usage, 3 server unreachable, 4 token refused
(401/403), 5 unknown stream or view, 6 input refused (bad line, rejected SQL).`;

/** A usage error: main.ts prints it with a pointer to --help and exits with 2. */
export function usageError(message: string): VaneError {
  return new VaneError('INVALID_OPTION', message);
}

/** Flags over the environment over the default. */
export function serverTarget(
  values: { url?: string | undefined; token?: string | undefined },
  env: NodeJS.ProcessEnv,
): ServerTarget {
  const url = values.url ?? nonEmpty(env.VANE_URL) ?? DEFAULT_URL;
  const token = values.token ?? nonEmpty(env.VANE_TOKEN);
  return { ...serverUrls(url), token };
}

/**
 * Both URLs from one the user gave: `http://h:7070`, `https://h`, `ws://h:7070/v1/ws` or a bare
 * `h:7070` (taken as http). A path other than `/v1/ws` is kept as a prefix (a proxy mount).
 */
export function serverUrls(text: string): { httpUrl: string; wsUrl: string } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usageError(`--url '${text}' is not a URL (expected like ${DEFAULT_URL})`);
  }
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw usageError(`--url '${text}': the scheme must be http, https, ws or wss`);
  }
  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/v1\/ws$/, '');
  const host = url.host;
  return {
    httpUrl: `${secure ? 'https' : 'http'}://${host}${prefix}`,
    wsUrl: `${secure ? 'wss' : 'ws'}://${host}${prefix}/v1/ws`,
  };
}

/** A whole number ≥ `min` given to `flag`. */
export function integerOption(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw usageError(`${flag} '${text}' must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}
