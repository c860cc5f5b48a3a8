import type { HttpRequest, HttpResponse } from '@trufflesuite/uws-js-unofficial';
import { clientAddress } from './client-address.ts';

// Reading a uWS request, as the WebSocket upgrade and the HTTP bridge both do. uWS's request
// object lives only during its handler: read it before anything asynchronous.

/** The request's path with its query string, as a Node request's `url` has it. */
export function requestUrl(req: HttpRequest): string {
  // Typed as a string, but undefined when the URL has no query.
  const query = (req.getQuery() as string | undefined) ?? '';
  return query === '' ? req.getUrl() : `${req.getUrl()}?${query}`;
}

/** The peer's address in the form the limits and logs use (clientAddress). */
export function remoteAddress(res: HttpResponse): string {
  return clientAddress(Buffer.from(res.getRemoteAddressAsText()).toString());
}
