import { createPublicKey } from 'node:crypto';
import { decodeProtectedHeader, errors, importSPKI, jwtVerify, type JWTPayload } from 'jose';
import { systemClock, VaneError } from '../util/index.ts';
import type { Principal } from './principal.ts';

export interface TokenVerifierConfig {
  /** Shared HS256 secret, at least 32 bytes (RFC 7518 §3.2). Exclusive with `publicKeyPem`. */
  hs256Secret?: string;
  /** SPKI PEM (`BEGIN PUBLIC KEY`): an RSA key means RS256, a P-256 key means ES256. */
  publicKeyPem?: string;
  /** When set, the `iss` claim must equal it. */
  issuer?: string;
  /** When set, the `aud` claim must contain it. */
  audience?: string;
  /**
   * Refuse tokens without `exp`: a token that never expires cannot be revoked short of changing
   * the key. Default true; false accepts them (they then never expire).
   */
  requireExpiry?: boolean;
  /** Leeway for `exp` and `nbf` against clock skew between issuer and server; default 0. */
  clockToleranceSec?: number;
  /** Milliseconds since the epoch; defaults to the system clock. */
  now?: () => number;
}

export interface TokenVerifier {
  /**
   * Resolves with the token's principal, or rejects with a VaneError `UNAUTHORIZED` whose message
   * says why (missing, malformed, unsigned, wrong algorithm, bad signature, expired, not yet valid,
   * wrong issuer or audience). Messages and errors never contain the token.
   */
  verify(token: string | null | undefined): Promise<Principal>;
}

type Algorithm = 'HS256' | 'RS256' | 'ES256';
type VerificationKey = Awaited<ReturnType<typeof importSPKI>> | Uint8Array;

/** Larger than any sane token; bounds the work an anonymous client can ask for. */
const MAX_TOKEN_CHARS = 8192;
const MIN_SECRET_BYTES = 32;

/**
 * Verifies JWTs with exactly one key and exactly one algorithm, chosen by the configuration: a
 * token's own `alg` header never picks the algorithm, so neither `none` nor an HS256 token signed
 * with the RSA public key as its secret can get through. Throws INVALID_OPTION for a bad config.
 */
export function createTokenVerifier(config: TokenVerifierConfig): TokenVerifier {
  const { algorithm, key } = verificationKey(config);
  const clockToleranceSec = config.clockToleranceSec ?? 0;
  if (!(Number.isFinite(clockToleranceSec) && clockToleranceSec >= 0)) {
    throw new VaneError('INVALID_OPTION', 'clockToleranceSec must be a number >= 0');
  }
  const now = config.now ?? (() => systemClock.now());
  const { issuer, audience } = config;

  return {
    async verify(token) {
      checkHeader(token, algorithm);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, await key, {
          algorithms: [algorithm],
          requiredClaims: config.requireExpiry === false ? ['sub'] : ['sub', 'exp'],
          clockTolerance: clockToleranceSec,
          currentDate: new Date(now()),
          ...(issuer === undefined ? {} : { issuer }),
          ...(audience === undefined ? {} : { audience }),
        }));
      } catch (error) {
        throw refusal(error);
      }
      return principalFrom(payload);
    },
  };
}

function verificationKey(config: TokenVerifierConfig): {
  algorithm: Algorithm;
  key: Promise<VerificationKey>;
} {
  const { hs256Secret, publicKeyPem } = config;
  if ((hs256Secret === undefined) === (publicKeyPem === undefined)) {
    throw new VaneError('INVALID_OPTION', 'configure exactly one of hs256Secret and publicKeyPem');
  }
  if (hs256Secret !== undefined) {
    const secret = new TextEncoder().encode(hs256Secret);
    if (secret.byteLength < MIN_SECRET_BYTES) {
      throw new VaneError(
        'INVALID_OPTION',
        `hs256Secret must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.byteLength}`,
      );
    }
    return { algorithm: 'HS256', key: Promise.resolve(secret) };
  }
  const pem = publicKeyPem ?? '';
  const algorithm = publicKeyAlgorithm(pem);
  const key = importSPKI(pem, algorithm);
  // Observed by every verify; this only keeps a failed import from being an unhandled rejection.
  key.catch(() => undefined);
  return { algorithm, key };
}

function publicKeyAlgorithm(pem: string): Algorithm {
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new VaneError('INVALID_OPTION', 'publicKeyPem must be an SPKI PEM (BEGIN PUBLIC KEY)');
  }
  let details;
  try {
    const keyObject = createPublicKey(pem);
    details = {
      type: keyObject.asymmetricKeyType,
      curve: keyObject.asymmetricKeyDetails?.namedCurve,
    };
  } catch (cause) {
    throw new VaneError('INVALID_OPTION', 'publicKeyPem could not be parsed', { cause });
  }
  if (details.type === 'rsa') return 'RS256';
  if (details.type === 'ec' && details.curve === 'prime256v1') return 'ES256';
  throw new VaneError(
    'INVALID_OPTION',
    `publicKeyPem must be an RSA (RS256) or P-256 (ES256) key, got ${details.type ?? 'unknown'}` +
      (details.curve === undefined ? '' : ` ${details.curve}`),
  );
}

function unauthorized(message: string, cause?: unknown): VaneError {
  return new VaneError('UNAUTHORIZED', message, cause === undefined ? {} : { cause });
}

/**
 * Refuses what needs no cryptography: no token, an oversized or undecodable one, and a header
 * naming another algorithm (reported distinctly; jose would also refuse it).
 */
function checkHeader(
  token: string | null | undefined,
  algorithm: Algorithm,
): asserts token is string {
  if (token === null || token === undefined || token.trim() === '') {
    throw unauthorized('missing token');
  }
  if (token.length > MAX_TOKEN_CHARS) {
    throw unauthorized(`malformed token: longer than ${MAX_TOKEN_CHARS} characters`);
  }
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized('malformed token: not a JWT (header.payload.signature)');
  }
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
    throw unauthorized('unsigned token refused (alg "none")');
  }
  if (alg !== algorithm) {
    throw unauthorized(
      `wrong token algorithm ${describeAlg(alg)}: this server accepts ${algorithm}`,
    );
  }
}

/** The header is attacker-controlled: quote it only when it looks like an algorithm name. */
function describeAlg(alg: unknown): string {
  return typeof alg === 'string' && /^[A-Za-z0-9._+-]{1,16}$/.test(alg)
    ? JSON.stringify(alg)
    : '(unrecognised)';
}

/**
 * Maps jose's failures to fixed messages. The jose error is not kept as the cause: claim errors
 * carry the decoded claims, and nothing about a refused token should reach a log.
 */
function refusal(error: unknown): VaneError {
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthorized('bad token signature');
  }
  if (error instanceof errors.JWTExpired) return unauthorized('token expired');
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthorized('wrong token algorithm');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'invalid') {
      return unauthorized(`malformed token: "${error.claim}" claim has the wrong type`);
    }
    switch (error.claim) {
      case 'nbf':
        return unauthorized('token not yet valid (nbf)');
      case 'iss':
        return unauthorized('wrong token issuer');
      case 'aud':
        return unauthorized('wrong token audience');
      case 'sub':
        return unauthorized('malformed token: no subject (sub)');
      case 'exp':
        return unauthorized('token without expiry (exp): this server requires one');
      default:
        return unauthorized(`token claim "${error.claim}" rejected`);
    }
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return unauthorized('malformed token');
  }
  if (error instanceof errors.JOSEError) return unauthorized('token could not be verified');
  return unauthorized('token could not be verified', error);
}

function principalFrom(payload: JWTPayload): Principal {
  const { sub, exp } = payload;
  if (typeof sub !== 'string' || sub === '') {
    throw unauthorized('malformed token: "sub" claim must be a non-empty string');
  }
  const claim: unknown = payload['vane'];
  if (claim === undefined) {
    return { subject: sub, publish: [], subscribe: [], admin: false, expiresAtMs: expiryMs(exp) };
  }
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) {
    throw unauthorized('malformed token: "vane" claim must be an object');
  }
  const fields = claim as Record<string, unknown>;
  const admin = fields['admin'] ?? false;
  if (typeof admin !== 'boolean') {
    throw unauthorized('malformed token: "vane.admin" must be a boolean');
  }
  return {
    subject: sub,
    publish: patternList(fields['publish'], 'publish'),
    subscribe: patternList(fields['subscribe'], 'subscribe'),
    admin,
    expiresAtMs: expiryMs(exp),
  };
}

/** A malformed list refuses the token rather than granting less: the issuer has a bug to see. */
function patternList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw unauthorized(`malformed token: "vane.${name}" must be a list of names`);
  }
  return [...(value as string[])];
}

function expiryMs(exp: number | undefined): number | null {
  return exp === undefined ? null : exp * 1000;
}
