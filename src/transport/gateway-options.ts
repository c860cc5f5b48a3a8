import type { FastifyInstance } from 'fastify';
import { createOriginCheck, type OriginCheck, type Principal } from '../auth/index.ts';
import type { Logger } from '../observability/index.ts';
import { createHttpApi } from './http-api.ts';
import { ownOrigins } from './own-origins.ts';
import type { ServerApp } from './server-app.ts';
import type { TransportOptions } from './transport.ts';
import type { SessionLimits } from './ws-session.ts';

/** What a WebSocket gateway (WsGateway, UwsGateway) is configured with. */
export interface GatewayOptions {
  /** The largest message a client may send; a larger one closes the connection with 1009. */
  maxPayloadBytes: number;
  connectionsPerIp: number;
  newConnectionsPerIpPerSecond: number;
  /** How often a silent peer is pinged; one that stays silent is dropped. */
  heartbeatMs: number;
  limits: SessionLimits;
  originAllowed: OriginCheck;
  /** Verifies a token into a principal; rejects with an UNAUTHORIZED VaneError. */
  authenticate: (token: string | null) => Promise<Principal>;
  now: () => number;
  logger: Logger;
}

/**
 * What both transports set up the same way from their options: the origin check (the configured
 * origins, and the server's own once `listening` names its address: the dashboard's page), the
 * fastify routes, and the gateway's options.
 */
export function transportParts(
  app: ServerApp,
  options: TransportOptions,
): { http: FastifyInstance; gateway: GatewayOptions; listening(host: string, port: number): void } {
  let originCheck = createOriginCheck(options.allowedOrigins);
  const originAllowed = (origin: string | undefined): boolean => originCheck(origin);
  return {
    http: createHttpApi(app, {
      maxPayloadBytes: options.maxPayloadBytes,
      originAllowed,
      authenticate: options.authenticate,
      dashboard: options.dashboard,
    }),
    gateway: {
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
    },
    listening(host, port) {
      originCheck = createOriginCheck([...options.allowedOrigins, ...ownOrigins(host, port)]);
    },
  };
}
