/**
 * The same day and month in every year a typist could have written instead of the child's: one
 * digit of the year changed, or two neighbouring digits swapped (2014 written 2004, 2016 or 2041).
 * Blocking on forename and surname reads only candidates born in the row's year or on one of these
 * dates, because any other date of birth makes the pair siblings, never one child, unless they
 * share an identifier, which blocking finds by its own rule (see bornApart in src/matching/decide.ts).
 * Years after latestYear are left out: no child in the index is born after today.
 */
export function birthYearTypos(dateOfBirth: string, latestYear: number): string[] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (match === null) return [];
  const [, year = '', month = '', day = ''] = match;
  const years = new Set<string>();
  for (let i = 0; i < 4; i++) {
    for (let digit = 0; digit <= 9; digit++) years.add(year.slice(0, i) + String(digit) + year.slice(i + 1));
    if (i < 3) years.add(year.slice(0, i) + (year[i + 1] ?? '') + (year[i] ?? '') + year.slice(i + 2));
  }
  years.delete(year);
  return [...years]
    .map(Number)
    .filter((y) => y >= 1900 && y <= latestYear && dayExists(y, Number(month), Number(day)))
    .sort((a, b) => a - b)
    .map((y) => `${String(y)}-${month}-${day}`);
}

function dayExists(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
