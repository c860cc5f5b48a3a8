/**
 * @module mqtt: the MQTT ingest bridge: broker topics → streams, through the node's durable
 * ingest path, with QoS 1 acknowledged only once stored. The only home of the `mqtt` library.
 */
export {
  startMqttBridge,
  SESSION_EXPIRY_SECONDS,
  type MqttBridge,
  type MqttBridgeOptions,
} from './mqtt-bridge.ts';
export type { MqttIngestTarget } from './message-ingest.ts';
export { connectMqttPublisher, type MqttPublisher } from './mqtt-publisher.ts';
export { defaultClientId, mergeMqttSettings, type MqttConfig } from './mqtt-config.ts';
export { parseTopicMapping, type TopicMapping } from './topic-map.ts';
