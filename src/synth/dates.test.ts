import { describe, expect, it } from 'vitest';
import {
  REFERENCE_DAY,
  ageOn,
  civilFromDays,
  daysFromCivil,
  isoDate,
  schoolEntryYear,
  ukDate,
} from './dates.ts';

describe('civil date arithmetic', () => {
  it('agrees with Date.UTC for every day from 1990 to 2040', () => {
    const start = Date.UTC(1990, 0, 1) / 86_400_000;
    const end = Date.UTC(2040, 11, 31) / 86_400_000;
    for (let day = start; day <= end; day++) {
      const js = new Date(day * 86_400_000);
      const civil = civilFromDays(day);
      expect(civil).toEqual({ year: js.getUTCFullYear(), month: js.getUTCMonth() + 1, day: js.getUTCDate() });
      expect(daysFromCivil(civil.year, civil.month, civil.day)).toBe(day);
    }
  });

  it('fixes the reference date at the start of the 2026/27 school year', () => {
    expect(isoDate(civilFromDays(REFERENCE_DAY))).toBe('2026-09-01');
  });

  it('formats ISO and UK dates with leading zeros', () => {
    expect(isoDate({ year: 2015, month: 3, day: 7 })).toBe('2015-03-07');
    expect(ukDate({ year: 2015, month: 3, day: 7 })).toBe('07/03/2015');
  });

  it('counts whole years of age, turning over on the birthday', () => {
    expect(ageOn({ year: 2008, month: 9, day: 1 }, { year: 2026, month: 9, day: 1 })).toBe(18);
    expect(ageOn({ year: 2008, month: 9, day: 2 }, { year: 2026, month: 9, day: 1 })).toBe(17);
  });

  it('starts Reception in the September of the school year a child turns five', () => {
    expect(schoolEntryYear({ year: 2015, month: 10, day: 1 })).toBe(2020);
    expect(schoolEntryYear({ year: 2016, month: 8, day: 31 })).toBe(2020);
    expect(schoolEntryYear({ year: 2016, month: 9, day: 1 })).toBe(2021);
  });
});
