import { contactPointIdFromSerial } from '../children/identifiers/contactpoint-id.ts';
import { REFERENCE_DAY, REFERENCE_DATE, civilFromDays, daysFromCivil, schoolEntryYear } from './dates.ts';
import type { CivilDate } from './dates.ts';
import { NhsNumberAllocator, UpnAllocator, claimantReference } from './identifiers.ts';
import { birthDays, composeFamily, deathDay, distinctForename } from './family.ts';
import type { Carer, Family } from './family.ts';
import { pickSurname, similarTwinName } from './names.ts';
import type { Sex } from './names.ts';
import { pickAddress, pickAuthority } from './places.ts';
import type { Address, LocalAuthority, School } from './places.ts';
import { populationRates } from './population-rates.ts';
import { Rng, WeightedTable, hashSeed } from './random.ts';

export interface Household {
  readonly id: number;
  readonly la: LocalAuthority;
  readonly address: Address;
  /** Where the household lived before its last move, if it moved in the last four years. */
  readonly previousAddress: Address | null;
  readonly movedInDay: number | null;
  /** First carer is the one who claims benefits and is named by local services. */
  readonly carers: readonly Carer[];
  readonly claimantReference: string;
  readonly gpPractice: string;
  /** Known to the LA's children's services: most of its children appear in the local feed. */
  readonly knownToServices: boolean;
  readonly children: Child[];
}

export interface Child {
  readonly serial: number;
  readonly childId: string;
  readonly household: Household;
  readonly nhsNumber: string | null;
  readonly upn: string | null;
  readonly forename: string;
  /** Space-separated; "" when none. */
  readonly middleNames: string;
  readonly surname: string;
  /** The surname before a change of name (step-parent, hyphenation); "" when unchanged. */
  readonly formerSurname: string;
  readonly sex: Sex;
  readonly birth: CivilDate;
  readonly birthDay: number;
  readonly death: CivilDate | null;
  readonly deathDay: number | null;
  /** childId of the co-twin, or "". */
  readonly twinOf: string;
  /** The household's previous address, only if this child was born before the move. */
  readonly previousAddress: Address | null;
  /** The school the child is on roll at on the reference date. */
  readonly school: School | null;
  /** National curriculum year on the reference date: 0 for Reception ... 13. */
  readonly yearGroup: number | null;
  readonly gpPractice: string;
}

export interface PopulationOptions {
  readonly children: number;
  readonly seed: string;
}

const birthsPerHousehold = new WeightedTable([1, 2, 3, 4], [45, 38, 12, 5]);

/** Identifier issuers shared across the whole run: they keep the only state that outlives a household. */
interface Issuers {
  readonly rng: Rng;
  readonly nhs: NhsNumberAllocator;
  readonly upns: UpnAllocator;
  readonly claimantKey: number;
}

interface Setting {
  readonly household: Household;
  readonly primary: School;
  readonly secondary: School;
  /** Where a child who started school before the household's last move got their UPN. */
  readonly previousPrimary: School;
  readonly family: Family;
}

function newHousehold(issuers: Issuers, id: number): Setting {
  const { rng } = issuers;
  const la = pickAuthority(rng);
  const moved = rng.chance(populationRates.moved);
  const previousLa = moved && rng.chance(populationRates.movedAcrossLa) ? pickAuthority(rng) : la;
  const family = composeFamily(rng);
  const household: Household = {
    id,
    la,
    address: pickAddress(rng, la),
    previousAddress: moved ? pickAddress(rng, previousLa) : null,
    movedInDay: moved ? REFERENCE_DAY - rng.int(30, 4 * 365) : null,
    carers: family.carers,
    claimantReference: claimantReference(id, issuers.claimantKey),
    gpPractice: rng.pick(la.gpPractices),
    knownToServices: rng.chance(populationRates.knownToServices),
    children: [],
  };
  return {
    household,
    primary: rng.pick(la.primaries),
    secondary: rng.pick(la.secondaries),
    previousPrimary: rng.pick(previousLa.primaries),
    family,
  };
}

interface Birth {
  readonly day: number;
  readonly sex: Sex;
  readonly forename: string;
  readonly surname: string;
  readonly formerSurname: string;
  readonly twinOf: string;
}

/** Forenames and sexes for one birth: a single child or, occasionally, twins. */
function namesForBirth(rng: Rng, twins: boolean, taken: readonly string[]): [Sex, string][] {
  const firstSex: Sex = rng.chance(populationRates.male) ? 'M' : 'F';
  const first = distinctForename(rng, firstSex, taken);
  if (!twins) return [[firstSex, first]];
  const sameSex = rng.chance(populationRates.twinsSameSex);
  if (sameSex && rng.chance(populationRates.twinsSimilarNames)) {
    const [a, b] = similarTwinName(rng, firstSex);
    return [
      [firstSex, a],
      [firstSex, b],
    ];
  }
  const secondSex: Sex = sameSex ? firstSex : firstSex === 'M' ? 'F' : 'M';
  return [
    [firstSex, first],
    [secondSex, distinctForename(rng, secondSex, [...taken, first])],
  ];
}

function makeChild(issuers: Issuers, setting: Setting, serial: number, birth: Birth): Child {
  const { rng } = issuers;
  const { household } = setting;
  const civilBirth = civilFromDays(birth.day);
  const entryYear = schoolEntryYear(civilBirth);
  const entryDay = daysFromCivil(entryYear, 9, 1);
  const died = deathDay(rng, birth.day);
  const middleNames = rng.chance(populationRates.middleName)
    ? distinctForename(rng, birth.sex, [birth.forename])
    : '';

  let upn: string | null = null;
  const startedSchool = entryDay <= REFERENCE_DAY && (died === null || died > entryDay);
  if (startedSchool && !rng.chance(populationRates.noUpn)) {
    // A UPN stays with the child for life: one issued before a move names the old school's LA.
    const movedSince = household.movedInDay !== null && household.movedInDay > entryDay;
    upn = issuers.upns.allocate(movedSince ? setting.previousPrimary : setting.primary, entryYear);
  }
  const yearGroup = REFERENCE_DATE.year - entryYear;
  const onRoll =
    upn !== null &&
    died === null &&
    yearGroup <= 13 &&
    rng.chance(yearGroup <= 11 ? populationRates.onRollCompulsory : populationRates.onRollSixthForm);

  return {
    serial,
    childId: contactPointIdFromSerial(serial),
    household,
    nhsNumber: issuers.nhs.next(),
    upn,
    forename: birth.forename,
    middleNames,
    surname: birth.surname,
    formerSurname: birth.formerSurname,
    sex: birth.sex,
    birth: civilBirth,
    birthDay: birth.day,
    death: died === null ? null : civilFromDays(died),
    deathDay: died,
    twinOf: birth.twinOf,
    previousAddress:
      household.movedInDay !== null && birth.day < household.movedInDay ? household.previousAddress : null,
    school: onRoll ? (yearGroup <= 6 ? setting.primary : setting.secondary) : null,
    yearGroup: onRoll ? yearGroup : null,
    gpPractice: rng.chance(populationRates.gpRegistered) ? household.gpPractice : '',
  };
}

/**
 * The synthetic population, one household at a time, exactly `children` children in total.
 * A generator so the caller can stream millions of children: nothing is kept once yielded
 * except fixed-size counters for identifiers.
 */
export function* generatePopulation(options: PopulationOptions): Generator<Household> {
  const issuers: Issuers = {
    rng: new Rng(options.seed, 'population'),
    nhs: new NhsNumberAllocator(options.seed),
    upns: new UpnAllocator(),
    claimantKey: hashSeed(`${options.seed}\u0000claimant`)[0],
  };
  const { rng } = issuers;
  let serial = 0;

  for (let householdId = 0; serial < options.children; householdId++) {
    const setting = newHousehold(issuers, householdId);
    const { household, family } = setting;
    const taken: string[] = [];
    for (const [birthIndex, day] of birthDays(rng, birthsPerHousehold.pick(rng)).entries()) {
      const remaining = options.children - serial;
      if (remaining <= 0) break;
      const twins = remaining >= 2 && rng.chance(populationRates.twinBirth);
      // A later child may be a half-sibling from a carer's earlier relationship.
      const halfSibling = birthIndex > 0 && rng.chance(0.06);
      const surname = halfSibling ? pickSurname(rng) : family.childSurname;
      const formerSurname = halfSibling ? '' : family.formerSurname;
      const first = serial;
      for (const [i, [sex, forename]] of namesForBirth(rng, twins, taken).entries()) {
        taken.push(forename);
        const twinOf = twins ? contactPointIdFromSerial(i === 0 ? first + 1 : first) : '';
        household.children.push(
          makeChild(issuers, setting, serial++, { day, sex, forename, surname, formerSurname, twinOf }),
        );
      }
    }
    if (household.children.length > 0) yield household;
  }
}
