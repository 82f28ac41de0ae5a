import { isoDate } from '../dates.ts';
import type { Defect } from '../defects.ts';
import type { Child } from '../population.ts';
import { SourceContext, addressLines } from './source.ts';
import type { Source, SourceProfile, SourceRow } from './source.ts';

const coverage = { withNhsNumber: 0.98 };

export const nhsProfile: SourceProfile = {
  kind: 'national',
  description:
    'NHS demographic (PDS-style) feed: one row per registered patient, NHS number, ISO dates, NHS gender ' +
    'codes (1 male, 2 female, 0 not known), GP practice and date of death. High quality; addresses lag moves a little.',
  coverage: { 'every child with an NHS number, including the deceased': coverage.withNhsNumber },
  defects: {
    forename_typo: 0.003,
    surname_typo: 0.003,
    surname_former: 0.1,
    surname_hyphen_spacing: 0.02,
    dob_day_month_swapped: 0.001,
    sex_missing: 0.001,
    address_stale: 0.1,
    postcode_missing: 0.002,
    nhs_number_invalid: 0.001,
    date_of_death_missing: 0.03,
    duplicate: 0.002,
  },
};

const columns = [
  'pds_record_id',
  'nhs_number',
  'given_name',
  'other_given_names',
  'family_name',
  'gender',
  'birth_date',
  'date_of_death',
  'address_line_1',
  'address_line_2',
  'address_line_3',
  'postcode',
  'gp_practice_code',
] as const;

export function createNhsSource(seed: string): Source {
  const context = new SourceContext(seed, 'nhs_demographics');
  const { rng } = context;
  const deathMissingRate = nhsProfile.defects.date_of_death_missing ?? 0;

  return {
    name: 'nhs_demographics',
    fileName: 'nhs_demographics.csv',
    columns,
    profile: nhsProfile,
    rowsFor(child: Child): SourceRow[] {
      // Without an NHS number (the test range ran out) a child is simply not in this feed.
      if (child.nhsNumber === null || !rng.chance(coverage.withNhsNumber)) return [];
      return context.sightings(child, nhsProfile.defects).map((seen): SourceRow => {
        const defects: Defect[] = seen.defects;
        let dateOfDeath = '';
        if (child.death !== null) {
          if (rng.chance(deathMissingRate)) defects.push('date_of_death_missing');
          else dateOfDeath = isoDate(child.death);
        }
        const recordId = `P${context.nextRecordNumber()}`;
        const fields = [
          recordId,
          seen.nhsNumber,
          seen.forename,
          seen.middleNames,
          seen.surname,
          seen.sex === 'M' ? '1' : seen.sex === 'F' ? '2' : '0',
          seen.birth === null ? '' : isoDate(seen.birth),
          dateOfDeath,
          ...addressLines(seen),
          seen.postcode,
          child.gpPractice,
        ];
        return { recordId, fields, defects };
      });
    },
  };
}
