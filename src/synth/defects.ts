import type { CivilDate } from './dates.ts';
import { mistypeNhsNumber, mistypeUpn } from './identifiers.ts';
import { forenameSubstitute, hasForenameSubstitute } from './names.ts';
import type { Sex } from './names.ts';
import type { Address } from './places.ts';
import type { Child } from './population.ts';
import type { Rng } from './random.ts';
import { typo } from './typos.ts';

/**
 * Every way a source row can differ from the truth about its child. The closed list is written
 * to truth.csv per row, so matching and data-quality work can be scored defect by defect.
 */
export const defectKinds = [
  'forename_typo',
  'forename_nickname',
  'forename_middle',
  'surname_typo',
  'surname_former',
  'surname_hyphen_part',
  'surname_hyphen_spacing',
  'dob_missing',
  'dob_day_month_swapped',
  'dob_day_defaulted',
  'sex_missing',
  'address_stale',
  'postcode_missing',
  'postcode_invalid',
  'postcode_unformatted',
  'nhs_number_invalid',
  'upn_invalid',
  'date_of_death_missing',
  'duplicate',
] as const;

export type Defect = (typeof defectKinds)[number];

/**
 * Probability of each defect for one row, given that it can apply: a day/month swap only where
 * both are 12 or less and differ, a former surname only where there is one, and so on.
 */
export type DefectRates = Readonly<Partial<Record<Defect, number>>>;

/** What one source recorded about a child: the truth, passed through its error profile. */
export interface Observation {
  forename: string;
  middleNames: string;
  surname: string;
  birth: CivilDate | null;
  sex: Sex | null;
  address: Address;
  /** May be blank, unformatted or invalid, unlike address.postcode. */
  postcode: string;
  nhsNumber: string;
  upn: string;
  defects: Defect[];
}

const POSTCODE_LOOKALIKES: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B' };

/** A postcode as mis-keyed: a digit read as a letter, a forbidden letter, or a character lost. */
function corruptPostcode(rng: Rng, postcode: string): string {
  const inwardDigit = postcode.length - 3;
  const kind = rng.below(3);
  if (kind === 0) {
    const digit = postcode.charAt(inwardDigit);
    const letter = POSTCODE_LOOKALIKES[digit] ?? 'O';
    return postcode.slice(0, inwardDigit) + letter + postcode.slice(inwardDigit + 1);
  }
  if (kind === 1) return postcode.slice(0, -1) + rng.pick(['C', 'I', 'K', 'M', 'O', 'V']);
  return postcode.slice(0, -1);
}

function unformatPostcode(rng: Rng, postcode: string): string {
  const roll = rng.below(3);
  if (roll === 0) return postcode.toLowerCase();
  const compact = postcode.replace(' ', '');
  return roll === 1 ? compact : compact.toLowerCase();
}

class Roller {
  readonly defects: Defect[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly rates: DefectRates,
  ) {}

  roll(defect: Defect): boolean {
    const p = this.rates[defect] ?? 0;
    if (p <= 0 || !this.rng.chance(p)) return false;
    this.defects.push(defect);
    return true;
  }

  /** A keying error, recorded only if it really changed the text (very short names are left alone). */
  typo(defect: Defect, text: string): string {
    const p = this.rates[defect] ?? 0;
    if (text.length < 3 || p <= 0 || !this.rng.chance(p)) return text;
    const result = typo(this.rng, text);
    if (result !== text) this.defects.push(defect);
    return result;
  }
}

function observeSurname(rng: Rng, child: Child, roller: Roller): string {
  let surname = child.surname;
  if (child.formerSurname !== '' && roller.roll('surname_former')) surname = child.formerSurname;
  if (surname.includes('-')) {
    if (roller.roll('surname_hyphen_part')) surname = rng.pick(surname.split('-'));
    else if (roller.roll('surname_hyphen_spacing'))
      surname = surname.replaceAll('-', rng.chance(0.6) ? ' ' : '');
  }
  return roller.typo('surname_typo', surname);
}

function observeForename(rng: Rng, child: Child, roller: Roller): string {
  let forename = child.forename;
  if (child.middleNames !== '' && roller.roll('forename_middle')) {
    forename = child.middleNames.split(' ')[0] ?? forename;
  } else if (hasForenameSubstitute(forename) && roller.roll('forename_nickname')) {
    forename = forenameSubstitute(rng, forename) ?? forename;
  }
  return roller.typo('forename_typo', forename);
}

function observeBirth(child: Child, roller: Roller): CivilDate | null {
  const { year, month, day } = child.birth;
  if (roller.roll('dob_missing')) return null;
  if (day <= 12 && day !== month && roller.roll('dob_day_month_swapped'))
    return { year, month: day, day: month };
  if (day !== 1 && roller.roll('dob_day_defaulted')) return { year, month, day: 1 };
  return child.birth;
}

function observePostcode(rng: Rng, postcode: string, roller: Roller): string {
  if (roller.roll('postcode_missing')) return '';
  if (roller.roll('postcode_invalid')) return corruptPostcode(rng, postcode);
  if (roller.roll('postcode_unformatted')) return unformatPostcode(rng, postcode);
  return postcode;
}

/** One source's view of a child, with defects drawn independently at the given rates. */
export function observe(rng: Rng, child: Child, rates: DefectRates): Observation {
  const roller = new Roller(rng, rates);
  const surname = observeSurname(rng, child, roller);
  const forename = observeForename(rng, child, roller);
  const birth = observeBirth(child, roller);
  const sex = roller.roll('sex_missing') ? null : child.sex;
  const address =
    child.previousAddress !== null && roller.roll('address_stale')
      ? child.previousAddress
      : child.household.address;
  const postcode = observePostcode(rng, address.postcode, roller);
  let nhsNumber = child.nhsNumber ?? '';
  if (nhsNumber !== '' && roller.roll('nhs_number_invalid')) nhsNumber = mistypeNhsNumber(rng, nhsNumber);
  let upn = child.upn ?? '';
  if (upn !== '' && roller.roll('upn_invalid')) upn = mistypeUpn(rng, upn);
  return {
    forename,
    middleNames: child.middleNames,
    surname,
    birth,
    sex,
    address,
    postcode,
    nhsNumber,
    upn,
    defects: roller.defects,
  };
}

/**
 * A second row for the same child in the same feed (re-registration, a second claim, a record
 * keyed twice). It always differs from the truth somewhere, or it would be a trivial copy.
 */
export function observeDuplicate(rng: Rng, child: Child, rates: DefectRates): Observation {
  const seen = observe(rng, child, rates);
  seen.defects.push('duplicate');
  if (seen.defects.length > 1) return seen;
  if (hasForenameSubstitute(seen.forename) && rng.chance(0.5)) {
    seen.forename = forenameSubstitute(rng, seen.forename) ?? seen.forename;
    seen.defects.push('forename_nickname');
  } else if (child.previousAddress !== null && rng.chance(0.5)) {
    seen.address = child.previousAddress;
    seen.postcode = child.previousAddress.postcode;
    seen.defects.push('address_stale');
  } else {
    const mistyped = typo(rng, seen.forename);
    if (mistyped !== seen.forename) {
      seen.forename = mistyped;
      seen.defects.push('forename_typo');
    } else {
      seen.postcode = '';
      seen.defects.push('postcode_missing');
    }
  }
  return seen;
}
