import { REFERENCE_DATE, REFERENCE_DAY, ageOn, civilFromDays, daysFromCivil, ukDate } from '../dates.ts';
import type { Child } from '../population.ts';
import { WeightedTable } from '../random.ts';
import { SourceContext } from './source.ts';
import type { Source, SourceProfile, SourceRow } from './source.ts';

const coverage = { childInKnownHousehold: 0.85, otherChild: 0.015 };
const NHS_NUMBER_RECORDED = 0.6;
const UPN_RECORDED = 0.35;

export const localProfile: SourceProfile = {
  kind: 'local',
  description:
    "Local children's services case-management extract from every LA in one file: free-text address, UK dates, " +
    'Male/Female, optional NHS number and UPN. Keyed by workers from what families say, so nicknames, old ' +
    'surnames, old addresses, swapped dates and gaps are common; siblings often appear together.',
  coverage: {
    'children in households known to services (10% of households)': coverage.childInKnownHousehold,
    'other children': coverage.otherChild,
  },
  defects: {
    forename_nickname: 0.15,
    forename_middle: 0.02,
    forename_typo: 0.04,
    surname_typo: 0.03,
    surname_former: 0.5,
    surname_hyphen_part: 0.25,
    surname_hyphen_spacing: 0.1,
    dob_missing: 0.02,
    dob_day_month_swapped: 0.03,
    dob_day_defaulted: 0.01,
    sex_missing: 0.03,
    address_stale: 0.5,
    postcode_missing: 0.08,
    postcode_invalid: 0.01,
    postcode_unformatted: 0.1,
    nhs_number_invalid: 0.015,
    upn_invalid: 0.01,
    duplicate: 0.03,
  },
};

const columns = [
  'local_ref',
  'la_code',
  'first_name',
  'surname',
  'dob',
  'sex',
  'address',
  'postcode',
  'nhs_no',
  'upn',
  'parent_carer',
  'service',
  'referral_date',
] as const;

const youngerServices = new WeightedTable(
  ['Early Help', 'Child in Need', 'Child Protection', 'Looked After', 'SEND'],
  [45, 25, 10, 6, 14],
);
const olderServices = new WeightedTable(
  [
    'Early Help',
    'Child in Need',
    'Child Protection',
    'Looked After',
    'SEND',
    'Youth Justice',
    'Leaving Care',
  ],
  [30, 22, 8, 10, 14, 10, 6],
);
const THREE_YEARS =
  REFERENCE_DAY - daysFromCivil(REFERENCE_DATE.year - 3, REFERENCE_DATE.month, REFERENCE_DATE.day);

export function createLocalSource(seed: string): Source {
  const context = new SourceContext(seed, 'local_children_services');
  const { rng } = context;

  return {
    name: 'local_children_services',
    fileName: 'local_children_services.csv',
    columns,
    profile: localProfile,
    rowsFor(child: Child): SourceRow[] {
      const known = child.household.knownToServices;
      if (!rng.chance(known ? coverage.childInKnownHousehold : coverage.otherChild)) return [];
      const carer = child.household.carers[0];
      const age = ageOn(child.birth, REFERENCE_DATE);
      const service = (age >= 10 ? olderServices : youngerServices).pick(rng);
      const lastDay = child.deathDay ?? REFERENCE_DAY - 1;
      const firstDay = Math.min(lastDay, Math.max(child.birthDay, REFERENCE_DAY - THREE_YEARS));
      const referral = ukDate(civilFromDays(rng.int(firstDay, lastDay)));
      const recordNhs = rng.chance(NHS_NUMBER_RECORDED);
      const recordUpn = rng.chance(UPN_RECORDED);
      // An identifier the worker never recorded cannot be mistyped.
      const rates = {
        ...localProfile.defects,
        nhs_number_invalid: recordNhs ? localProfile.defects.nhs_number_invalid : 0,
        upn_invalid: recordUpn ? localProfile.defects.upn_invalid : 0,
      };
      return context.sightings(child, rates).map((seen): SourceRow => {
        const { flat, street, town, laCode } = seen.address;
        // Workers type NHS numbers as they see them printed: often in 3-3-4 groups.
        const nhs =
          recordNhs && seen.nhsNumber !== '' && rng.chance(0.3)
            ? `${seen.nhsNumber.slice(0, 3)} ${seen.nhsNumber.slice(3, 6)} ${seen.nhsNumber.slice(6)}`
            : seen.nhsNumber;
        const recordId = `${laCode}-${context.nextRecordNumber()}`;
        const fields = [
          recordId,
          String(laCode),
          seen.forename,
          seen.surname,
          seen.birth === null ? '' : ukDate(seen.birth),
          seen.sex === 'M' ? 'Male' : seen.sex === 'F' ? 'Female' : '',
          [flat, street, town].filter((part) => part !== '').join(', '),
          seen.postcode,
          recordNhs ? nhs : '',
          recordUpn ? seen.upn : '',
          carer === undefined ? '' : `${carer.forename} ${carer.surname}`,
          service,
          referral,
        ];
        return { recordId, fields, defects: seen.defects };
      });
    },
  };
}
