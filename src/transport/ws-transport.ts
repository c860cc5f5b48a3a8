import type { AddressInfo } from 'node:net';
import { CLOSE_GRACE_MS, type Transport, type TransportOptions } from './transport.ts';
import { transportParts } from './gateway-options.ts';
import type { ServerApp } from './server-app.ts';
import { WsGateway } from './ws-gateway.ts';

/** How long a shutdown waits for HTTP requests in flight before dropping their connections. */

/** HTTP and WebSocket on one port: fastify serves the API, `ws` takes upgrades to /v1/ws. */
export function createWsTransport(app: ServerApp, options: TransportOptions): Transport {
  const parts = transportParts(app, options);
  const http = parts.http;
  const gateway = new WsGateway(app, parts.gateway);
  const server = http.server;
  // Sockets that never finish a request (or an upgrade) are closed: no idle unauthenticated peers.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  return {
    async listen() {
      await http.listen({ port: options.port, host: options.host });
      const address = server.address() as AddressInfo;
      parts.listening(address.address, address.port);
      return { host: address.address, port: address.port };
    },
    async close() {
      await gateway.close();
      // In-flight requests get a grace period to finish; then every connection left is dropped.
      // Without it a socket that never sent a request (a browser's preconnect from the dashboard
      // page) can hold the shutdown indefinitely: it is not "idle" to Node's close.
      const closing = http.close();
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      try {
        await closing;
      } finally {
        clearTimeout(force);
      }
    },
    get connections() {
      return gateway.connectionCount;
    },
    get writesBacklogged() {
      return gateway.writesBacklogged;
    },
    onWritesCaughtUp(listener) {
      gateway.onWritesCaughtUp(listener);
    },
  };
}
