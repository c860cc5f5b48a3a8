import { crc32 } from 'node:zlib';

/**
 * CRC-32 of the pieces in order, as if they were one byte string (strings count as their UTF-8
 * bytes). Stored next to data that the store itself does not checksum (LMDB checks its page
 * structure, not the bytes of values), so a damaged value is refused instead of read as valid.
 * Detects every burst error up to 32 bits and all but 2^-32 of other damage; not a defence
 * against deliberate tampering.
 */
export function checksum(...pieces: readonly (string | Uint8Array)[]): number {
  let value = 0;
  for (const piece of pieces) value = crc32(piece, value);
  return value;
}
