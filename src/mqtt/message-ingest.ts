import type { PublishResult } from '../ingest/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import { classifyRejection, PUBACK, type MqttOutcome } from './outcome.ts';
import { decodePayload, payloadPrefix } from './payload.ts';
import type { ThrottledWarnings } from './throttled-warnings.ts';
import type { TopicMap } from './topic-map.ts';

/**
 * What the bridge needs of a running node. A `VaneNode` is one: `publish` is the same durable
 * ingest path as WebSocket and HTTP publishes (validation, de-duplication by the stream's id
 * column, durable append, apply), resolving only once the batch is durable.
 */
export interface MqttIngestTarget {
  publish(stream: string, events: unknown): Promise<PublishResult>;
  readonly engine: { streamSpec(stream: string): object | undefined };
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The fate of one message, and the PUBACK reason code to answer it with (null: no PUBACK). */
export interface Handled {
  outcome: MqttOutcome;
  pubackCode: number | null;
}

/**
 * Turns one MQTT message into one publish on the ingest path and decides its acknowledgement.
 * Never throws: every message ends in exactly one outcome, counted in
 * `vane_mqtt_messages_total{result}`; bad ones are logged through throttled warnings with the
 * topic and at most a short prefix of the payload.
 */
export class MessageIngest {
  constructor(
    private readonly target: MqttIngestTarget,
    private readonly topics: TopicMap,
    private readonly maxPayloadBytes: number,
    private readonly warnings: ThrottledWarnings,
  ) {}

  async handle(topic: string, payload: Uint8Array): Promise<Handled> {
    const handled = await this.ingest(topic, payload);
    this.target.metrics.mqttMessages.inc({ result: handled.outcome });
    return handled;
  }

  private async ingest(topic: string, payload: Uint8Array): Promise<Handled> {
    const route = this.topics.route(topic);
    if (route === null) {
      this.warnings.warn(
        'unrouted',
        { topic },
        'MQTT message on a topic no mapping routes (a subscription left in the broker session by an earlier configuration?); acknowledged and dropped',
      );
      return { outcome: 'refused', pubackCode: PUBACK.noMatchingSubscribers };
    }
    if (payload.length > this.maxPayloadBytes) {
      this.target.metrics.rejected.inc({ code: 'PAYLOAD_TOO_LARGE' });
      this.warnings.warn(
        'too-large',
        { topic, stream: route.stream, bytes: payload.length, maxBytes: this.maxPayloadBytes },
        'MQTT message larger than limits.maxPayloadBytes; acknowledged and dropped',
      );
      return { outcome: 'refused', pubackCode: PUBACK.implementationSpecificError };
    }
    const decoded = decodePayload(payload, route.topicFields);
    if (!decoded.ok) {
      this.target.metrics.rejected.inc({ code: 'INVALID_ARGUMENT' });
      this.warnings.warn(
        'malformed',
        {
          topic,
          reason: decoded.reason,
          bytes: payload.length,
          payloadStart: payloadPrefix(payload),
        },
        'malformed MQTT payload (want a JSON object or an array of objects); acknowledged and dropped',
      );
      return { outcome: 'malformed', pubackCode: PUBACK.payloadFormatInvalid };
    }
    try {
      await this.target.publish(route.stream, decoded.events);
      return { outcome: 'accepted', pubackCode: PUBACK.success };
    } catch (error) {
      const { outcome, code } = classifyRejection(error);
      this.target.metrics.rejected.inc({ code });
      const message = error instanceof Error ? error.message : String(error);
      if (outcome === 'refused') {
        this.warnings.warn(
          'refused',
          { topic, stream: route.stream, code, reason: message },
          'MQTT message refused by the stream; acknowledged and dropped',
        );
        return { outcome, pubackCode: PUBACK.implementationSpecificError };
      }
      this.warnings.warn(
        'failed',
        { topic, stream: route.stream, code, reason: message },
        'MQTT message not stored (temporary failure); left unacknowledged for the broker to redeliver',
      );
      return { outcome, pubackCode: null };
    }
  }
}
