import { connectAsync, type MqttClient } from 'mqtt';
import { VaneError } from '../util/index.ts';
import { brokerLabel, checkBrokerUrl } from './mqtt-config.ts';

/**
 * A producer of JSON messages to an MQTT broker: what a fleet of devices does. The demo's IoT
 * generator uses it to feed its stream through the broker and the bridge (startMqttBridge), the
 * way a real installation would, instead of publishing in process.
 */
export interface MqttPublisher {
  /** Publishes each message with QoS 1; resolves once the broker acknowledged all of them. */
  publish(messages: readonly { topic: string; payload: unknown }[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects to `url` (mqtt://host:port), waiting at most `timeoutMs`; a broker that is not there
 * fails with an INVALID_OPTION VaneError naming the address (the option points nowhere). Reconnects by itself after a connection is
 * lost; publishes made meanwhile wait for the reconnection.
 */
export async function connectMqttPublisher(
  url: string,
  options: { clientId?: string; timeoutMs?: number } = {},
): Promise<MqttPublisher> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const label = brokerLabel(checkBrokerUrl(url));
  let client: MqttClient;
  try {
    client = await connectAsync(url, {
      clientId: options.clientId,
      connectTimeout: timeoutMs,
      reconnectPeriod: 0,
    });
  } catch (cause) {
    throw new VaneError(
      'INVALID_OPTION',
      `no MQTT broker answered at ${label} within ${timeoutMs} ms (is it running?)`,
      { cause },
    );
  }
  // Only once connected: a broker that is not there fails fast above instead of retrying.
  client.options.reconnectPeriod = 1_000;
  return {
    async publish(messages) {
      await Promise.all(
        messages.map(({ topic, payload }) =>
          client.publishAsync(topic, JSON.stringify(payload), { qos: 1 }),
        ),
      );
    },
    async close() {
      await client.endAsync();
    },
  };
}
