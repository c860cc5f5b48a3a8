import type { us_listen_socket } from '@trufflesuite/uws-js-unofficial';
import { VaneError } from '../util/index.ts';
import { transportParts } from './gateway-options.ts';
import type { ServerApp } from './server-app.ts';
import { CLOSE_GRACE_MS, type Transport, type TransportOptions } from './transport.ts';
import { bridgeHttp } from './uws-http-bridge.ts';
import { UwsGateway } from './uws-gateway.ts';
import type { UwsModule } from './uws-module.ts';

/** How long a shutdown waits for HTTP requests in flight before dropping their connections. */

/**
 * HTTP and WebSocket on one port, both served by uWebSockets.js (`--transport uws`): WebSocket
 * upgrades go to the UwsGateway, every other request to the fastify routes of the `ws` transport
 * through `inject` (uws-http-bridge.ts). Same protocol, checks, limits and shutdown order as
 * createWsTransport: WebSockets drain and close with 1001 first, then the port stops accepting,
 * HTTP requests in flight get CLOSE_GRACE_MS, and every connection left is dropped.
 *
 * uWS limits a request's headers to 4 KiB unless UWS_HTTP_MAX_HEADERS_SIZE says otherwise (Node:
 * 16 KiB), and closes HTTP connections idle for 10 s (Node: headersTimeout, requestTimeout).
 */
export function createUwsTransport(
  app: ServerApp,
  options: TransportOptions,
  uws: UwsModule,
): Transport {
  const parts = transportParts(app, options);
  const http = parts.http;
  const gateway = new UwsGateway(app, uws, parts.gateway);
  // `close` (every connection, listen sockets included) exists on App but not in its typings.
  const server = uws.App() as ReturnType<UwsModule['App']> & { close(): void };
  gateway.attach(server);
  const bridge = bridgeHttp(server, http, options.maxPayloadBytes);
  let listening: us_listen_socket | null = null;
  return {
    async listen() {
      await http.ready();
      const port = await new Promise<number>((resolve, reject) => {
        server.listen(options.host, options.port, (socket) => {
          if (socket === false) {
            reject(
              new VaneError(
                'INVALID_OPTION',
                `cannot listen on ${options.host}:${options.port} (the port is taken, or the address is not one of this machine's)`,
              ),
            );
            return;
          }
          listening = socket;
          resolve(uws.us_socket_local_port(socket));
        });
      });
      parts.listening(options.host, port);
      return { host: options.host, port };
    },
    async close() {
      await gateway.close();
      if (listening !== null) uws.us_listen_socket_close(listening);
      listening = null;
      // In-flight requests get a grace period; then every connection left is dropped (idle
      // keep-alive ones and a browser's preconnect included), as the ws transport does.
      await bridge.settled(CLOSE_GRACE_MS);
      // A shutdown begun inside a uWS handler runs on in its microtasks, while uWS holds the
      // socket's writes corked: the last answers and close frames go out once the handler
      // returns, so the connections are cut only in a later turn.
      await new Promise((resolve) => setImmediate(resolve));
      server.close();
      await http.close();
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
