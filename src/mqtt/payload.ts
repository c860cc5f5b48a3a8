/** A decoded MQTT payload: the events to publish, or why it is not one. */
export type DecodedPayload =
  { ok: true; events: Record<string, unknown>[] } | { ok: false; reason: string };

/** Characters of a malformed payload a log line may show: enough to recognise it, no more. */
export const PAYLOAD_PREFIX_CHARS = 32;

/**
 * Decodes one message: a JSON object (one event) or a JSON array of objects (a batch), UTF-8.
 * Anything else is malformed. `topicFields` are written into every event, replacing what the
 * payload carried: the topic is what the broker authorised, so it is the better witness.
 * Schema checks are the ingest path's job, not this one's.
 */
export function decodePayload(
  payload: Uint8Array,
  topicFields: Readonly<Record<string, string>>,
): DecodedPayload {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    // Not V8's message: it quotes the payload, and logs show only a short prefix of it.
    return { ok: false, reason: 'not JSON' };
  }
  const events = Array.isArray(value) ? (value as unknown[]) : [value];
  for (let i = 0; i < events.length; i++) {
    if (!isPlainObject(events[i])) {
      return {
        ok: false,
        reason: Array.isArray(value)
          ? `array item ${i} is not a JSON object`
          : 'expected a JSON object or an array of objects',
      };
    }
  }
  const objects = events as Record<string, unknown>[];
  for (const event of objects) Object.assign(event, topicFields);
  return { ok: true, events: objects };
}

/** The start of a payload for a log line, control characters escaped. */
export function payloadPrefix(payload: Uint8Array): string {
  const maxBytes = PAYLOAD_PREFIX_CHARS * 4;
  const chars = [...Buffer.from(payload.subarray(0, maxBytes)).toString('utf8')];
  const start = chars.slice(0, PAYLOAD_PREFIX_CHARS).join('');
  // eslint-disable-next-line no-control-regex
  const printable = start.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  const truncated = chars.length > PAYLOAD_PREFIX_CHARS || payload.length > maxBytes;
  return truncated ? `${printable}…` : printable;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
