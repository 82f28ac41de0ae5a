import { isoDate } from '../dates.ts';
import { forenameSubstitute } from '../names.ts';
import { authorityByCode } from '../places.ts';
import type { School } from '../places.ts';
import type { Child } from '../population.ts';
import { SourceContext } from './source.ts';
import type { Source, SourceProfile, SourceRow } from './source.ts';

// Pupils on roll appear in the census; the population already decided who is on roll (about 95%
// of Reception-Year 11 and under half of Years 12-13), so the census itself misses no one.
export const schoolProfile: SourceProfile = {
  kind: 'national',
  description:
    'School census: one row per pupil on roll, keyed by UPN, legal and preferred names, ISO dates, M/F, ' +
    'national curriculum year, the school and its LA. Preferred names are only filled in when they differ.',
  coverage: { 'pupils on roll on the reference date (Reception to Year 13)': 1 },
  defects: {
    forename_typo: 0.005,
    forename_nickname: 0.01,
    surname_typo: 0.005,
    surname_former: 0.3,
    surname_hyphen_part: 0.03,
    dob_day_month_swapped: 0.002,
    address_stale: 0.05,
    postcode_missing: 0.005,
    upn_invalid: 0.001,
    duplicate: 0.003,
  },
};

/** Share of pupils whose preferred forename (a nickname or variant) is recorded. */
const PREFERRED_FORENAME = 0.06;

const columns = [
  'census_row_id',
  'upn',
  'legal_forename',
  'middle_names',
  'legal_surname',
  'preferred_forename',
  'preferred_surname',
  'dob',
  'gender',
  'ncy',
  'postcode',
  'la_code',
  'school_urn',
  'school_name',
] as const;

export function createSchoolSource(seed: string): Source {
  const context = new SourceContext(seed, 'school_census');
  const { rng } = context;

  /** Dual registration: the same pupil also on roll at another school of the same phase nearby. */
  const otherSchool = (school: School): School => {
    const la = authorityByCode(school.laCode);
    const candidates = (school.phase === 'primary' ? la.primaries : la.secondaries).filter(
      (s) => s !== school,
    );
    return candidates.length === 0 ? school : rng.pick(candidates);
  };

  return {
    name: 'school_census',
    fileName: 'school_census.csv',
    columns,
    profile: schoolProfile,
    rowsFor(child: Child): SourceRow[] {
      const { school, yearGroup } = child;
      if (school === null || yearGroup === null) return [];
      const preferred = rng.chance(PREFERRED_FORENAME) ? (forenameSubstitute(rng, child.forename) ?? '') : '';
      return context.sightings(child, schoolProfile.defects).map((seen, i): SourceRow => {
        const at = i === 0 ? school : otherSchool(school);
        const recordId = context.nextRecordNumber();
        const fields = [
          recordId,
          seen.upn,
          seen.forename,
          seen.middleNames,
          seen.surname,
          preferred === seen.forename ? '' : preferred,
          // Where the legal surname is the old one, the school knows the name the child now uses.
          seen.defects.includes('surname_former') ? child.surname : '',
          seen.birth === null ? '' : isoDate(seen.birth),
          seen.sex ?? '',
          yearGroup === 0 ? 'R' : String(yearGroup),
          seen.postcode,
          String(at.laCode),
          String(at.urn),
          at.name,
        ];
        return { recordId, fields, defects: seen.defects };
      });
    },
  };
}
