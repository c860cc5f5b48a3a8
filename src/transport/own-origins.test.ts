import { describe, expect, it } from 'vitest';
import { ownOrigins } from './own-origins.ts';

describe('ownOrigins', () => {
  it('lists the bound literal, and localhost on loopback', () => {
    expect(ownOrigins('127.0.0.1', 7070)).toEqual([
      'http://127.0.0.1:7070',
      'http://localhost:7070',
    ]);
    expect(ownOrigins('::1', 7070)).toEqual(['http://[::1]:7070', 'http://localhost:7070']);
    expect(ownOrigins('10.0.0.5', 80)).toEqual(['http://10.0.0.5:80']);
  });

  it('lists nothing for a wildcard bind: no name of its own can be trusted', () => {
    expect(ownOrigins('0.0.0.0', 7070)).toEqual([]);
    expect(ownOrigins('::', 7070)).toEqual([]);
  });
});
