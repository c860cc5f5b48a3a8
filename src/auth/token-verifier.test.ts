import {
  CompactSign,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type JWTPayload,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, VaneError } from '../util/index.ts';
import { createTokenVerifier, type TokenVerifierConfig } from './token-verifier.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const T0_SEC = 1_732_600_000;
const CLAIMS = {
  sub: 'alice',
  exp: T0_SEC + 600,
  vane: { publish: ['trades'], subscribe: ['*'], admin: false },
};

type SigningKey = Parameters<SignJWT['sign']>[0];

function sign(claims: JWTPayload, key: SigningKey, alg: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
}

function hsKey(secret = SECRET): Uint8Array {
  return new TextEncoder().encode(secret);
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Time frozen at T0 so `exp` checks do not depend on the wall clock. */
function verifier(
  config: Partial<TokenVerifierConfig> = {},
  clock = new ManualClock(T0_SEC * 1000),
) {
  return createTokenVerifier({ hs256Secret: SECRET, now: () => clock.now(), ...config });
}

async function refusal(promise: Promise<unknown>): Promise<VaneError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaneError);
  const vaneError = error as VaneError;
  expect(vaneError.code).toBe('UNAUTHORIZED');
  return vaneError;
}

let rsa: { publicPem: string; privateKey: SigningKey };
let ec: { publicPem: string; privateKey: SigningKey };

beforeAll(async () => {
  const rsaPair = await generateKeyPair('RS256');
  rsa = { publicPem: await exportSPKI(rsaPair.publicKey), privateKey: rsaPair.privateKey };
  const ecPair = await generateKeyPair('ES256');
  ec = { publicPem: await exportSPKI(ecPair.publicKey), privateKey: ecPair.privateKey };
});

describe('createTokenVerifier: accepted tokens', () => {
  it('accepts HS256 and builds the principal from sub, exp and the vane claim', async () => {
    const principal = await verifier().verify(await sign(CLAIMS, hsKey(), 'HS256'));
    expect(principal).toEqual({
      subject: 'alice',
      publish: ['trades'],
      subscribe: ['*'],
      admin: false,
      expiresAtMs: (T0_SEC + 600) * 1000,
    });
  });

  it('accepts RS256 with an RSA public key', async () => {
    const token = await sign({ ...CLAIMS, sub: 'rsa-user' }, rsa.privateKey, 'RS256');
    const principal = await verifier({
      hs256Secret: undefined,
      publicKeyPem: rsa.publicPem,
    }).verify(token);
    expect(principal.subject).toBe('rsa-user');
  });

  it('accepts ES256 with a P-256 public key', async () => {
    const token = await sign({ ...CLAIMS, sub: 'ec-user' }, ec.privateKey, 'ES256');
    const principal = await verifier({ hs256Secret: undefined, publicKeyPem: ec.publicPem }).verify(
      token,
    );
    expect(principal.subject).toBe('ec-user');
  });

  it('refuses a token without exp unless told to accept them', async () => {
    const token = await sign({ sub: 'bob' }, hsKey(), 'HS256');
    expect((await refusal(verifier().verify(token))).message).toBe(
      'token without expiry (exp): this server requires one',
    );
    const lenient = await verifier({ requireExpiry: false }).verify(token);
    expect(lenient.expiresAtMs).toBeNull();
  });

  it('grants no permissions when the vane claim is missing, and never expires without exp', async () => {
    const principal = await verifier({ requireExpiry: false }).verify(
      await sign({ sub: 'bob' }, hsKey(), 'HS256'),
    );
    expect(principal).toEqual({
      subject: 'bob',
      publish: [],
      subscribe: [],
      admin: false,
      expiresAtMs: null,
    });
  });

  it('accepts the configured issuer and audience', async () => {
    const claims = { ...CLAIMS, iss: 'https://issuer.example', aud: ['vane', 'other'] };
    const principal = await verifier({ issuer: 'https://issuer.example', audience: 'vane' }).verify(
      await sign(claims, hsKey(), 'HS256'),
    );
    expect(principal.subject).toBe('alice');
  });

  it('accepts an expired token within the clock tolerance', async () => {
    const clock = new ManualClock((T0_SEC + 605) * 1000);
    const token = await sign(CLAIMS, hsKey(), 'HS256');
    await expect(verifier({ clockToleranceSec: 10 }, clock).verify(token)).resolves.toMatchObject({
      subject: 'alice',
    });
    clock.set((T0_SEC + 611) * 1000);
    expect((await refusal(verifier({ clockToleranceSec: 10 }, clock).verify(token))).message).toBe(
      'token expired',
    );
  });
});

describe('createTokenVerifier: refused tokens', () => {
  /** Each case: a token (built lazily, keys exist only after beforeAll) and its verifier config. */
  const cases: {
    name: string;
    token: () => Promise<string>;
    config?: Partial<TokenVerifierConfig>;
    now?: number;
    message: string;
  }[] = [
    { name: 'missing', token: () => Promise.resolve(''), message: 'missing token' },
    {
      name: 'malformed',
      token: () => Promise.resolve('not-a-jwt'),
      message: 'malformed token: not a JWT (header.payload.signature)',
    },
    {
      name: 'malformed payload (correctly signed, not a JSON object)',
      token: () =>
        new CompactSign(new TextEncoder().encode('[1,2]'))
          .setProtectedHeader({ alg: 'HS256' })
          .sign(hsKey()),
      message: 'malformed token',
    },
    {
      name: 'bad signature',
      token: () => sign(CLAIMS, hsKey('another-secret-that-is-also-32-bytes-long'), 'HS256'),
      message: 'bad token signature',
    },
    {
      name: 'expired',
      token: () => sign(CLAIMS, hsKey(), 'HS256'),
      now: (T0_SEC + 600) * 1000,
      message: 'token expired',
    },
    {
      name: 'not yet valid',
      token: () => sign({ ...CLAIMS, nbf: T0_SEC + 60 }, hsKey(), 'HS256'),
      message: 'token not yet valid (nbf)',
    },
    {
      name: 'wrong algorithm (HS384 with the right secret)',
      token: () => sign(CLAIMS, hsKey(), 'HS384'),
      message: 'wrong token algorithm "HS384": this server accepts HS256',
    },
    {
      name: 'alg none',
      token: () => Promise.resolve(`${b64url({ alg: 'none' })}.${b64url(CLAIMS)}.`),
      message: 'unsigned token refused (alg "none")',
    },
    {
      name: 'wrong issuer',
      token: () => sign({ ...CLAIMS, iss: 'https://evil.example' }, hsKey(), 'HS256'),
      config: { issuer: 'https://issuer.example' },
      message: 'wrong token issuer',
    },
    {
      name: 'wrong audience',
      token: () => sign({ ...CLAIMS, aud: 'someone-else' }, hsKey(), 'HS256'),
      config: { audience: 'vane' },
      message: 'wrong token audience',
    },
    {
      name: 'no subject',
      token: () => sign({ exp: T0_SEC + 600 }, hsKey(), 'HS256'),
      message: 'malformed token: no subject (sub)',
    },
    {
      name: 'malformed vane claim',
      token: () => sign({ ...CLAIMS, vane: { admin: 'yes' } }, hsKey(), 'HS256'),
      message: 'malformed token: "vane.admin" must be a boolean',
    },
    {
      name: 'malformed permission list',
      token: () => sign({ ...CLAIMS, vane: { publish: 'trades' } }, hsKey(), 'HS256'),
      message: 'malformed token: "vane.publish" must be a list of names',
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} with UNAUTHORIZED "${c.message}", never echoing the token`, async () => {
      const token = await c.token();
      const clock = new ManualClock(c.now ?? T0_SEC * 1000);
      const error = await refusal(verifier(c.config, clock).verify(token));
      expect(error.message).toBe(c.message);
      if (token !== '') expect(error.message).not.toContain(token);
      expect(error.cause).toBeUndefined();
    });
  }

  it('gives every refusal reason a distinct message', () => {
    expect(new Set(cases.map((c) => c.message)).size).toBe(cases.length);
  });

  it('refuses null, undefined and blank tokens as missing', async () => {
    for (const token of [null, undefined, '   ']) {
      expect((await refusal(verifier().verify(token))).message).toBe('missing token');
    }
  });

  it('refuses an RS256 token at an ES256 verifier and the reverse', async () => {
    const rsToken = await sign(CLAIMS, rsa.privateKey, 'RS256');
    const esToken = await sign(CLAIMS, ec.privateKey, 'ES256');
    const esVerifier = verifier({ hs256Secret: undefined, publicKeyPem: ec.publicPem });
    const rsVerifier = verifier({ hs256Secret: undefined, publicKeyPem: rsa.publicPem });
    expect((await refusal(esVerifier.verify(rsToken))).message).toBe(
      'wrong token algorithm "RS256": this server accepts ES256',
    );
    expect((await refusal(rsVerifier.verify(esToken))).message).toBe(
      'wrong token algorithm "ES256": this server accepts RS256',
    );
  });

  it('refuses an HS256 token whose secret is the RSA public key (algorithm confusion)', async () => {
    const forged = await sign(CLAIMS, new TextEncoder().encode(rsa.publicPem), 'HS256');
    const rsVerifier = verifier({ hs256Secret: undefined, publicKeyPem: rsa.publicPem });
    expect((await refusal(rsVerifier.verify(forged))).message).toBe(
      'wrong token algorithm "HS256": this server accepts RS256',
    );
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await sign(CLAIMS, hsKey(), 'HS256')).split('.');
    const altered = `${header}.${b64url({ ...CLAIMS, vane: { admin: true } })}.${signature}`;
    expect((await refusal(verifier().verify(altered))).message).toBe('bad token signature');
  });

  it('refuses an oversized token before any cryptography', async () => {
    const huge = `${b64url({ alg: 'HS256' })}.${'a'.repeat(9000)}.sig`;
    expect((await refusal(verifier().verify(huge))).message).toBe(
      'malformed token: longer than 8192 characters',
    );
  });

  it('does not quote an attacker-controlled alg that is not an algorithm name', async () => {
    const token = `${b64url({ alg: '<script>'.repeat(10) })}.${b64url(CLAIMS)}.sig`;
    expect((await refusal(verifier().verify(token))).message).toBe(
      'wrong token algorithm (unrecognised): this server accepts HS256',
    );
  });
});

describe('createTokenVerifier: configuration', () => {
  function configError(config: TokenVerifierConfig): string {
    try {
      createTokenVerifier(config);
    } catch (error) {
      expect(error).toBeInstanceOf(VaneError);
      expect((error as VaneError).code).toBe('INVALID_OPTION');
      return (error as VaneError).message;
    }
    throw new Error('expected INVALID_OPTION');
  }

  it('needs exactly one key', () => {
    expect(configError({})).toMatch(/exactly one/);
    expect(configError({ hs256Secret: SECRET, publicKeyPem: rsa.publicPem })).toMatch(
      /exactly one/,
    );
  });

  it('refuses an HS256 secret shorter than 32 bytes', () => {
    expect(configError({ hs256Secret: 'short' })).toBe(
      'hs256Secret must be at least 32 bytes, got 5',
    );
  });

  it('refuses a private key, garbage and unsupported curves as publicKeyPem', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    expect(configError({ publicKeyPem: await exportPKCS8(privateKey) })).toMatch(/SPKI PEM/);
    expect(
      configError({ publicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }),
    ).toBe('publicKeyPem could not be parsed');
    const p384 = await generateKeyPair('ES384');
    expect(configError({ publicKeyPem: await exportSPKI(p384.publicKey) })).toBe(
      'publicKeyPem must be an RSA (RS256) or P-256 (ES256) key, got ec secp384r1',
    );
  });

  it('refuses a negative clock tolerance', () => {
    expect(configError({ hs256Secret: SECRET, clockToleranceSec: -1 })).toMatch(/clockTolerance/);
  });
});
