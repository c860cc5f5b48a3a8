import { describe, expect, it } from 'vitest';
import { fromSketchValue, toSketchValue } from './sketch-bridge.ts';

describe('sketch values', () => {
  it('keep objects and strings apart and come back unchanged', () => {
    const items = [1, 'a', true, '', [1, 'x'], { a: [2] }, '\u0000', '\u0000\u0000[1]', '[1]'];
    const encoded = items.map(toSketchValue);
    expect(new Set(encoded).size).toBe(items.length);
    expect(encoded.map(fromSketchValue)).toEqual(items);
    expect(toSketchValue('plain')).toBe('plain');
  });
});
