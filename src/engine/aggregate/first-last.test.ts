import { describe, expect, it } from 'vitest';
import type { ExprType } from '../types.ts';
import type { AggEvent } from './test-harness.ts';
import { harness } from './test-harness.ts';

function both(type: ExprType, events: AggEvent[]) {
  const first = harness('first', [type]);
  const last = harness('last', [type]);
  return [first.result(first.run(events)), last.result(last.run(events))];
}

describe.each([
  ['DOUBLE', 10, 20, 30],
  ['STRING', 'x', 'y', 'z'],
  ['JSON', { a: 1 }, [2], 'three'],
] as const)('first and last of %s', (type, p, q, r) => {
  it('follow event time, not arrival', () => {
    expect(
      both(type, [
        [p, null, 3000],
        [q, null, 1000],
        [r, null, 2000],
      ]),
    ).toEqual([q, p]);
  });

  it('break ties by arrival: first keeps the earlier, last takes the later', () => {
    expect(
      both(type, [
        [p, null, 1000],
        [q, null, 1000],
        [r, null, 5000],
      ]),
    ).toEqual([p, r]);
    expect(
      both(type, [
        [r, null, 0],
        [p, null, 1000],
        [q, null, 1000],
      ]),
    ).toEqual([r, q]);
  });

  it('ignore NULL and are NULL for no values', () => {
    expect(
      both(type, [
        [null, null, 0],
        [p, null, 1000],
        [null, null, 2000],
      ]),
    ).toEqual([p, p]);
    expect(both(type, [])).toEqual([null, null]);
  });

  it('merge treats the later partition as the later arrival on equal times', () => {
    for (const name of ['first', 'last']) {
      const h = harness(name, [type]);
      const into = h.run([[p, null, 1000]]);
      h.acc.merge(into, h.run([[q, null, 1000]]));
      expect(h.result(into)).toEqual(name === 'first' ? p : q);
      h.acc.merge(into, h.run([[r, null, 500]]));
      expect(h.result(into)).toEqual(name === 'first' ? r : q);
    }
  });
});

describe('first and last types', () => {
  it('have the type of their argument', () => {
    expect(harness('first', ['TIMESTAMP']).type).toBe('TIMESTAMP');
    expect(harness('last', ['ARRAY']).type).toBe('ARRAY');
    expect(harness('last', ['BOOLEAN']).type).toBe('BOOLEAN');
  });
});
