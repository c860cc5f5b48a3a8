/** @module transport: the network edge: HTTP API (fastify) and WebSocket gateway (ws, or uWebSockets.js), auth at the handshake, limits. */
export { createTransport, transportFactory, type TransportFactory } from './create-transport.ts';
export {
  TRANSPORT_KINDS,
  type Transport,
  type TransportKind,
  type TransportOptions,
} from './transport.ts';
export type { ServerApp } from './server-app.ts';
export type { DashboardAsset, DashboardSource } from './dashboard-routes.ts';
export { httpStatusOf, errorBody } from './error-status.ts';
export { loadUws } from './uws-module.ts';
