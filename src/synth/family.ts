import { REFERENCE_DATE, REFERENCE_DAY, daysFromCivil } from './dates.ts';
import { pickAdultForename, pickForename, pickSurname } from './names.ts';
import type { Sex } from './names.ts';
import { populationRates } from './population-rates.ts';
import type { Rng } from './random.ts';

export type Relationship = 'Mother' | 'Father' | 'Stepfather' | 'Grandmother';

export interface Carer {
  readonly forename: string;
  readonly surname: string;
  readonly sex: Sex;
  readonly relationship: Relationship;
}

export interface Family {
  /** The surname the household's children share (half-siblings aside). */
  readonly childSurname: string;
  /** The children's surname before it changed, or "". */
  readonly formerSurname: string;
  readonly carers: readonly Carer[];
}

function carer(rng: Rng, sex: Sex, surname: string, relationship: Relationship): Carer {
  return { forename: pickAdultForename(rng, sex), surname, sex, relationship };
}

/**
 * Carers and the children's surname. Unmarried parents give their children either surname or
 * both hyphenated, and a step-parent brings a change of surname: the cases where feeds disagree
 * about a child's name because each recorded a different, once-true version.
 */
export function composeFamily(rng: Rng): Family {
  const father = pickSurname(rng);
  if (rng.chance(populationRates.loneParent)) {
    if (rng.chance(0.1))
      return { childSurname: father, formerSurname: '', carers: [carer(rng, 'M', father, 'Father')] };
    const mother = rng.chance(0.6) ? father : pickSurname(rng);
    const relationship = rng.chance(0.04) ? 'Grandmother' : 'Mother';
    return {
      childSurname: rng.chance(0.8) ? father : mother,
      formerSurname: '',
      carers: [carer(rng, 'F', mother, relationship)],
    };
  }
  const own = pickSurname(rng);
  const married = own === father || rng.chance(0.6);
  const mother = carer(rng, 'F', married ? father : own, 'Mother');
  let childSurname = father;
  if (!married) {
    const roll = rng.float();
    if (roll < 0.15) childSurname = own;
    else if (roll < 0.27) childSurname = `${own}-${father}`;
  }
  if (rng.chance(populationRates.surnameChanged)) {
    let step = pickSurname(rng);
    if (step === childSurname) step = pickSurname(rng);
    return {
      childSurname: rng.chance(0.5) ? `${childSurname}-${step}` : step,
      formerSurname: childSurname,
      carers: [mother, carer(rng, 'M', step, 'Stepfather')],
    };
  }
  return { childSurname, formerSurname: '', carers: [mother, carer(rng, 'M', father, 'Father')] };
}

// Births fall in the 19 years before the reference date, the oldest the day after a 19th
// birthday would be, so ages run from 0 to 18 and some children have just turned 18.
const NINETEEN_YEARS_AGO = daysFromCivil(REFERENCE_DATE.year - 19, REFERENCE_DATE.month, REFERENCE_DATE.day);
const FIRST_BIRTH_DAY = NINETEEN_YEARS_AGO + 1;

/** Birth days for a household's births: siblings 1-6 years apart, all inside the window. */
export function birthDays(rng: Rng, births: number): number[] {
  const first = FIRST_BIRTH_DAY + rng.below(REFERENCE_DAY - FIRST_BIRTH_DAY);
  const days = [first];
  let earliest = first;
  let latest = first;
  for (let i = 1; i < births; i++) {
    const gap = rng.int(400, 2200);
    // Younger or older at random, so siblings do not drag the age profile one way.
    const later = latest + gap < REFERENCE_DAY;
    const earlier = earliest - gap >= FIRST_BIRTH_DAY;
    if (later && (!earlier || rng.chance(0.5))) {
      latest += gap;
      days.push(latest);
    } else if (earlier) {
      earliest -= gap;
      days.push(earliest);
    } else break;
  }
  return days.sort((a, b) => a - b);
}

/** The day a child died, or null for the great majority who are alive on the reference date. */
export function deathDay(rng: Rng, birthDay: number): number | null {
  if (!rng.chance(populationRates.died)) return null;
  const lived = REFERENCE_DAY - 1 - birthDay;
  if (lived < 1) return null;
  // Most child deaths happen in the first year of life.
  const span = rng.chance(0.6) ? Math.min(lived, 365) : lived;
  return birthDay + rng.int(0, span);
}

/** A forename not already used in the family (parents rarely repeat one). */
export function distinctForename(rng: Rng, sex: Sex, taken: readonly string[]): string {
  let name = pickForename(rng, sex);
  for (let attempt = 0; attempt < 8 && taken.includes(name); attempt++) name = pickForename(rng, sex);
  return name;
}
