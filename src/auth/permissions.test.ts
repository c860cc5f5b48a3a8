import { describe, expect, it } from 'vitest';
import { canAdmin, canPublish, canSubscribe, matchesPattern } from './permissions.ts';
import { DEV_PRINCIPAL, type Principal } from './principal.ts';

function principal(overrides: Partial<Principal>): Principal {
  return {
    subject: 's',
    publish: [],
    subscribe: [],
    admin: false,
    expiresAtMs: null,
    ...overrides,
  };
}

describe('matchesPattern', () => {
  it.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['trades', 'trades', true],
    ['trades', 'trades2', false],
    ['trades', 'Trades', false],
    ['sensor_*', 'sensor_a', true],
    ['sensor_*', 'sensor_', true],
    ['sensor_*', 'sensor', false],
    ['sensor_*', 'my_sensor_a', false],
    ['a*b', 'axb', false],
    ['a*b', 'a*b', true],
  ])('%j against %j is %s', (pattern, name, expected) => {
    expect(matchesPattern(pattern, name)).toBe(expected);
  });
});

describe('permissions', () => {
  const reader = principal({
    publish: ['trades', 'sensor_*'],
    subscribe: ['ohlc_*', 'last_price'],
  });

  it('publish follows the publish list only', () => {
    expect(canPublish(reader, 'trades')).toBe(true);
    expect(canPublish(reader, 'sensor_temp')).toBe(true);
    expect(canPublish(reader, 'orders')).toBe(false);
    expect(canPublish(reader, 'ohlc_1m')).toBe(false);
  });

  it('subscribe follows the subscribe list only', () => {
    expect(canSubscribe(reader, 'ohlc_1m')).toBe(true);
    expect(canSubscribe(reader, 'last_price')).toBe(true);
    expect(canSubscribe(reader, 'last_price_2')).toBe(false);
    expect(canSubscribe(reader, 'trades')).toBe(false);
  });

  it('a wildcard subscriber may subscribe to everything but publish nothing', () => {
    const watcher = principal({ subscribe: ['*'] });
    expect(canSubscribe(watcher, 'anything')).toBe(true);
    expect(canPublish(watcher, 'anything')).toBe(false);
    expect(canAdmin(watcher)).toBe(false);
  });

  it('an empty principal may do nothing', () => {
    const nobody = principal({});
    expect([canPublish(nobody, 'x'), canSubscribe(nobody, 'x'), canAdmin(nobody)]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('admin is its own flag', () => {
    expect(canAdmin(principal({ admin: true }))).toBe(true);
  });

  it('the dev principal may do everything and cannot be changed', () => {
    expect(canPublish(DEV_PRINCIPAL, 'trades')).toBe(true);
    expect(canSubscribe(DEV_PRINCIPAL, 'ohlc_1m')).toBe(true);
    expect(canAdmin(DEV_PRINCIPAL)).toBe(true);
    expect(Object.isFrozen(DEV_PRINCIPAL)).toBe(true);
    expect(Object.isFrozen(DEV_PRINCIPAL.publish)).toBe(true);
  });
});
