import { describe, expect, it } from 'vitest';
import { AlertSchedule, EventBudget, spreadTimes } from './event-model.ts';
import { parseRateOption } from './rate-option.ts';

describe('EventBudget', () => {
  it('turns elapsed time into events at the rate, carrying fractions', () => {
    const budget = new EventBudget(15);
    expect(budget.take(0)).toBe(0);
    let total = 0;
    for (let t = 100; t <= 10_000; t += 100) total += budget.take(t);
    expect(total).toBe(150);
  });

  it('caps the catch-up after a stall', () => {
    const budget = new EventBudget(100, 1_000);
    budget.take(0);
    expect(budget.take(60_000)).toBe(100);
  });
});

describe('AlertSchedule', () => {
  it('is due first after firstAfterMs, then every everyMs', () => {
    const schedule = new AlertSchedule(10_000, 2_000);
    const due = [0, 1_000, 2_000, 5_000, 11_999, 12_000, 22_000].filter((t) => schedule.due(t));
    expect(due).toEqual([2_000, 12_000, 22_000]);
  });
});

describe('spreadTimes', () => {
  it('spreads event times over the interval, ending at now', () => {
    expect(spreadTimes(1_000, 1_100, 4)).toEqual([1_025, 1_050, 1_075, 1_100]);
  });
});

describe('--rate', () => {
  it('takes a multiplier of every default rate', () => {
    expect(parseRateOption('0.5')).toEqual({ stocks: 100, iot: 100, social: 25, gaming: 75 });
  });

  it('takes rates per use case', () => {
    expect(parseRateOption('stocks=500, iot=50')).toEqual({ stocks: 500, iot: 50 });
  });

  it.each(['0', 'stocks', 'crypto=5', 'stocks=-1', 'stocks=5=6', ''])('refuses %j', (text) => {
    expect(() => parseRateOption(text)).toThrow(/--rate/);
  });
});
