import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, daysFromCivil, daysInMonth, startOfCalendarUnit } from './calendar.ts';

describe('calendar', () => {
  it('counts days from the epoch', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017);
    expect(daysFromCivil(1, 1, 1)).toBe(-719_162);
  });

  it('knows month lengths', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2023, 4)).toBe(30);
    expect(daysInMonth(2023, 12)).toBe(31);
  });

  it('agrees with Date on the first day of every month and year over four centuries', () => {
    for (let year = 1800; year <= 2200; year += 7) {
      for (let month = 1; month <= 12; month++) {
        const first = daysFromCivil(year, month, 1);
        expect(first * MS_PER_DAY).toBe(Date.UTC(year, month - 1, 1));
        const last = first + daysInMonth(year, month) - 1;
        expect(startOfCalendarUnit(last, 'month')).toBe(first);
        expect(startOfCalendarUnit(last, 'year')).toBe(daysFromCivil(year, 1, 1));
      }
    }
  });
});
