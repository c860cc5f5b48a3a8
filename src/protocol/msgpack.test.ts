import { describe, expect, it } from 'vitest';
import { deltaBody, deltaHead, encodeFrame, snapshotBody, snapshotHead } from './encode.ts';
import {
  createMsgpackDecoder,
  isPlainJson,
  jsonBodyFields,
  mapHeader,
  packEntries,
  packFrame,
  packHead,
} from './msgpack.ts';

/** What a msgpack transport sends for head + body: one map, the body's entries shared. */
function packParts(head: string, body: string): Uint8Array {
  const bodyEntries = packEntries(jsonBodyFields(body));
  return Buffer.concat([packHead(head, bodyEntries.count), bodyEntries.bytes]);
}

const rows = (n: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({
    symbol: `S${i}`,
    window_start: 1_795_000_000_000 + i,
    n: i,
    avg: i + 0.25,
    tags: i % 3 === 0 ? null : ['a', `é${i}`],
    ...extra,
  }));

describe('vane.v1.msgpack encoding', () => {
  it('decodes a head + shared body to exactly the JSON frame', () => {
    const decode = createMsgpackDecoder();
    for (const sub of ['s1', 'sub "quoted" ü 😀', '']) {
      const body = deltaBody(42, rows(20), rows(2, { gone: true }));
      const head = deltaHead(sub, 7);
      expect(decode(packParts(head, body))).toEqual(JSON.parse(head + body));
    }
    const snapshot = snapshotBody(9, rows(300, { json: { nested: [1, { deep: 'x' }] } }));
    expect(decode(packParts(snapshotHead('x', 1), snapshot))).toEqual(
      JSON.parse(snapshotHead('x', 1) + snapshot),
    );
  });

  it('writes heads of every sub and seq size that decode to the JSON head', () => {
    const decode = createMsgpackDecoder();
    const subs = [
      '',
      'a',
      'x'.repeat(31),
      'x'.repeat(32),
      'é'.repeat(200),
      'q"\\\n😀/',
      'y'.repeat(70_000),
    ];
    const seqs = [
      0,
      1,
      127,
      128,
      255,
      256,
      65_535,
      65_536,
      2 ** 32 - 1,
      2 ** 32,
      Number.MAX_SAFE_INTEGER,
    ];
    for (const sub of subs) {
      for (const seq of seqs) {
        for (const head of [deltaHead(sub, seq), snapshotHead(sub, seq)]) {
          expect(decode(packHead(head, 0))).toEqual(JSON.parse(`${head.slice(0, -1)}}`));
        }
      }
    }
    // A head of another shape still encodes, through the general path.
    expect(decode(packHead('{"type":"delta","seq":1,"sub":"s",', 0))).toEqual({
      type: 'delta',
      seq: 1,
      sub: 's',
    });
  });

  it('makes every message decodable on its own, whatever the decoder read before', () => {
    const first = packParts(deltaHead('a', 1), deltaBody(1, rows(5), []));
    const other = packParts(
      deltaHead('a', 2),
      deltaBody(
        2,
        [
          { other: 1, shape: 'x' },
          { other: 2, shape: 'y' },
        ],
        rows(1),
      ),
    );
    const reused = createMsgpackDecoder();
    reused(first);
    expect(reused(other)).toEqual(createMsgpackDecoder()(other));
    expect(reused(first)).toEqual(createMsgpackDecoder()(first));
  });

  it('is smaller than the JSON text of a delta', () => {
    const body = deltaBody(42, rows(20), []);
    const head = deltaHead('s1', 7);
    expect(packParts(head, body).length).toBeLessThan(Buffer.byteLength(head + body) * 0.7);
  });

  it('encodes a whole frame as a map', () => {
    const frame = { type: 'error', code: 'BAD_FRAME', message: 'no', temporary: false } as const;
    const bytes = packFrame(frame);
    expect(bytes[0]).toBe(0x84);
    expect(createMsgpackDecoder()(bytes)).toEqual(JSON.parse(encodeFrame(frame)));
  });

  it('tells plain JSON data from what only MessagePack can carry', () => {
    expect(isPlainJson({ a: [1, 'x', null, true, { b: -0.5 }] })).toBe(true);
    expect(isPlainJson({ when: new Date(0) })).toBe(false);
    expect(isPlainJson({ bytes: new Uint8Array(2) })).toBe(false);
    expect(isPlainJson({ map: new Map() })).toBe(false);
    expect(isPlainJson({ n: Number.NaN })).toBe(false);
    expect(isPlainJson({ u: undefined })).toBe(false);
    expect(isPlainJson({ big: 1n })).toBe(false);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(isPlainJson(deep)).toBe(false);
  });

  it('refuses maps of more than 15 entries rather than writing a wrong header', () => {
    const wide = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`f${i}`, i]));
    expect(() => packEntries(wide)).toThrow(RangeError);
    expect(() => mapHeader(16)).toThrow(RangeError);
  });
});
