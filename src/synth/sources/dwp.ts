import { REFERENCE_DATE, REFERENCE_DAY, ageOn, civilFromDays, ukDate } from '../dates.ts';
import type { Child } from '../population.ts';
import { SourceContext, addressLines } from './source.ts';
import type { Source, SourceProfile, SourceRow } from './source.ts';

const coverage = { under16: 0.85, aged16to18: 0.5, diedThisYear: 0.3 };

export const dwpProfile: SourceProfile = {
  kind: 'national',
  description:
    'Child-benefit style feed keyed by claim: the claimant parent and each child on the claim, in capitals, ' +
    'UK dates, no NHS number. Parent-supplied, so stale addresses after a move and old surnames are common.',
  coverage: {
    'alive, under 16': coverage.under16,
    'alive, 16-18 (still in education)': coverage.aged16to18,
    'died in the last year (award not yet closed)': coverage.diedThisYear,
    'died earlier': 0,
  },
  defects: {
    forename_typo: 0.015,
    forename_nickname: 0.02,
    surname_typo: 0.01,
    surname_former: 0.4,
    surname_hyphen_part: 0.15,
    surname_hyphen_spacing: 0.1,
    dob_day_month_swapped: 0.005,
    postcode_missing: 0.005,
    address_stale: 0.4,
    duplicate: 0.004,
  },
};

const columns = [
  'claim_child_ref',
  'claimant_nino',
  'claimant_title',
  'claimant_forename',
  'claimant_surname',
  'child_forename',
  'child_surname',
  'child_dob',
  'child_sex',
  'address_line_1',
  'address_line_2',
  'address_line_3',
  'postcode',
  'award_start_date',
] as const;

export function createDwpSource(seed: string): Source {
  const context = new SourceContext(seed, 'dwp_benefits');
  const { rng } = context;

  const covered = (child: Child): boolean => {
    if (child.deathDay !== null)
      return child.deathDay > REFERENCE_DAY - 365 && rng.chance(coverage.diedThisYear);
    return rng.chance(ageOn(child.birth, REFERENCE_DATE) < 16 ? coverage.under16 : coverage.aged16to18);
  };

  return {
    name: 'dwp_benefits',
    fileName: 'dwp_benefits.csv',
    columns,
    profile: dwpProfile,
    rowsFor(child: Child): SourceRow[] {
      if (!covered(child)) return [];
      const carers = child.household.carers;
      const awardStart = ukDate(civilFromDays(child.birthDay + rng.int(10, 120)));
      return context.sightings(child, dwpProfile.defects).map((seen, i): SourceRow => {
        // A second claim is usually made by the other parent.
        const claimant = (i > 0 ? carers[1] : undefined) ?? carers[0];
        const title = claimant?.sex === 'M' ? 'MR' : rng.pick(['MRS', 'MS', 'MISS']);
        const recordId = `CHB${context.nextRecordNumber()}`;
        const fields = [
          recordId,
          child.household.claimantReference,
          claimant === undefined ? '' : title,
          claimant?.forename ?? '',
          claimant?.surname ?? '',
          seen.forename,
          seen.surname,
          seen.birth === null ? '' : ukDate(seen.birth),
          seen.sex ?? '',
          ...addressLines(seen),
          seen.postcode,
          awardStart,
        ].map((field) => field.toUpperCase());
        return { recordId, fields, defects: seen.defects };
      });
    },
  };
}
