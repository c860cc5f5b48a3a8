/** @module auth: JWT verification, permissions, the Origin allow-list, rate and connection limits. */
export { DEV_PRINCIPAL, type Principal } from './principal.ts';
export {
  createTokenVerifier,
  type TokenVerifier,
  type TokenVerifierConfig,
} from './token-verifier.ts';
export { canAdmin, canPublish, canSubscribe, matchesPattern } from './permissions.ts';
export { createOriginCheck, type OriginCheck } from './origin.ts';
export { createTokenBucket, type TokenBucket, type TokenBucketOptions } from './rate-limiter.ts';
export { createConnectionLimiter, type ConnectionLimiter } from './connection-limiter.ts';
export { createHandshakeRate, type HandshakeRate } from './handshake-rate.ts';
export {
  extractToken,
  VANE_SUBPROTOCOL,
  type ExtractedToken,
  type TokenSources,
} from './extract-token.ts';
