/** @module transport: the network edge: HTTP API (fastify) and WebSocket gateway (ws), auth at the handshake, limits. */
export { createTransport, type Transport, type TransportOptions } from './create-transport.ts';
export type { ServerApp } from './server-app.ts';
export type { DashboardAsset, DashboardSource } from './dashboard-routes.ts';
export { httpStatusOf, errorBody } from './error-status.ts';
