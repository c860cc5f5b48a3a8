import { describe, expect, it } from 'vitest';
import type { AggEvent } from './test-harness.ts';
import { harness } from './test-harness.ts';

const at = (...times: number[]): AggEvent[] => times.map((t) => [null, null, t]);

describe('rate', () => {
  const h = harness('rate', []);

  it('is events per second of the window', () => {
    expect(h.type).toBe('DOUBLE');
    const state = h.run(at(0, 100, 100, 4000, 4999, 10, 20, 30, 40, 50));
    expect(h.result(state, { startMs: 0, endMs: 5000 })).toBe(2);
    expect(h.result(h.fresh(), { startMs: 0, endMs: 5000 })).toBe(0);
  });

  it('without a window is events per second of the event-time span seen', () => {
    expect(h.result(h.run(at(5000, 1000, 3000, 2000, 4000)))).toBe(1.25);
    expect(h.result(h.run(at(1000)))).toBeNull();
    expect(h.result(h.run(at(1000, 1000)))).toBeNull();
    expect(h.result(h.fresh())).toBeNull();
  });

  it('merges the counts and the span', () => {
    const into = h.run(at(3000, 4000));
    h.acc.merge(into, h.run(at(1000, 2000)));
    expect(h.result(into)).toBe(4 / 3);
  });

  it('takes only a star', () => {
    expect(h.fn.acceptsStar).toBe(true);
    expect(h.fn.check(['DOUBLE'], [])).toEqual({ error: 'rate expects rate(*), got 1 argument' });
  });
});
