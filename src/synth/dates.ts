/**
 * Calendar arithmetic on whole days since 1970-01-01. Dates are plain integers so generating
 * millions of them allocates nothing, and the algorithms are exact for the proleptic Gregorian
 * calendar (H. Hinnant, "chrono-compatible low-level date algorithms").
 */

export interface CivilDate {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  /** 1-31 */
  readonly day: number;
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function isoDate(date: CivilDate): string {
  return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** DD/MM/YYYY, the form British forms and many council systems use. */
export function ukDate(date: CivilDate): string {
  return `${pad2(date.day)}/${pad2(date.month)}/${date.year}`;
}

/**
 * The synthetic world's "today". Fixed rather than the wall clock so a seed always gives the
 * same ages, deaths and 18th birthdays; it is the first day of the 2026/27 school year.
 */
export const REFERENCE_DATE: CivilDate = { year: 2026, month: 9, day: 1 };
export const REFERENCE_DAY = daysFromCivil(REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day);

/** Whole years between a birth date and a later date. */
export function ageOn(birth: CivilDate, on: CivilDate): number {
  const hadBirthday = on.month > birth.month || (on.month === birth.month && on.day >= birth.day);
  return on.year - birth.year - (hadBirthday ? 0 : 1);
}

/**
 * Calendar year in which a child starts Reception: the September after their fourth birthday
 * for a child born September-December, and the same calendar year's September for those born
 * January-August (England's school year runs 1 September to 31 August).
 */
export function schoolEntryYear(birth: CivilDate): number {
  return birth.month >= 9 ? birth.year + 5 : birth.year + 4;
}
