import { describe, expect, it } from 'vitest';
import { codePointLength, length, lower, ltrim, replace, rtrim, trim, upper } from './text.ts';

describe('lower and upper', () => {
  it('map case for all of Unicode', () => {
    expect(lower.invoke(['ÄbC'])).toBe('äbc');
    expect(upper.invoke(['straße'])).toBe('STRASSE');
  });

  it('take a STRING', () => {
    expect(lower.check(['STRING'])).toBe('STRING');
    expect(upper.check(['NULL'])).toBe('STRING');
    expect(lower.check(['BIGINT'])).toEqual({ error: 'lower needs a STRING argument, got BIGINT' });
  });
});

describe('trim', () => {
  it('removes white space of every kind at the chosen ends', () => {
    expect(trim.invoke(['  a b \t\n'])).toBe('a b');
    expect(trim.invoke(['\u00a0x\u2003'])).toBe('x');
    expect(ltrim.invoke(['  a  '])).toBe('a  ');
    expect(rtrim.invoke(['  a  '])).toBe('  a');
  });
});

describe('length', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(length.invoke(['héllo'])).toBe(5);
    expect(length.invoke(['🚀🚀'])).toBe(2);
    expect(length.invoke(['a🚀b'])).toBe(3);
    expect(length.invoke([''])).toBe(0);
  });

  it('counts a lone surrogate as one', () => {
    expect(codePointLength('\ud83d')).toBe(1);
    expect(codePointLength('a\ud83d')).toBe(2);
    expect(codePointLength('\ude80\ud83d')).toBe(2);
  });

  it('counts the elements of an ARRAY', () => {
    expect(length.invoke([['a', 'b']])).toBe(2);
    expect(length.check(['ARRAY'])).toBe('BIGINT');
  });

  it('is BIGINT and refuses other types', () => {
    expect(length.check(['STRING'])).toBe('BIGINT');
    expect(length.check(['NULL'])).toBe('BIGINT');
    expect(length.check(['BOOLEAN'])).toEqual({
      error: 'length needs a STRING or ARRAY argument, got BOOLEAN',
    });
  });
});

describe('replace', () => {
  it('replaces every occurrence, left to right, without overlaps', () => {
    expect(replace.invoke(['a.b.c', '.', '-'])).toBe('a-b-c');
    expect(replace.invoke(['aaa', 'aa', 'b'])).toBe('ba');
    expect(replace.invoke(['abc', 'abc', ''])).toBe('');
    expect(replace.invoke(['abc', 'x', 'y'])).toBe('abc');
  });

  it('takes the replacement literally and leaves s alone for an empty from', () => {
    expect(replace.invoke(['price', 'price', '$&$&'])).toBe('$&$&');
    expect(replace.invoke(['abc', '', 'x'])).toBe('abc');
  });

  it('names the argument that is not a STRING', () => {
    expect(replace.check(['STRING', 'STRING', 'NULL'])).toBe('STRING');
    expect(replace.check(['STRING', 'BIGINT', 'STRING'])).toEqual({
      error: 'replace needs a STRING argument for from, got BIGINT',
    });
    expect(replace.check(['STRING', 'STRING'])).toEqual({
      error: 'replace takes 3 arguments, got 2',
    });
  });
});
