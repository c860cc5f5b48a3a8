import { describe, expect, it } from 'vitest';
import { VaneError } from '../util/index.ts';
import { createOriginCheck } from './origin.ts';

describe('createOriginCheck', () => {
  const check = createOriginCheck(['https://app.example.com', 'http://localhost:5173']);

  it('allows exactly the listed scheme, host and port', () => {
    expect(check('https://app.example.com')).toBe(true);
    expect(check('http://localhost:5173')).toBe(true);
  });

  it.each([
    ['another scheme', 'http://app.example.com'],
    ['another port', 'https://app.example.com:8443'],
    ['another port on localhost', 'http://localhost:3000'],
    ['a subdomain', 'https://evil.app.example.com'],
    ['a suffix attack', 'https://app.example.com.evil.com'],
    ['a prefix attack', 'https://evilapp.example.com'],
    ['the opaque null origin', 'null'],
    ['an empty header', ''],
    ['garbage', 'not an origin'],
    ['an origin with a path', 'https://app.example.com/x'],
    ['an origin with credentials', 'https://user@app.example.com'],
  ])('refuses %s', (_name, origin) => {
    expect(check(origin)).toBe(false);
  });

  it('matches after the normalisation browsers apply (case, default port)', () => {
    expect(check('HTTPS://APP.EXAMPLE.COM')).toBe(true);
    expect(check('https://app.example.com:443')).toBe(true);
    expect(createOriginCheck(['https://app.example.com:443/'])('https://app.example.com')).toBe(
      true,
    );
  });

  it('allows a request without an Origin header (non-browser client)', () => {
    expect(check(undefined)).toBe(true);
    expect(createOriginCheck([])(undefined)).toBe(true);
  });

  it('with an empty list refuses every browser origin', () => {
    const none = createOriginCheck([]);
    expect(none('https://app.example.com')).toBe(false);
    expect(none('http://localhost')).toBe(false);
  });

  it('with * allows every origin, even null', () => {
    const any = createOriginCheck(['*']);
    expect(any('https://anything.example')).toBe(true);
    expect(any('null')).toBe(true);
    expect(any(undefined)).toBe(true);
  });

  it('refuses a configured entry that is not an origin', () => {
    for (const entry of ['app.example.com', 'https://app.example.com/path', 'https://a.com?x=1']) {
      expect(() => createOriginCheck([entry])).toThrow(VaneError);
      expect(() => createOriginCheck([entry])).toThrow(/is not an origin/);
    }
  });
});
