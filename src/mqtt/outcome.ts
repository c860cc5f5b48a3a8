import { VaneError, type ErrorCode } from '../util/index.ts';

/**
 * What became of one MQTT message (the `result` label of `vane_mqtt_messages_total`):
 * - `accepted`: stored durably (or a duplicate of an event already stored), then acknowledged;
 * - `malformed`: not a JSON object or array of objects; acknowledged, never stored;
 * - `refused`: the ingest path refused its content for good (schema, unknown stream, too large,
 *   or a topic no mapping routes); acknowledged, never stored: a retry could not succeed;
 * - `failed`: a temporary failure (overload, shutdown, storage); not acknowledged, so the broker
 *   delivers it again (QoS 1). A QoS 0 message that fails is lost: the broker keeps no copy.
 */
export type MqttOutcome = 'accepted' | 'malformed' | 'refused' | 'failed';

/** Codes whose failure depends on the moment, not the message: retrying may succeed. */
const TEMPORARY_CODES = new Set<ErrorCode>([
  'OVERLOADED',
  'SHUTTING_DOWN',
  'RATE_LIMITED',
  'STORAGE_ERROR',
  'INTERNAL',
]);

/**
 * Sorts a publish rejection: `refused` when the message itself is at fault, `failed` when the
 * server is (anything that is not a VaneError is a bug or an I/O failure, so it is `failed`).
 */
export function classifyRejection(error: unknown): {
  outcome: 'refused' | 'failed';
  code: ErrorCode;
} {
  if (!(error instanceof VaneError)) return { outcome: 'failed', code: 'INTERNAL' };
  const temporary = error.temporary || TEMPORARY_CODES.has(error.code);
  return { outcome: temporary ? 'failed' : 'refused', code: error.code };
}

/**
 * MQTT 5 PUBACK reason codes (v5 §3.4.2.1). A code of 0x80 or more still completes the QoS 1
 * exchange: the broker forgets the message and tells the publisher, if it forwards reasons.
 */
export const PUBACK = {
  success: 0x00,
  /** A topic no mapping routes (a stale subscription of a persistent session). */
  noMatchingSubscribers: 0x10,
  /** Vane refused the content (schema, unknown stream, too large). */
  implementationSpecificError: 0x83,
  /** Not a JSON object or array of objects. */
  payloadFormatInvalid: 0x99,
} as const;
