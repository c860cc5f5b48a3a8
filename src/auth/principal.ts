/**
 * Who is on the other end of a connection or request, and what they may do. Built from a verified
 * token (`vane` claim) or, in dev mode, the all-powerful {@link DEV_PRINCIPAL}.
 */
export interface Principal {
  /** The token's `sub` claim. */
  readonly subject: string;
  /** Stream-name patterns this principal may publish to (`*`, `trades`, `sensor_*`). */
  readonly publish: readonly string[];
  /** View- or stream-name patterns this principal may subscribe to. */
  readonly subscribe: readonly string[];
  /** Needed for DDL (SPEC §6). */
  readonly admin: boolean;
  /** From the `exp` claim; null when the token never expires. Connections close at this time. */
  readonly expiresAtMs: number | null;
}

/** Dev mode (`--dev`): no auth, loopback only, everything allowed. Never used otherwise. */
export const DEV_PRINCIPAL: Principal = Object.freeze({
  subject: 'dev',
  publish: Object.freeze(['*']),
  subscribe: Object.freeze(['*']),
  admin: true,
  expiresAtMs: null,
});
