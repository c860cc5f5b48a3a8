import { describe, expect, it } from 'vitest';
import { decodePayload, payloadPrefix } from './payload.ts';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

describe('MQTT payload decoding', () => {
  it('takes one object as one event and an array of objects as a batch', () => {
    expect(decodePayload(bytes('{"a":1}'), {})).toEqual({ ok: true, events: [{ a: 1 }] });
    expect(decodePayload(bytes('[{"a":1},{"a":2}]'), {})).toEqual({
      ok: true,
      events: [{ a: 1 }, { a: 2 }],
    });
    expect(decodePayload(bytes('[]'), {})).toEqual({ ok: true, events: [] });
  });

  it('writes topic fields into every event, over the payload value', () => {
    const decoded = decodePayload(bytes('[{"device":"spoof","t":1},{"t":2}]'), { device: 'd1' });
    expect(decoded).toEqual({
      ok: true,
      events: [
        { device: 'd1', t: 1 },
        { device: 'd1', t: 2 },
      ],
    });
  });

  it.each([
    ['not json', /not JSON/],
    ['42', /expected a JSON object/],
    ['null', /expected a JSON object/],
    ['"text"', /expected a JSON object/],
    ['[{"a":1}, 3]', /array item 1 is not a JSON object/],
    ['[[]]', /array item 0/],
  ])('calls %s malformed', (text, reason) => {
    const decoded = decodePayload(bytes(text), {});
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });

  it('shows a short, printable prefix of a payload', () => {
    expect(payloadPrefix(bytes('abc\n\u0000'))).toBe('abc\\n\\u0000');
    const long = payloadPrefix(bytes('x'.repeat(1000)));
    expect(long).toBe(`${'x'.repeat(32)}…`);
  });
});
