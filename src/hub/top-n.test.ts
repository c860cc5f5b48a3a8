import { describe, expect, it } from 'vitest';
import { compareValues, rowComparator } from '../protocol/index.ts';
import { TopN } from './top-n.ts';

type Row = Record<string, unknown>;

/** Deterministic PRNG (mulberry32) so a failure replays. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEY = ['k'];
const ORDER = [
  { column: 'score', descending: true },
  { column: 'name', descending: false },
];

function bruteTop(rows: Map<string, Row>, limit: number): Row[] {
  return [...rows.values()].sort(rowComparator(ORDER, KEY)).slice(0, limit);
}

describe('rowComparator', () => {
  it('orders by the terms, then by key; NULLs last in both directions', () => {
    const rows: Row[] = [
      { k: 'b', score: 1 },
      { k: 'a', score: 1 },
      { k: 'c', score: null },
      { k: 'd', score: 5 },
      { k: 'e' },
    ];
    const desc = rowComparator([{ column: 'score', descending: true }], KEY);
    const asc = rowComparator([{ column: 'score', descending: false }], KEY);
    expect([...rows].sort(desc).map((row) => row.k)).toEqual(['d', 'a', 'b', 'c', 'e']);
    expect([...rows].sort(asc).map((row) => row.k)).toEqual(['a', 'b', 'd', 'c', 'e']);
  });

  it('compares values by type, numerically and by code unit', () => {
    expect(compareValues(2, 10)).toBeLessThan(0);
    expect(compareValues('10', '2')).toBeLessThan(0);
    expect(compareValues(false, true)).toBeLessThan(0);
    expect(compareValues(1, 'a')).toBeLessThan(0);
    expect(compareValues(Number.NaN, 1)).toBeGreaterThan(0);
    expect(compareValues([1, 2], [1, 3])).toBeLessThan(0);
  });
});

describe('TopN', () => {
  it('starts from the rows in any order and reports entries, changes and exits', () => {
    const rows = [1, 5, 3, 4, 2].map((score) => ({ k: `k${score}`, score }));
    const top = new TopN(KEY, [{ column: 'score', descending: true }], 3, rows, 7);
    expect(top.top().map((row) => row.k)).toEqual(['k5', 'k4', 'k3']);
    // Changes below the top: no output, but the offset moves.
    expect(top.apply(8, [{ k: 'k1', score: 0 }], [])).toBeNull();
    expect(top.offset).toBe(8);
    // k2 jumps in (k3 leaves), k4 changes within.
    expect(
      top.apply(
        9,
        [
          { k: 'k2', score: 10 },
          { k: 'k4', score: 4.5 },
        ],
        [],
      ),
    ).toEqual({
      upserts: [
        { k: 'k2', score: 10 },
        { k: 'k4', score: 4.5 },
      ],
      deletes: [{ k: 'k3' }],
    });
    // Deleting a top row pulls the next one in.
    expect(top.apply(10, [], [{ k: 'k5' }])).toEqual({
      upserts: [{ k: 'k3', score: 3 }],
      deletes: [{ k: 'k5' }],
    });
    // Old offsets are already reflected.
    expect(top.apply(10, [{ k: 'k9', score: 99 }], [])).toBeNull();
    expect(top.top().map((row) => row.k)).toEqual(['k2', 'k4', 'k3']);
  });

  it('keeps exactly the top N of a brute-force sort through random upserts and deletes', () => {
    for (const limit of [1, 3, 10, 60]) {
      const random = prng(limit);
      const view = new Map<string, Row>();
      const row = (): Row => {
        const k = `k${Math.floor(random() * 80)}`;
        // Few distinct scores: many ties, broken by name then key.
        return { k, score: Math.floor(random() * 6), name: random() < 0.2 ? null : `n${k.length}` };
      };
      for (let i = 0; i < 40; i++) {
        const r = row();
        view.set(r.k as string, r);
      }
      const top = new TopN(KEY, ORDER, limit, [...view.values()], 0);
      const client = new Map<string, Row>(top.top().map((r) => [r.k as string, r]));
      for (let offset = 1; offset <= 400; offset++) {
        const upserts = new Map<string, Row>();
        const deletes = new Map<string, Row>();
        for (let i = Math.floor(random() * 6); i > 0; i--) {
          const r = row();
          if (random() < 0.3) {
            if (upserts.has(r.k as string)) continue;
            deletes.set(r.k as string, { k: r.k });
          } else if (!deletes.has(r.k as string)) {
            upserts.set(r.k as string, r);
          }
        }
        for (const key of deletes.keys()) view.delete(key);
        for (const [key, r] of upserts) view.set(key, r);
        const change = top.apply(offset, [...upserts.values()], [...deletes.values()]);
        for (const r of change?.deletes ?? []) client.delete(r.k as string);
        for (const r of change?.upserts ?? []) client.set(r.k as string, r);
        const expected = bruteTop(view, limit);
        expect(top.top()).toEqual(expected);
        expect(top.size).toBe(view.size);
        expect(bruteTop(client, limit)).toEqual(expected);
        expect(client.size).toBe(expected.length);
      }
    }
  });
});
