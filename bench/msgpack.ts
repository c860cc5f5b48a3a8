/**
 * MessagePack vs JSON for the frames a subscriber receives (issue #6): bytes per frame, the
 * server's cost per delivery (one subscriber's head; the body is encoded once per fan-out group),
 * and the client's cost to decode a frame. Deltas of a count/sum/avg view, 1, 20 and 200 rows.
 *
 * Run: `npm run bench:msgpack` (about 20 s). Medians of 7 rounds, min-max beside them.
 */
import {
  createMsgpackDecoder,
  deltaBody,
  deltaHead,
  jsonBodyFields,
  packEntries,
} from '../src/protocol/index.ts';
import { MsgpackHeadWriter } from '../src/transport/msgpack-frame.ts';
import { frameStart } from '../src/transport/ws-frame.ts';

const ROUNDS = 7;

function rows(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    symbol: `SYM${i}`,
    window_start: 1_795_000_000_000 + (i % 7) * 1000,
    n: 1000 + i * 17,
    volume: 12_345.5 + i * 3.25,
    avg_price: 100 + ((i * 7919) % 5000) / 97,
  }));
}

/** ns per call of `fn`, median and range over ROUNDS rounds of `calls` calls. */
function measure(fn: () => unknown, calls: number): { median: number; min: number; max: number } {
  for (let i = 0; i < calls / 4; i++) fn();
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    samples.push(Number(process.hrtime.bigint() - started) / calls);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[ROUNDS >> 1]!, min: samples[0]!, max: samples[ROUNDS - 1]! };
}

const format = (m: { median: number; min: number; max: number }) =>
  `${(m.median / 1000).toFixed(2)} µs (${(m.min / 1000).toFixed(2)} – ${(m.max / 1000).toFixed(2)})`;

console.log(`MessagePack vs JSON frames; node ${process.version}; ${new Date().toISOString()}`);
console.log(
  '| rows | JSON bytes | msgpack bytes | ratio | client decode JSON | client decode msgpack | decode speed-up | server per delivery JSON | server per delivery msgpack | server per body msgpack |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const n of [1, 20, 200]) {
  const body = deltaBody(987_654, rows(n), []);
  const head = deltaHead('s-42', 12_345);
  const jsonText = head + body;
  const jsonBytes = Buffer.from(jsonText);
  const packedBody = packEntries(jsonBodyFields(body));
  const heads = new MsgpackHeadWriter();
  const start = heads.frameStart(head, packedBody.count, packedBody.bytes.length);
  // The payload without the WebSocket frame header (2 or 4 bytes here).
  const headerSize = start[1]! < 126 ? 2 : 4;
  const frame = Buffer.concat([start.subarray(headerSize), packedBody.bytes]);
  const decode = createMsgpackDecoder();
  const calls = Math.max(2000, Math.round(400_000 / (n + 5)));
  const decodeJson = measure(() => JSON.parse(jsonBytes.toString('utf8')), calls);
  const decodeMsgpack = measure(() => decode(frame), calls);
  // Per delivery the server encodes only the subscriber's frame header and head (the body's
  // bytes are shared): what WsSink.sendParts does for each encoding.
  const headJson = measure(() => frameStart(head, body.length), 200_000);
  const headMsgpack = measure(
    () => heads.frameStart(head, packedBody.count, packedBody.bytes.length),
    200_000,
  );
  const bodyMsgpack = measure(() => packEntries(jsonBodyFields(body)), calls);
  console.log(
    `| ${n} | ${jsonBytes.length} | ${frame.length} | ${(frame.length / jsonBytes.length).toFixed(2)} | ${format(decodeJson)} | ${format(decodeMsgpack)} | ${(decodeJson.median / decodeMsgpack.median).toFixed(1)}× | ${format(headJson)} | ${format(headMsgpack)} | ${format(bodyMsgpack)} |`,
  );
}
