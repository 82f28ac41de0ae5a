import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nhsNumberCheckDigit } from '../children/identifiers/nhs-number.ts';

export const NHS_HEADER =
  'pds_record_id,nhs_number,given_name,other_given_names,family_name,gender,birth_date,date_of_death,address_line_1,address_line_2,address_line_3,postcode,gp_practice_code';

/** The n-th valid NHS number of a test range (999 stems, as the synthetic feeds use). */
export function validNhsNumber(n: number): string {
  for (let stem = 999_000_000 + n * 7; ; stem++) {
    const check = nhsNumberCheckDigit(String(stem));
    if (check !== null) return `${stem}${check}`;
  }
}

/** The same number with a wrong check digit. */
export function badCheckDigit(nhs: string): string {
  const last = Number(nhs.charAt(9));
  return `${nhs.slice(0, 9)}${(last + 1) % 10}`;
}

/** One nhs_demographics row for child n. */
export function nhsRow(n: number, overrides: { nhs?: string; dob?: string; postcode?: string } = {}): string {
  const nhs = overrides.nhs ?? validNhsNumber(n);
  const dob = overrides.dob ?? `2015-0${1 + (n % 9)}-1${n % 10}`;
  const postcode = overrides.postcode ?? 'NG24 3FF';
  return `P${String(n).padStart(10, '0')},${nhs},Child${n},,Family${n},1,${dob},,${n} High Street,Newark,,${postcode},C87201`;
}

export function writeTempCsv(lines: readonly string[], name = 'feed.csv'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-ingest-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A local source that flags post-adoption records, which must carry their LA's code. */
export const ADOPTIONS_DECLARATION = {
  name: 'adoptions',
  kind: 'local',
  id: 'ref',
  fields: { forename: 'fn', surname: 'sn', dateOfBirth: 'dob' },
  postAdoptionFlag: 'adopted',
  extra: ['la_code'],
} as const;
