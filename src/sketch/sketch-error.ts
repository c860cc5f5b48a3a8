/**
 * Thrown by the `restore` functions when serialized sketch state is malformed: wrong shape, an
 * unknown version, or values that no sketch could have produced. The code matches Vane's
 * `CORRUPT_STATE` error code so callers can translate it without a lookup table.
 */
export class SketchError extends Error {
  override readonly name = 'SketchError';
  readonly code = 'CORRUPT_STATE';
}
