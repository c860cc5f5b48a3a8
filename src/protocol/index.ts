/** @module protocol: the wire frames of SPEC §4, their validation and error codes; browser-safe. */
export type * from './frames.ts';
export { SUBPROTOCOL, CloseCode } from './frames.ts';
