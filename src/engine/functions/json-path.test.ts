import { describe, expect, it } from 'vitest';
import { parsePath, walkPath } from './json-path.ts';

describe('parsePath', () => {
  it('reads dotted paths with or without $', () => {
    expect(parsePath('a.b[0].c')).toEqual([
      { key: 'a', index: -1 },
      { key: 'b', index: -1 },
      { key: '0', index: 0 },
      { key: 'c', index: -1 },
    ]);
    expect(parsePath('$.a[12]')).toEqual([
      { key: 'a', index: -1 },
      { key: '12', index: 12 },
    ]);
    expect(parsePath('$[0]')).toEqual([{ key: '0', index: 0 }]);
    expect(parsePath('$')).toEqual([]);
  });

  it('reads quoted keys in brackets, dots and all', () => {
    expect(parsePath(`$['a.b']["c d"]`)).toEqual([
      { key: 'a.b', index: -1 },
      { key: 'c d', index: -1 },
    ]);
  });

  it('reads JSON Pointers with their escapes', () => {
    expect(parsePath('')).toEqual([]);
    expect(parsePath('/a/0')).toEqual([
      { key: 'a', index: -1 },
      { key: '0', index: 0 },
    ]);
    expect(parsePath('/a~1b/~0/')).toEqual([
      { key: 'a/b', index: -1 },
      { key: '~', index: -1 },
      { key: '', index: -1 },
    ]);
  });

  it('does not take leading zeros or huge numbers as indexes', () => {
    expect(parsePath('/01')).toEqual([{ key: '01', index: -1 }]);
    expect(parsePath('a.1234567890123456')).toEqual([
      { key: 'a', index: -1 },
      { key: '1234567890123456', index: -1 },
    ]);
  });

  it('rejects malformed paths', () => {
    for (const bad of [
      'a..b',
      'a.',
      '$.',
      '$a',
      'a[',
      'a[x]',
      'a[-1]',
      'a]',
      'a[0]b',
      '[01]',
      "['a]",
    ]) {
      expect(parsePath(bad), bad).toBeNull();
    }
  });
});

describe('walkPath', () => {
  const doc = { a: [10, { b: 'x' }], '0': 'zero', n: null };

  it('follows members and elements', () => {
    expect(walkPath(doc, parsePath('a[1].b')!)).toBe('x');
    expect(walkPath(doc, parsePath('/0')!)).toBe('zero');
    expect(walkPath([7, 8], parsePath('/1')!)).toBe(8);
    expect(walkPath(doc, parsePath('n')!)).toBeNull();
  });

  it('is undefined for anything missing', () => {
    expect(walkPath(doc, parsePath('a[2]')!)).toBeUndefined();
    expect(walkPath(doc, parsePath('a.length')!)).toBeUndefined();
    expect(walkPath(doc, parsePath('a[0].b')!)).toBeUndefined();
    expect(walkPath(doc, parsePath('missing.b')!)).toBeUndefined();
  });

  it('never reaches the prototype', () => {
    expect(walkPath({}, parsePath('constructor')!)).toBeUndefined();
    expect(walkPath({}, parsePath('__proto__')!)).toBeUndefined();
    expect(walkPath({}, parsePath('toString')!)).toBeUndefined();
  });
});
