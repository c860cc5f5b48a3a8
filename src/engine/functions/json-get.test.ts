import { describe, expect, it } from 'vitest';
import { cachedPathCount, jsonGet } from './json-get.ts';

const get = (document: unknown, path: string): unknown =>
  jsonGet.invoke([document as object, path]);

describe('json_get', () => {
  const doc = {
    user: { name: 'ada', tags: ['x', 'y'] },
    matrix: [
      [1, 2],
      [3, [4, 5]],
    ],
    none: null,
  };

  it('reads nested objects and arrays', () => {
    expect(get(doc, 'user.name')).toBe('ada');
    expect(get(doc, '$.user.tags[1]')).toBe('y');
    expect(get(doc, 'matrix[1][1][0]')).toBe(4);
    expect(get(doc, '/matrix/0/1')).toBe(2);
    expect(get(doc, 'user')).toEqual({ name: 'ada', tags: ['x', 'y'] });
    expect(get(doc, '$')).toBe(doc);
  });

  it('parses a string document as JSON text', () => {
    const text = '{"a":{"b":[1,{"c":"x"}]},"n":2.5}';
    expect(get(text, 'a.b[1].c')).toBe('x');
    expect(get(text, 'n')).toBe(2.5);
    expect(get(text, '$')).toEqual({ a: { b: [1, { c: 'x' }] }, n: 2.5 });
    expect(get('[true]', '[0]')).toBe(true);
  });

  it('gives each parse of a repeated text the same answers', () => {
    const text = '{"a":1,"b":2}';
    expect(get(text, 'a')).toBe(1);
    expect(get(text, 'b')).toBe(2);
    expect(get('{"a":3}', 'a')).toBe(3);
    expect(get('{"a":4}', 'a')).toBe(4);
    expect(get(text, 'a')).toBe(1);
  });

  it('is NULL for missing paths, JSON null and text that is not JSON', () => {
    expect(get(doc, 'user.age')).toBeNull();
    expect(get(doc, 'user.tags[2]')).toBeNull();
    expect(get(doc, 'none')).toBeNull();
    expect(get(doc, 'user.name.first')).toBeNull();
    expect(get('{"a":', 'a')).toBeNull();
    expect(get('plain words', '$')).toBeNull();
  });

  it('is NULL for malformed paths', () => {
    expect(get(doc, 'user..name')).toBeNull();
    expect(get(doc, 'user[name]')).toBeNull();
    expect(get(doc, 'user[')).toBeNull();
  });

  it('keeps its path cache bounded', () => {
    for (let i = 0; i < 600; i++) get(doc, `k${i}`);
    expect(cachedPathCount()).toBe(256);
    expect(get(doc, 'user.name')).toBe('ada');
  });

  it('takes JSON, STRING or ARRAY and a STRING path', () => {
    expect(jsonGet.check(['JSON', 'STRING'])).toBe('JSON');
    expect(jsonGet.check(['STRING', 'STRING'])).toBe('JSON');
    expect(jsonGet.check(['ARRAY', 'NULL'])).toBe('JSON');
    expect(jsonGet.check(['NULL', 'NULL'])).toBe('JSON');
    expect(jsonGet.check(['BIGINT', 'STRING'])).toEqual({
      error: 'json_get needs a JSON, STRING or ARRAY argument for the document, got BIGINT',
    });
    expect(jsonGet.check(['JSON', 'BIGINT'])).toEqual({
      error: 'json_get needs a STRING argument for the path, got BIGINT',
    });
    expect(jsonGet.check(['JSON'])).toEqual({ error: 'json_get takes 2 arguments, got 1' });
  });
});
