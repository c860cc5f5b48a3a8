import { describe, expect, it } from 'vitest';
import type { AggEvent } from './test-harness.ts';
import { close, harness, values } from './test-harness.ts';
import { FORECAST_BUFFER_SIZE } from './forecast.ts';
import { HOLT_LEVEL_ALPHA, HOLT_TREND_BETA } from './holt.ts';
import { Prng } from '../../util/index.ts';
import { holt } from './test-reference.ts';

const forecast = (steps: number) => harness('forecast', ['DOUBLE', 'BIGINT'], [null, steps]);
const reference = (xs: number[], steps: number) =>
  holt(xs, HOLT_LEVEL_ALPHA, HOLT_TREND_BETA, steps);

describe('forecast', () => {
  it('extrapolates level + steps · trend, by hand', () => {
    // see holt.test.ts: after 1, 3, 4 the level is 4.5 and the trend 1.85
    expect(forecast(2).result(forecast(2).run(values(1, null, 3, 4)))).toBeCloseTo(8.2, 14);
    expect(forecast(0).result(forecast(0).run(values(1, 3, 4)))).toBeCloseTo(4.5, 14);
  });

  it('forecasts one value as itself and no value as NULL', () => {
    const h = forecast(10);
    expect(h.result(h.run(values(7)))).toBe(7);
    expect(h.result(h.fresh())).toBeNull();
  });

  it('orders values by event time, ties by arrival', () => {
    const h = forecast(2);
    const events: AggEvent[] = [
      [4, null, 3000],
      [1, null, 1000],
      [3, null, 2000],
    ];
    expect(h.result(h.run(events))).toBeCloseTo(8.2, 14);
    const tied: AggEvent[] = [
      [1, null, 1000],
      [3, null, 1000],
      [4, null, 1000],
    ];
    expect(h.result(h.run(tied))).toBeCloseTo(8.2, 14);
  });

  it('is exact for values out of order by fewer than the buffer size', () => {
    const rng = new Prng(21);
    const xs = Array.from({ length: 300 }, (_, i) => 50 + i / 10 + rng.normal());
    const events: AggEvent[] = xs.map((x, i) => [x, null, i * 1000]);
    // shuffle within blocks of half the buffer: nothing moves more than the buffer size
    const block = FORECAST_BUFFER_SIZE / 2;
    for (let start = 0; start < events.length; start += block) {
      const part = events.slice(start, start + block);
      for (let i = part.length - 1; i > 0; i--) {
        const j = rng.intIn(0, i);
        [part[i], part[j]] = [part[j]!, part[i]!];
      }
      events.splice(start, part.length, ...part);
    }
    const h = forecast(3);
    expect(close(h.result(h.run(events)) as number, reference(xs, 3), 1e-12)).toBe(true);
  });

  it('folds a value older than the latest folded one at once', () => {
    const extra = FORECAST_BUFFER_SIZE + 10;
    const xs = Array.from({ length: extra }, (_, i) => i * i);
    const events: AggEvent[] = xs.map((x, i) => [x, null, 1000 + i]);
    const h = forecast(1);
    const state = h.run([...events, [-500, null, 0]]);
    // the first 10 were folded when the buffer overflowed; the late value follows them
    const order = [...xs.slice(0, 10), -500, ...xs.slice(10)];
    expect(close(h.result(state) as number, reference(order, 1), 1e-12)).toBe(true);
  });

  it('after a merge, folds late values as one state would', () => {
    const h = forecast(2);
    const series = (from: number, count: number): AggEvent[] =>
      Array.from({ length: count }, (_, i) => [Math.sin(from + i) * 10 + i, null, from + i]);
    const early = series(0, FORECAST_BUFFER_SIZE + 6);
    const late = series(100, FORECAST_BUFFER_SIZE + 6);
    const straggler: AggEvent = [1000, null, 80];
    const merged = h.run(early);
    h.acc.merge(merged, h.run(late));
    h.addAll(merged, [straggler]);
    const whole = h.run([...early, ...late, straggler]);
    expect(close(h.result(merged) as number, h.result(whole) as number, 1e-12)).toBe(true);
  });

  it('needs a constant whole number of steps >= 0', () => {
    const fn = forecast(1).fn;
    expect(fn.check(['DOUBLE', 'BIGINT'], [null, -1])).toEqual({
      error: 'forecast needs a constant whole number of steps >= 0, got -1',
    });
    expect(fn.check(['DOUBLE', 'DOUBLE'], [null, 1.5])).toHaveProperty('error');
    expect(fn.check(['DOUBLE', 'DOUBLE'], [null, 2])).toBe('DOUBLE');
    expect(fn.check(['STRING', 'BIGINT'], [null, 2])).toEqual({
      error: 'forecast needs a numeric argument, got STRING',
    });
  });
});
