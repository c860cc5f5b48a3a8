import { VaneError } from '../util/index.ts';
import type { ServerApp } from './server-app.ts';
import { TRANSPORT_KINDS, type Transport, type TransportOptions } from './transport.ts';
import { loadUws } from './uws-module.ts';
import { createUwsTransport } from './uws-transport.ts';
import { createWsTransport } from './ws-transport.ts';

/**
 * The transport `options.transport` names: `ws` (default; fastify and the `ws` package on a Node
 * HTTP server) or `uws` (uWebSockets.js, an optional package loaded only here, when chosen; the
 * same fastify routes answer through `inject`). Both serve HTTP and WebSocket on one port with the
 * same protocol, checks and limits. Throws a VaneError (INVALID_OPTION) for an unknown name, or
 * for `uws` when its package cannot be loaded.
 */
export function createTransport(app: ServerApp, options: TransportOptions): Transport {
  const kind = options.transport ?? 'ws';
  switch (kind) {
    case 'ws':
      return createWsTransport(app, options);
    case 'uws':
      return createUwsTransport(app, options, loadUws());
    default:
      throw new VaneError(
        'INVALID_OPTION',
        `unknown transport '${String(kind)}': ${TRANSPORT_KINDS.join(' or ')}`,
      );
  }
}
