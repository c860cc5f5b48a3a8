import { describe, expect, it } from 'vitest';
import { Prng } from '../../util/index.ts';
import { JsonText } from './json-text.ts';

/** Random plain data: nested arrays and objects, long arrays, awkward strings and numbers. */
function randomData(rng: Prng, depth: number): unknown {
  const roll = rng.next();
  if (depth === 0 || roll < 0.35) {
    return rng.pick<unknown>([
      0,
      -0,
      1.5e300,
      -7,
      rng.between(-1e6, 1e6),
      'plain',
      'quote " and \\ and \n and \u2028 and ü and 😀',
      '',
      true,
      false,
      null,
    ]);
  }
  if (roll < 0.7) {
    const length = depth <= 2 && rng.chance(0.2) ? rng.intIn(50, 300) : rng.intIn(0, 5);
    return Array.from({ length }, () => randomData(rng, depth - 1));
  }
  const record: Record<string, unknown> = {};
  for (let i = rng.intIn(0, 5); i > 0; i--)
    record[`f${rng.intIn(0, 9)}"x`] = randomData(rng, depth - 1);
  return record;
}

function written(data: unknown, sliceWeight: number): { text: string; slices: number } {
  const out = new JsonText(sliceWeight);
  const writer = out.value(data);
  let slices = 1;
  while (writer.next().done !== true) slices++;
  return { text: out.text, slices };
}

describe('JsonText', () => {
  it('writes exactly what JSON.stringify writes, whatever the slice size', () => {
    const rng = new Prng(5);
    let sliced = 0;
    for (let round = 0; round < 200; round++) {
      const data = randomData(rng, rng.intIn(1, 4));
      const expected = JSON.stringify(data);
      for (const sliceWeight of [1, 2, 7, 64, 2048]) {
        const { text, slices } = written(data, sliceWeight);
        expect(text, `round ${round}, slices of ${sliceWeight}`).toBe(expected);
        if (slices > 1) sliced++;
      }
    }
    expect(sliced).toBeGreaterThan(200);
  });

  it('spreads a large structure over slices of about the slice weight', () => {
    const data = {
      kind: 'aligned',
      // Over 256 KB of text: pieces are joined on the way.
      windows: [[0, Array.from({ length: 60_000 }, (_, i) => i)]],
      keys: Array.from({ length: 3000 }, (_, i) => [`k${i}`, [i], [], 0]),
    };
    const { text, slices } = written(data, 500);
    expect(text).toBe(JSON.stringify(data));
    expect(text.length).toBeGreaterThan(256 * 1024);
    // 60,000 numbers and 3,000 entries of 6 values each: at least 156 slices of 500.
    expect(slices).toBeGreaterThan(150);
  });

  it('writes the members of an object without its braces', () => {
    const out = new JsonText(1);
    const writer = out.members({ a: [1, 2, 3], b: { c: 'd' } });
    while (writer.next().done !== true);
    expect(`{${out.text}}`).toBe(JSON.stringify({ a: [1, 2, 3], b: { c: 'd' } }));
  });

  it('gives the text as flat chunks of about the chunk size, in order', () => {
    const data = { rows: Array.from({ length: 20_000 }, (_, i) => [`key ${i}`, i * 1.5, null]) };
    const out = new JsonText(64, 10_000);
    const writer = out.value(data);
    while (writer.next().done !== true);
    const chunks = out.chunks;
    expect(chunks.join('')).toBe(JSON.stringify(data));
    expect(chunks.length).toBeGreaterThan(40);
    // Every chunk but the last reaches the chunk size, and overshoots by at most one slice's text.
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(10_000);
      expect(chunk.length).toBeLessThan(12_000);
    }
    expect(out.text).toBe(JSON.stringify(data));
  });
});
