import type { MatchRecord } from './record.ts';

/** The string and every string one character shorter: two strings share one when a typo apart. */
function deletionKeys(value: string): string[] {
  const keys = [value];
  for (let i = 0; i < value.length; i++) keys.push(value.slice(0, i) + value.slice(i + 1));
  return keys;
}

/**
 * Which records have nothing to tell twins apart: no identifier, and no forename at all or, with
 * the surname empty, a forename that is (a typo of) a surname in the file. Names swapped and the
 * surname then lost leave the family name alone in the forename field, where it matches the
 * swapped records of either twin.
 */
export function namelessRecords(records: readonly MatchRecord[]): boolean[] {
  const surnames = new Set(records.map((r) => r.surname.compact).filter((s) => s !== ''));
  const surnameKeys = new Set<string>();
  for (const surname of surnames) for (const key of deletionKeys(surname)) surnameKeys.add(key);
  return records.map((r) => {
    if (r.otherIdentifier !== '' || r.nhsNumber !== '' || r.upn !== '') return false;
    if (r.forename1 === '') return true;
    return r.surname.compact === '' && deletionKeys(r.forename1).some((key) => surnameKeys.has(key));
  });
}
