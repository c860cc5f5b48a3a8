import { connectMqttPublisher, type MqttPublisher } from '../mqtt/index.ts';
import { resolveConfig, startServer, type VaneConfig, type VaneServer } from '../node/index.ts';
import { systemClock, type Clock } from '../util/index.ts';
import { loadDemoSql } from './demo-sql.ts';
import { EventPump, type Publish } from './event-pump.ts';
import { USE_CASE_INFO, type UseCase } from './use-cases.ts';

export interface DemoOptions {
  useCases: readonly UseCase[];
  /** 0 picks a free port. */
  port: number;
  /** The embedded store; null keeps everything in memory. */
  dataDir: string | null;
  /** The HTTP/WebSocket edge (`--transport`). @default 'ws' */
  transport?: VaneConfig['transport'];
  /** Events per second per use case (IoT: devices); a missing one runs at its default. */
  rates?: Partial<Record<UseCase, number>>;
  /** Seeds the generators: the same seed gives the same data. @default 1 */
  seed?: number;
  /** Prefix of event ids; a different one per run (see EventModel). @default the start time */
  runId?: string;
  /** How often each generator stages an alert condition. @default 25_000 (tests shorten it) */
  alertEveryMs?: number;
  /**
   * Use cases whose stream is fed from elsewhere: their SQL runs, their generator does not.
   */
  externalFeeds?: readonly UseCase[];
  /**
   * An MQTT broker (mqtt://host:port) to feed the IoT use case through: its devices publish to
   * `vane-demo/sensors/<device>/reading` on the broker, and the server's MQTT bridge maps those
   * topics onto the `readings` stream (docs/mqtt.md), as a real installation would.
   */
  mqttUrl?: string;
  logLevel?: VaneConfig['logLevel'];
  clock?: Clock;
}

export interface RunningUseCase {
  useCase: UseCase;
  stream: string;
  /** Events per second (IoT: devices), or null when the stream is fed from elsewhere. */
  rate: number | null;
  rateUnit: string;
}

export interface RunningDemo {
  readonly server: VaneServer;
  readonly useCases: readonly RunningUseCase[];
  /** Events acknowledged per stream so far. */
  accepted(): Record<string, number>;
  /** Stops the generators (waiting for their last publish), then the server. Idempotent. */
  stop(): Promise<void>;
}

/** How long each view's change history is kept for resuming subscribers. */
const DEMO_HISTORY_MS = 60_000;

/** Logs the first publish failure of a stream, then at most one summary per interval. */
const ERROR_LOG_EVERY_MS = 10_000;

/**
 * Starts a dev-mode server (no auth, loopback only) with the use cases' streams and views as its
 * init SQL, and a generator per use case publishing through the node's in-process ingest path
 * (`VaneNode.publish`, the same call the HTTP and WebSocket publishes end in: validated,
 * de-duplicated, acknowledged once durable) with no network hop in between.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const clock = options.clock ?? systemClock;
  const feedsThroughMqtt = options.mqttUrl !== undefined && options.useCases.includes('iot');
  const initSql = options.useCases.map((useCase) => loadDemoSql(useCase)).join('\n');
  const config = resolveConfig({
    host: '127.0.0.1',
    port: options.port,
    transport: options.transport ?? 'ws',
    dev: true,
    dataDir: options.dataDir,
    initSql,
    // A subscriber that reconnects within a minute resumes from its offset; later, it gets a
    // fresh snapshot. The default five minutes of history would hold about five times the rows
    // (every view changes every second here) for little use in a demo.
    history: { maxAgeMs: DEMO_HISTORY_MS },
    logLevel: options.logLevel ?? 'error',
    mqtt: feedsThroughMqtt
      ? {
          url: options.mqttUrl!,
          mappings: [{ topic: `${MQTT_TOPIC_ROOT}/{device}/reading`, stream: 'readings' }],
        }
      : null,
  });
  // The broker first: when it is not there, say so before a server starts.
  const devices = feedsThroughMqtt ? await connectMqttPublisher(options.mqttUrl!) : null;
  let server: VaneServer;
  try {
    server = await startServer(config, clock);
    await server.mqtt?.subscribed(MQTT_SUBSCRIBE_TIMEOUT_MS);
  } catch (error) {
    await devices?.close();
    throw error;
  }
  const runId = options.runId ?? clock.now().toString(36);
  const reportError = throttledErrorLog(server, clock);
  const running: RunningUseCase[] = [];
  const pumps: EventPump[] = [];
  options.useCases.forEach((useCase, index) => {
    const info = USE_CASE_INFO[useCase];
    if (options.externalFeeds?.includes(useCase)) {
      running.push({ useCase, stream: info.stream, rate: null, rateUnit: info.rateUnit });
      return;
    }
    const rate = options.rates?.[useCase] ?? info.defaultRate;
    const model = info.createModel({
      seed: (options.seed ?? 1) * 101 + index,
      runId,
      ratePerSecond: rate,
      alertEveryMs: options.alertEveryMs,
    });
    const throughBroker = useCase === 'iot' && devices !== null;
    pumps.push(
      new EventPump({
        model,
        clock,
        publish: throughBroker
          ? publishThroughBroker(devices)
          : (stream, events) => server.node.publish(stream, events),
        onError: reportError,
      }),
    );
    running.push({
      useCase,
      stream: info.stream,
      rate,
      rateUnit: throughBroker ? `${info.rateUnit}, through MQTT` : info.rateUnit,
    });
  });
  for (const pump of pumps) pump.start();
  let stopping: Promise<void> | null = null;
  return {
    server,
    useCases: running,
    accepted: () => Object.fromEntries(pumps.map((pump) => [pump.stream, pump.accepted])),
    stop() {
      stopping ??= (async () => {
        await Promise.all(pumps.map((pump) => pump.stop()));
        await devices?.close();
        await server.stop();
      })();
      return stopping;
    },
  };
}

/** Where the IoT devices publish on the broker: `<root>/<device>/reading`. */
const MQTT_TOPIC_ROOT = 'vane-demo/sensors';
const MQTT_SUBSCRIBE_TIMEOUT_MS = 10_000;

/**
 * The IoT devices' publish when they go through a broker: one message per reading, QoS 1. The
 * broker's acknowledgement is all a device gets; the bridge stores the readings and the stream's
 * id column makes a resent one count once.
 */
function publishThroughBroker(devices: MqttPublisher): Publish {
  return async (_stream, events) => {
    await devices.publish(
      events.map((event) => ({
        topic: `${MQTT_TOPIC_ROOT}/${String(event['device'])}/reading`,
        payload: event,
      })),
    );
    return { accepted: events.length, duplicates: 0 };
  };
}

function throttledErrorLog(
  server: VaneServer,
  clock: Clock,
): (error: unknown, stream: string) => void {
  const byStream = new Map<string, { loggedAtMs: number; since: number }>();
  return (error, stream) => {
    const now = clock.now();
    const state = byStream.get(stream);
    if (state !== undefined && now - state.loggedAtMs < ERROR_LOG_EVERY_MS) {
      state.since += 1;
      return;
    }
    server.node.logger.error(
      { err: error, stream, failuresSinceLastLog: state?.since ?? 0 },
      'demo generator: a publish failed; the generator carries on',
    );
    byStream.set(stream, { loggedAtMs: now, since: 0 });
  };
}
