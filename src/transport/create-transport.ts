import type { AddressInfo } from 'node:net';
import { createOriginCheck, type Principal } from '../auth/index.ts';
import type { Logger } from '../observability/index.ts';
import type { DashboardSource } from './dashboard-routes.ts';
import { createHttpApi } from './http-api.ts';
import type { ServerApp } from './server-app.ts';
import { ownOrigins } from './own-origins.ts';
import { WsGateway } from './ws-gateway.ts';

export interface TransportOptions {
  host: string;
  port: number;
  allowedOrigins: string[];
  maxPayloadBytes: number;
  connectionsPerIp: number;
  newConnectionsPerIpPerSecond: number;
  heartbeatMs: number;
  messagesPerSecond: number;
  bytesPerSecond: number;
  maxBatchEvents: number;
  /** Turns a token (or its absence) into a principal, or rejects with UNAUTHORIZED. */
  authenticate: (token: string | null) => Promise<Principal>;
  /** The dashboard's files: GET / and GET /assets/{file}. */
  dashboard: DashboardSource;
  now: () => number;
  logger: Logger;
}

export interface Transport {
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting, closes WebSockets with 1001, then stops the HTTP server. */
  close(): Promise<void>;
  readonly connections: number;
  /**
   * True while the writes of an earlier fan-out are still going out (a large fan-out is written
   * over several turns). The node holds view emissions back meanwhile: the views keep coalescing
   * changes per key, so a server that cannot write every emission sends fewer, fuller deltas
   * instead of falling ever further behind.
   */
  readonly writesBacklogged: boolean;
  /**
   * Calls `listener` when writes that were backlogged have all gone out, so whoever held work
   * back for them can go on at once rather than at its next timer.
   */
  onWritesCaughtUp(listener: () => void): void;
}

/** How long a shutdown waits for HTTP requests in flight before dropping their connections. */
const CLOSE_GRACE_MS = 2_000;

/** HTTP and WebSocket on one port: fastify serves the API, `ws` takes upgrades to /v1/ws. */
export function createTransport(app: ServerApp, options: TransportOptions): Transport {
  // Replaced once the port is known, to admit the server's own origins (the dashboard's page).
  let originCheck = createOriginCheck(options.allowedOrigins);
  const originAllowed = (origin: string | undefined): boolean => originCheck(origin);
  const http = createHttpApi(app, {
    maxPayloadBytes: options.maxPayloadBytes,
    originAllowed,
    authenticate: options.authenticate,
    dashboard: options.dashboard,
  });
  const gateway = new WsGateway(app, {
    maxPayloadBytes: options.maxPayloadBytes,
    connectionsPerIp: options.connectionsPerIp,
    newConnectionsPerIpPerSecond: options.newConnectionsPerIpPerSecond,
    heartbeatMs: options.heartbeatMs,
    limits: {
      messagesPerSecond: options.messagesPerSecond,
      bytesPerSecond: options.bytesPerSecond,
      maxBatchEvents: options.maxBatchEvents,
    },
    originAllowed,
    authenticate: options.authenticate,
    now: options.now,
    logger: options.logger,
  });
  const server = http.server;
  // Sockets that never finish a request (or an upgrade) are closed: no idle unauthenticated peers.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  return {
    async listen() {
      await http.listen({ port: options.port, host: options.host });
      const address = server.address() as AddressInfo;
      originCheck = createOriginCheck([
        ...options.allowedOrigins,
        ...ownOrigins(address.address, address.port),
      ]);
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
