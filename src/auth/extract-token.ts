/** The WebSocket subprotocol of SPEC §4. */
export const VANE_SUBPROTOCOL = 'vane.v1';

const TOKEN_PROTOCOL_PREFIX = 'token.';

/** Where a request may carry its token (SPEC §6). Header values exactly as received. */
export interface TokenSources {
  /** The `Authorization` header. */
  authorization?: string | undefined;
  /** The request target (`/v1/ws?token=…`) or a full URL; its `token` query parameter is read. */
  url?: string | undefined;
  /** The `Sec-WebSocket-Protocol` header: a comma-separated list. */
  secWebSocketProtocol?: string | undefined;
}

export interface ExtractedToken {
  /** The token, or null when no source carries one (the verifier then refuses it as missing). */
  token: string | null;
  /** Which source it came from; safe to log, unlike the token. */
  source: 'authorization' | 'subprotocol' | 'query' | null;
  /**
   * The subprotocol to answer the WebSocket handshake with: `vane.v1` when the client offered it,
   * else null. Never the `token.<jwt>` entry: echoing it would put the token in the response.
   */
  subprotocol: string | null;
}

/**
 * Finds the request's token. When several sources carry one, the first of `Authorization`,
 * subprotocol, query wins; the others are ignored. Browsers cannot set headers on a WebSocket, so
 * they use the subprotocol pair (`vane.v1, token.<jwt>`) or `?token=`; the query form ends up in
 * access logs, so the transport must strip it from any URL it logs.
 */
export function extractToken(sources: TokenSources): ExtractedToken {
  const offered = parseProtocols(sources.secWebSocketProtocol);
  const subprotocol = offered.includes(VANE_SUBPROTOCOL) ? VANE_SUBPROTOCOL : null;

  const fromHeader = bearerToken(sources.authorization);
  if (fromHeader !== null) return { token: fromHeader, source: 'authorization', subprotocol };

  for (const protocol of offered) {
    if (
      protocol.startsWith(TOKEN_PROTOCOL_PREFIX) &&
      protocol.length > TOKEN_PROTOCOL_PREFIX.length
    ) {
      return {
        token: protocol.slice(TOKEN_PROTOCOL_PREFIX.length),
        source: 'subprotocol',
        subprotocol,
      };
    }
  }

  const fromQuery = queryToken(sources.url);
  if (fromQuery !== null) return { token: fromQuery, source: 'query', subprotocol };

  return { token: null, source: null, subprotocol };
}

function parseProtocols(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/** `Bearer <token>`, scheme case-insensitive (RFC 7235); anything else is not a bearer token. */
function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

function queryToken(url: string | undefined): string | null {
  if (url === undefined) return null;
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return null;
  const hashStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart);
  const token = new URLSearchParams(query).get('token');
  return token === null || token === '' ? null : token;
}
