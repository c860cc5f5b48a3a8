import { createTokenVerifier, DEV_PRINCIPAL, type Principal } from '../auth/index.ts';
import { describeWindow } from '../catalog/index.ts';
import { defaultClientId, startMqttBridge, type MqttBridge } from '../mqtt/index.ts';
import { transportFactory, type ServerApp } from '../transport/index.ts';
import { systemClock, VaneError, type Clock } from '../util/index.ts';
import { isLoopback, type VaneConfig } from './config.ts';
import { dashboardSource } from './dashboard-assets.ts';
import { VaneNode } from './vane-node.ts';

export interface VaneServer {
  readonly node: VaneNode;
  readonly url: string;
  readonly port: number;
  /** The MQTT ingest bridge when `config.mqtt` is set (docs/mqtt.md), else null. */
  readonly mqtt: MqttBridge | null;
  /** Graceful: stop accepting, close subscribers with 1001, finish pending acks, close the log. */
  stop(): Promise<void>;
}

/**
 * Starts a Vane server: a node (engine, log, hub) behind HTTP and WebSocket on one port.
 *
 * Refuses to start without auth on a non-loopback address (SPEC §6): dev mode and auth-less
 * serving are for 127.0.0.1 / ::1 only.
 */
export async function startServer(
  config: VaneConfig,
  clock: Clock = systemClock,
): Promise<VaneServer> {
  const authConfigured =
    config.auth.hs256Secret !== undefined || config.auth.publicKeyPem !== undefined;
  if (!authConfigured && !isLoopback(config.host)) {
    throw new VaneError(
      'INVALID_OPTION',
      `refusing to listen on ${config.host} without auth: configure a token secret or public key, or bind to 127.0.0.1`,
    );
  }
  if (config.dev && !isLoopback(config.host)) {
    throw new VaneError('INVALID_OPTION', 'dev mode binds to loopback only (127.0.0.1 or ::1)');
  }
  // An unknown transport, or uWebSockets.js that does not load, fails before the store opens.
  const makeTransport = transportFactory(config.transport);
  const node = await VaneNode.open(config, clock);
  const authenticate = authenticator(config, authConfigured);
  const transport = makeTransport(serverApp(node), {
    transport: config.transport,
    host: config.host,
    port: config.port,
    allowedOrigins: config.allowedOrigins,
    maxPayloadBytes: config.limits.maxPayloadBytes,
    connectionsPerIp: config.limits.connectionsPerIp,
    newConnectionsPerIpPerSecond: config.limits.newConnectionsPerIpPerSecond,
    heartbeatMs: config.heartbeatMs,
    messagesPerSecond: config.limits.messagesPerSecond,
    bytesPerSecond: config.limits.bytesPerSecond,
    maxBatchEvents: config.limits.maxBatchEvents,
    authenticate,
    dashboard: dashboardSource(node.logger),
    now: () => clock.now(),
    logger: node.logger,
  });
  node.holdEmissionsWhile(() => transport.writesBacklogged);
  transport.onWritesCaughtUp(() => node.emissionsReleased());
  let address: { host: string; port: number };
  try {
    address = await transport.listen();
  } catch (error) {
    await node.close();
    throw error;
  }
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const url = `http://${host}:${address.port}`;
  if (!authConfigured) {
    node.logger.warn(
      { url },
      'auth is off: anyone who can reach this address may publish, subscribe and change the catalog (dev mode, loopback only)',
    );
  }
  // After the node is ready and listening: mapped streams exist by now (--init ran).
  let mqtt: MqttBridge | null = null;
  if (config.mqtt !== null) {
    try {
      mqtt = startMqttBridge(node, config.mqtt, {
        defaultClientId: defaultClientId(address.port),
        maxPayloadBytes: config.limits.maxPayloadBytes,
        clock,
      });
    } catch (error) {
      await transport.close();
      await node.close();
      throw error;
    }
  }
  node.logger.info({ url, dataDir: config.dataDir }, 'vane serving');
  let stopping: Promise<void> | null = null;
  return {
    node,
    url,
    port: address.port,
    mqtt,
    stop() {
      stopping ??= (async () => {
        // The bridge first: no MQTT message is acknowledged once the node starts closing.
        await mqtt?.close();
        await transport.close();
        await node.close();
      })();
      return stopping;
    },
  };
}

function authenticator(
  config: VaneConfig,
  authConfigured: boolean,
): (token: string | null) => Promise<Principal> {
  if (!authConfigured) return () => Promise.resolve(DEV_PRINCIPAL);
  const verifier = createTokenVerifier({
    hs256Secret: config.auth.hs256Secret,
    publicKeyPem: config.auth.publicKeyPem,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    requireExpiry: config.auth.requireExpiry,
  });
  return async (token) => {
    if (token === null)
      throw new VaneError(
        'UNAUTHORIZED',
        'a token is required (Authorization: Bearer, ?token= or the token.<jwt> subprotocol)',
      );
    return verifier.verify(token);
  };
}

/** The node as the transport sees it. */
function serverApp(node: VaneNode): ServerApp {
  return {
    hub: node.hub,
    metrics: node.metrics,
    publish: (stream, events) => node.publish(stream, events),
    executeSql: (sql, access) => node.executeSql(sql, access),
    catalog: () => {
      const { streams, views } = node.catalog();
      return {
        streams: streams.map((stream) => ({
          name: stream.name,
          sql: stream.sql,
          columns: stream.spec.columns,
          timestamp: stream.spec.timestampColumn,
          id: stream.spec.idColumn,
          latenessMs: stream.spec.latenessMs,
          retentionMs: stream.spec.retentionMs,
          views: stream.views,
        })),
        views: views.map((view) => ({
          name: view.name,
          stream: view.stream,
          sql: view.sql,
          columns: view.columns,
          key: view.key,
          window: describeWindow(view.plan.window) ?? 'none',
          emit: view.plan.emit,
          emitIntervalMs: view.plan.emitIntervalMs,
        })),
      };
    },
    viewRows: (view, where) => node.viewRows(view, where),
    readiness: () => node.readiness(),
    stats: () => node.stats(),
  };
}
