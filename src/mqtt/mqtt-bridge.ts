import { connect, type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import type { Logger, Metrics } from '../observability/index.ts';
import { systemClock, VaneError, type Clock } from '../util/index.ts';
import { MessageIngest, type MqttIngestTarget } from './message-ingest.ts';
import { brokerLabel, checkBrokerUrl, type MqttConfig } from './mqtt-config.ts';
import { ThrottledWarnings } from './throttled-warnings.ts';
import { compileTopicMap, describeMapping } from './topic-map.ts';

export interface MqttBridgeOptions {
  /**
   * Used when the config names no client id (the server passes `vane-<hostname>-<port>`).
   * Without either, `vane-bridge-<pid>`: a session that does not survive a restart.
   */
  defaultClientId?: string;
  /** Largest payload ingested; larger ones are refused (acknowledged). @default 262_144 */
  maxPayloadBytes?: number;
  /** Delay between losing the broker and trying again. @default 1_000 */
  reconnectPeriodMs?: number;
  /**
   * After a temporary ingest failure, how long to wait before resuming the session so the broker
   * redelivers what was left unacknowledged; doubles while failures go on, up to 30 s. @default 1_000
   */
  redeliveryDelayMs?: number;
  clock?: Clock;
}

/** A running bridge: a broker subscription feeding the ingest path (docs/mqtt.md). */
export interface MqttBridge {
  /** True while connected to the broker. */
  readonly connected: boolean;
  /** Resolves once every mapping's filter is subscribed on the current connection. */
  subscribed(timeoutMs?: number): Promise<void>;
  /**
   * Stops taking messages, lets the ones being stored finish and acknowledges them, then
   * disconnects (the broker keeps the session). No message is acknowledged after it resolves.
   */
  close(): Promise<void>;
}

/** How long the broker keeps the session (subscriptions, unacknowledged messages) while away. */
export const SESSION_EXPIRY_SECONDS = 86_400;
const MAX_REDELIVERY_DELAY_MS = 30_000;
/** Bound on waiting for messages being stored, at a redelivery round and at close. */
const SETTLE_TIMEOUT_MS = 5_000;
const DISCONNECT_TIMEOUT_MS = 2_000;

/** The error a QoS 1 message is answered with to withhold its PUBACK (mqtt.js: no ack sent). */
class WithheldAck extends Error {
  override readonly name = 'WithheldAck';
}

/**
 * Starts bridging MQTT topics into the node's streams. Checks synchronously, before connecting:
 * the URL and mappings (INVALID_OPTION) and that every mapped stream exists (UNKNOWN_STREAM,
 * naming the mapping). Connecting happens in the background and is retried for ever.
 */
export function startMqttBridge(
  target: MqttIngestTarget,
  config: MqttConfig,
  options: MqttBridgeOptions = {},
): MqttBridge {
  const url = checkBrokerUrl(config.url);
  const topics = compileTopicMap(config.mappings);
  for (const mapping of topics.mappings) {
    if (target.engine.streamSpec(mapping.stream) === undefined) {
      throw new VaneError(
        'UNKNOWN_STREAM',
        `MQTT mapping '${describeMapping(mapping)}': there is no stream ${mapping.stream} (create it first, e.g. with --init)`,
      );
    }
  }
  return new BridgeConnection(target, config, topics, brokerLabel(url), options);
}

/**
 * Delivery (docs/mqtt.md): MQTT 5, persistent session (clean start off, 1-day expiry), every
 * filter subscribed at QoS 1 on every connect. A QoS 1 message is answered only once the ingest
 * path has settled it: PUBACK after the durable append; PUBACK with a reason code ≥ 0x80 when its
 * content is refused; none on a temporary failure, after which the session is resumed
 * (disconnect, reconnect) so the broker sends the unacknowledged messages again. mqtt.js handles
 * one incoming packet at a time, so QoS 1 messages are stored one after the other, in order.
 */
class BridgeConnection implements MqttBridge {
  private readonly client: MqttClient;
  private readonly ingest: MessageIngest;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private isConnected = false;
  private isSubscribed = false;
  private readonly waiters = new Set<() => void>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;
  private redeliveryTimer: NodeJS.Timeout | null = null;
  private redelivering: Promise<void> | null = null;
  private readonly baseRedeliveryDelayMs: number;
  private redeliveryDelayMs: number;
  /** Connection errors are logged once per outage, the rest at debug. */
  private errorLogged = false;

  constructor(
    target: MqttIngestTarget,
    config: MqttConfig,
    private readonly topics: ReturnType<typeof compileTopicMap>,
    broker: string,
    options: MqttBridgeOptions,
  ) {
    const clock = options.clock ?? systemClock;
    this.logger = target.logger.child({ component: 'mqtt', broker });
    this.metrics = target.metrics;
    this.ingest = new MessageIngest(
      target,
      topics,
      options.maxPayloadBytes ?? 262_144,
      new ThrottledWarnings(this.logger, () => clock.now()),
    );
    this.baseRedeliveryDelayMs = options.redeliveryDelayMs ?? 1_000;
    this.redeliveryDelayMs = this.baseRedeliveryDelayMs;
    const clientOptions: IClientOptions = {
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
      clientId: config.clientId ?? options.defaultClientId ?? `vane-bridge-${process.pid}`,
      reconnectPeriod: options.reconnectPeriodMs ?? 1_000,
      connectTimeout: 10_000,
      // Subscriptions are made on every connect below, not by mqtt.js's own bookkeeping.
      resubscribe: false,
      customHandleAcks: (topic, message, _packet, done) =>
        this.onAcknowledged(topic, message, done),
    };
    if (config.username !== undefined) clientOptions.username = config.username;
    if (config.password !== undefined) clientOptions.password = config.password;
    this.metrics.mqttConnected.set(0);
    this.client = connect(config.url, clientOptions);
    this.client.on('connect', (connack) => this.onConnect(connack));
    this.client.on('close', () => this.onClose());
    this.client.on('error', (error) => this.onError(error));
    this.client.on('message', (topic, message, packet) => {
      // QoS 1 and 2 messages were ingested in customHandleAcks before mqtt.js emits them here.
      if (packet.qos === 0 && this.closing === null) this.track(this.ingest.handle(topic, message));
    });
    this.logger.info(
      { filters: topics.filters, clientId: clientOptions.clientId },
      'MQTT bridge starting',
    );
  }

  get connected(): boolean {
    return this.isConnected;
  }

  subscribed(timeoutMs = 10_000): Promise<void> {
    if (this.isSubscribed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new VaneError('INTERNAL', `not subscribed to the MQTT broker within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.redeliveryTimer !== null) clearTimeout(this.redeliveryTimer);
    this.redeliveryTimer = null;
    await this.redelivering;
    await this.settle();
    await this.disconnect();
    this.markDisconnected();
    this.logger.info('MQTT bridge closed');
  }

  /** QoS 1 and 2: answers `done` with a PUBACK reason code, or withholds the PUBACK. */
  private onAcknowledged(
    topic: string,
    message: Buffer,
    done: (error: Error | number, code?: number) => void,
  ): void {
    if (this.closing !== null) {
      this.metrics.mqttMessages.inc({ result: 'failed' });
      done(new WithheldAck('the bridge is closing'));
      return;
    }
    const handling = this.ingest.handle(topic, message).then(
      ({ pubackCode }) => {
        if (pubackCode !== null) {
          if (pubackCode === 0) this.redeliveryDelayMs = this.baseRedeliveryDelayMs;
          done(pubackCode);
          return;
        }
        done(new WithheldAck('temporary ingest failure'));
        this.scheduleRedelivery();
      },
      (error: unknown) => {
        // A bug: answer anyway, or mqtt.js would wait for this packet for ever.
        this.logger.error({ err: error }, 'handling an MQTT message failed');
        done(new WithheldAck('handling failed'));
        this.scheduleRedelivery();
      },
    );
    this.track(handling);
  }

  /** Keeps `work` among the messages in flight until it settles; it never rejects. */
  private track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      (error: unknown) => this.logger.error({ err: error }, 'handling an MQTT message failed'),
    );
    this.inflight.add(settled);
    void settled.finally(() => this.inflight.delete(settled));
  }

  /** Waits (bounded) for the messages being stored to settle and be answered. */
  private async settle(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>(
      (resolve) => (timer = setTimeout(resolve, SETTLE_TIMEOUT_MS)),
    );
    await Promise.race([Promise.allSettled([...this.inflight]), timeout]);
    clearTimeout(timer);
  }

  /**
   * MQTT brokers resend an unacknowledged message only when the session resumes, so after a
   * temporary failure the bridge disconnects and reconnects (once per round, however many
   * messages failed in it), backing off while failures continue.
   */
  private scheduleRedelivery(): void {
    if (this.redeliveryTimer !== null || this.redelivering !== null || this.closing !== null)
      return;
    const delayMs = this.redeliveryDelayMs;
    this.redeliveryDelayMs = Math.min(this.redeliveryDelayMs * 2, MAX_REDELIVERY_DELAY_MS);
    this.redeliveryTimer = setTimeout(() => {
      this.redeliveryTimer = null;
      this.redelivering = this.resumeSession().finally(() => (this.redelivering = null));
    }, delayMs);
  }

  private async resumeSession(): Promise<void> {
    await this.settle();
    if (this.closing !== null) return;
    this.logger.info('resuming the MQTT session so the broker redelivers unacknowledged messages');
    await this.disconnect();
    if (this.closing !== null) return;
    this.client.reconnect();
  }

  /** A clean DISCONNECT (the session stays), or a forced one if the broker does not answer. */
  private async disconnect(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<void>((resolve) => this.client.end(false, {}, () => resolve()));
    const timedOut = new Promise<boolean>(
      (resolve) => (timer = setTimeout(() => resolve(true), DISCONNECT_TIMEOUT_MS)),
    );
    if ((await Promise.race([ended.then(() => false), timedOut])) === true) {
      await new Promise<void>((resolve) => this.client.end(true, {}, () => resolve()));
    }
    clearTimeout(timer);
  }

  private onConnect(connack: IConnackPacket): void {
    this.isConnected = true;
    this.errorLogged = false;
    this.metrics.mqttConnected.set(1);
    this.logger.info({ sessionPresent: connack.sessionPresent }, 'MQTT connected');
    // Every connect: the session may be new (broker restarted without persistence, expired) or
    // hold filters of an earlier configuration. Retain handling 2: no retained messages are sent
    // for a subscription, so a resubscribe never ingests old state again.
    const filters = Object.fromEntries(
      this.topics.filters.map((filter) => [filter, { qos: 1 as const, rh: 2 }]),
    );
    this.client.subscribe(filters, (error, grants) => {
      if (error !== null && error !== undefined) {
        this.logger.warn({ err: error }, 'MQTT subscribe failed; retried at the next connect');
        return;
      }
      const refused = (grants ?? []).filter((grant) => grant.qos >= 0x80);
      if (refused.length > 0) {
        this.logger.error(
          { filters: refused.map((grant) => grant.topic), reasonCode: refused[0]!.qos },
          'the MQTT broker refused a subscription (check its ACL); those topics are not ingested',
        );
      }
      this.isSubscribed = true;
      for (const waiter of this.waiters) waiter();
      this.waiters.clear();
    });
  }

  private onClose(): void {
    if (!this.isConnected) return;
    this.markDisconnected();
    if (this.closing === null && this.redelivering === null) {
      this.logger.warn('MQTT disconnected; reconnecting');
    }
  }

  private markDisconnected(): void {
    this.isConnected = false;
    this.isSubscribed = false;
    this.metrics.mqttConnected.set(0);
  }

  private onError(error: Error): void {
    if (error instanceof WithheldAck) return;
    // The message and code say it all (ECONNREFUSED, bad credentials); a stack would not help.
    const fields = { reason: error.message, code: (error as { code?: unknown }).code };
    if (this.errorLogged) {
      this.logger.debug(fields, 'MQTT connection error');
      return;
    }
    this.errorLogged = true;
    this.logger.warn(fields, 'MQTT connection error; retrying');
  }
}
