import { VaneError } from '../util/index.ts';

/** Tells whether a request's `Origin` header may talk to this server. */
export type OriginCheck = (origin: string | undefined) => boolean;

/**
 * The Origin allow-list that stops cross-site WebSocket hijacking (CSWSH): a page on a foreign
 * site must not drive a browser into connecting here. Rules:
 * - An allowed origin matches on scheme, host and port exactly, after the normalisation a browser
 *   applies itself (lower-case host, default port dropped), so `https://app.example.com` and
 *   `https://app.example.com:443/` are the same entry, and `http://` or another port is not.
 * - `*` allows every origin (dev mode; the node layer refuses it in production).
 * - An empty list rejects every browser: a request that carries an Origin is refused.
 * - A request without an Origin header is allowed. Browsers always send Origin on a WebSocket
 *   handshake and on cross-origin requests, so its absence means a non-browser client (a CLI,
 *   a service, the Node SDK). Such a client has no ambient credentials for a foreign page to
 *   borrow: Vane authenticates with a bearer token the caller must hold, never with cookies,
 *   and the token check still applies. If cookie auth is ever added, this rule must change.
 * - `null` (sandboxed iframes, `file:` pages) and anything that is not a bare origin is refused
 *   unless `*` is on the list.
 *
 * Throws INVALID_OPTION at construction for an entry that is not an origin, so a typo in config
 * fails at startup instead of silently locking browsers out.
 */
export function createOriginCheck(allowed: readonly string[]): OriginCheck {
  if (allowed.includes('*')) return () => true;
  const origins = new Set<string>();
  for (const entry of allowed) {
    const origin = normaliseOrigin(entry);
    if (origin === null) {
      throw new VaneError(
        'INVALID_OPTION',
        `allowed origin ${JSON.stringify(entry)} is not an origin: expected scheme://host[:port]`,
      );
    }
    origins.add(origin);
  }
  return function originAllowed(origin) {
    if (origin === undefined) return true;
    const normalised = normaliseOrigin(origin);
    return normalised !== null && origins.has(normalised);
  };
}

/** `scheme://host[:port]` in canonical form, or null when the text is not a bare origin. */
function normaliseOrigin(text: string): string | null {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  if (url.host === '' || url.username !== '' || url.password !== '') return null;
  if (url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
    return null;
  }
  return `${url.protocol}//${url.host}`;
}
