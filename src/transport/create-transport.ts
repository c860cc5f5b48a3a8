import { VaneError } from '../util/index.ts';
import type { ServerApp } from './server-app.ts';
import {
  TRANSPORT_KINDS,
  type Transport,
  type TransportKind,
  type TransportOptions,
} from './transport.ts';
import { loadUws } from './uws-module.ts';
import { createUwsTransport } from './uws-transport.ts';
import { createWsTransport } from './ws-transport.ts';

/** Makes the transport once the server's app exists. */
export type TransportFactory = (app: ServerApp, options: TransportOptions) => Transport;

/**
 * The transport `kind` names: `ws` (default; fastify and the `ws` package on a Node HTTP server)
 * or `uws` (uWebSockets.js, an optional package loaded here, when chosen; the same fastify routes
 * answer through `inject`). Both serve HTTP and WebSocket on one port with the same protocol,
 * checks and limits. Throws a VaneError (INVALID_OPTION) for an unknown name, or for `uws` when
 * its package cannot be loaded: a server settles this before it opens its store.
 */
export function transportFactory(kind: TransportKind = 'ws'): TransportFactory {
  switch (kind) {
    case 'ws':
      return createWsTransport;
    case 'uws': {
      const uws = loadUws();
      return (app, options) => createUwsTransport(app, options, uws);
    }
    default:
      throw new VaneError(
        'INVALID_OPTION',
        `unknown transport '${String(kind)}': ${TRANSPORT_KINDS.join(' or ')}`,
      );
  }
}

/** The transport `options.transport` names, made at once (see transportFactory). */
export function createTransport(app: ServerApp, options: TransportOptions): Transport {
  return transportFactory(options.transport)(app, options);
}
