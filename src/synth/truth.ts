import { join } from 'node:path';
import { CsvFile } from './csv.ts';
import { civilFromDays, isoDate } from './dates.ts';
import type { Defect } from './defects.ts';
import type { Address } from './places.ts';
import type { Child } from './population.ts';
import type { SourceName } from './sources/source.ts';

export const TRUTH_FILE = 'truth.csv';
export const CHILDREN_FILE = 'children.csv';

/** truth.csv: which child every source row is about, and how the row departs from the truth. */
export const truthColumns = ['source', 'record_id', 'child_id', 'defects'] as const;

/** children.csv: the clean population, one row per child, what a perfect index would hold. */
export const childColumns = [
  'child_id',
  'household_id',
  'nhs_number',
  'upn',
  'forename',
  'middle_names',
  'surname',
  'former_surname',
  'sex',
  'date_of_birth',
  'date_of_death',
  'twin_of',
  'address_flat',
  'address_street',
  'address_town',
  'postcode',
  'la_code',
  'moved_in_date',
  'previous_address_flat',
  'previous_address_street',
  'previous_address_town',
  'previous_postcode',
  'previous_la_code',
  'carer_1_name',
  'carer_1_relationship',
  'carer_2_name',
  'carer_2_relationship',
  'school_urn',
  'ncy',
  'gp_practice_code',
] as const;

function addressFields(address: Address | null): string[] {
  if (address === null) return ['', '', '', '', ''];
  return [address.flat, address.street, address.town, address.postcode, String(address.laCode)];
}

export function childFields(child: Child): string[] {
  const { household } = child;
  const [carer1, carer2] = household.carers;
  const movedIn = household.movedInDay;
  return [
    child.childId,
    String(household.id),
    child.nhsNumber ?? '',
    child.upn ?? '',
    child.forename,
    child.middleNames,
    child.surname,
    child.formerSurname,
    child.sex,
    isoDate(child.birth),
    child.death === null ? '' : isoDate(child.death),
    child.twinOf,
    ...addressFields(household.address),
    // The move date only matters to a child who lived at the old address.
    child.previousAddress === null || movedIn === null ? '' : isoDayString(movedIn),
    ...addressFields(child.previousAddress),
    carer1 === undefined ? '' : `${carer1.forename} ${carer1.surname}`,
    carer1?.relationship ?? '',
    carer2 === undefined ? '' : `${carer2.forename} ${carer2.surname}`,
    carer2?.relationship ?? '',
    child.school === null ? '' : String(child.school.urn),
    child.yearGroup === null ? '' : String(child.yearGroup),
    child.gpPractice,
  ];
}

function isoDayString(day: number): string {
  return isoDate(civilFromDays(day));
}

export class TruthWriter {
  readonly children: CsvFile;
  readonly truth: CsvFile;

  constructor(outDir: string) {
    this.children = new CsvFile(join(outDir, CHILDREN_FILE), childColumns);
    this.truth = new CsvFile(join(outDir, TRUTH_FILE), truthColumns);
  }

  child(child: Child): void {
    this.children.writeRow(childFields(child));
  }

  row(source: SourceName, recordId: string, child: Child, defects: readonly Defect[]): void {
    this.truth.writeRow([source, recordId, child.childId, defects.join(';')]);
  }

  files(): CsvFile[] {
    return [this.children, this.truth];
  }
}
