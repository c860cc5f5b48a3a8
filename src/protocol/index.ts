/** @module protocol: the wire frames of SPEC §4, their validation and error codes; browser-safe. */
export type * from './frames.ts';
export type * from './http-bodies.ts';
export { SUBPROTOCOL, CloseCode } from './frames.ts';
export { WIRE_ERROR_CODES, isWireErrorCode, createErrorFrame } from './error-codes.ts';
export type { ErrorCodeInfo, ErrorFrameContext, WireErrorCode } from './error-codes.ts';
export { parseClientFrame, readClientFrame } from './parse-client-frame.ts';
export {
  MSGPACK_SUBPROTOCOL,
  createMsgpackDecoder,
  isPlainJson,
  jsonBodyFields,
  jsonHeadFields,
  mapHeader,
  packEntries,
  packFrame,
  packHead,
} from './msgpack.ts';
export type { ParseLimits, ParseResult } from './parse-client-frame.ts';
export { parseIntervalMs } from './interval.ts';
export { ISO_TIMESTAMP } from './iso-timestamp.ts';
export { PROTOCOL_RULES, DEFAULT_LIMITS } from './limits.ts';
export {
  encodeFrame,
  snapshotBody,
  snapshotFrame,
  snapshotHead,
  deltaBody,
  deltaFrame,
  deltaHead,
  eventsBody,
  eventsFrame,
  eventsHead,
} from './encode.ts';
export type { SnapshotBody, DeltaBody, EventsBody } from './encode.ts';
export { rowComparator, compareValues, type OrderTerm, type RowComparator } from './row-order.ts';
