import { hostname } from 'node:os';
import { VaneError } from '../util/index.ts';
import { parseTopicMapping, type TopicMapping } from './topic-map.ts';

/** The `mqtt` field of the server's configuration (docs/mqtt.md, docs/configuration.md). */
export interface MqttConfig {
  /** Broker URL: `mqtt://host:1883`, `mqtts://…`, `ws://…`, `wss://…`; may carry `user:pass@`. */
  url: string;
  /** Topic filter → stream; `{field}` levels copy the topic's level into the events. */
  mappings: TopicMapping[];
  /**
   * The MQTT session's client id. Keep it stable: the broker keeps the session (subscriptions and
   * unacknowledged messages) under it across restarts. Two bridges must never share one.
   * @default `vane-<hostname>-<server port>`
   */
  clientId?: string;
  username?: string;
  password?: string;
}

const BROKER_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:']);

/** Throws INVALID_OPTION unless `url` is a broker URL mqtt.js can connect to. */
export function checkBrokerUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VaneError('INVALID_OPTION', `'${brokerLabelOf(url)}' is not an MQTT broker URL`);
  }
  if (!BROKER_PROTOCOLS.has(parsed.protocol) || parsed.hostname === '') {
    throw new VaneError(
      'INVALID_OPTION',
      `'${brokerLabel(parsed)}' is not an MQTT broker URL (mqtt://host:1883, mqtts://, ws://, wss://)`,
    );
  }
  return parsed;
}

/** The broker as log lines and errors show it: no user name, no password. */
export function brokerLabel(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

function brokerLabelOf(text: string): string {
  return text.replace(/\/\/[^@/]*@/, '//');
}

/**
 * A client id that stays the same across restarts of the same server (host name and port), so
 * the broker's session survives them, and differs between servers on one host.
 */
export function defaultClientId(serverPort: number): string {
  return `vane-${hostname()}-${serverPort}`;
}

/**
 * The `mqtt` config from the config file's field, with a broker URL and `filter=stream`
 * mappings from flags or the environment each replacing the file's when given. Null when
 * nothing asks for MQTT. Throws INVALID_OPTION on a bad URL or mapping, or on a URL without
 * mappings and the other way round.
 */
export function mergeMqttSettings(
  fromFile: MqttConfig | null | undefined,
  url: string | undefined,
  mappings: readonly string[] | undefined,
): MqttConfig | null {
  if (url === undefined && mappings === undefined) return fromFile ?? null;
  const merged: MqttConfig = {
    ...fromFile,
    url: url ?? fromFile?.url ?? '',
    mappings: mappings?.map(parseTopicMapping) ?? fromFile?.mappings ?? [],
  };
  if (merged.url === '') {
    throw new VaneError(
      'INVALID_OPTION',
      'MQTT mappings need a broker: --mqtt <url> or VANE_MQTT_URL',
    );
  }
  checkBrokerUrl(merged.url);
  if (merged.mappings.length === 0) {
    throw new VaneError(
      'INVALID_OPTION',
      'MQTT needs at least one mapping: --mqtt-map <filter>=<stream> or VANE_MQTT_MAP',
    );
  }
  return merged;
}
