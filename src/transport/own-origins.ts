/**
 * The origins of the server itself once it listens: the dashboard it serves at GET / opens its
 * WebSocket from one of them, so they are allowed beside the configured `allowedOrigins`.
 *
 * Only names that cannot be re-pointed are listed: the address literal it is bound to and, on a
 * loopback address, `localhost`. Trusting whatever Host header arrives would let a page on a
 * DNS-rebound name reach an auth-less dev server. A server bound to every interface (0.0.0.0,
 * ::) has no literal of its own: a dashboard served under a public name needs that origin in
 * `allowedOrigins`.
 */
export function ownOrigins(host: string, port: number): string[] {
  if (host === '0.0.0.0' || host === '::' || host === '') return [];
  const literal = host.includes(':') ? `[${host}]` : host;
  const origins = [`http://${literal}:${port}`];
  if (host === '::1' || host.startsWith('127.') || host === 'localhost') {
    origins.push(`http://localhost:${port}`);
  }
  return origins;
}
