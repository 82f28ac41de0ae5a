import type { Executor } from '../children/executor.ts';
import type { RawPerson } from '../matching/record.ts';
import type { FieldName } from '../matching/source-definition.ts';

/** The fields loadIndexRecords fills for a child: hence the comparisons that score against the index. */
export const INDEX_FIELDS: readonly FieldName[] = [
  'forename',
  'surname',
  'dateOfBirth',
  'gender',
  'address',
  'town',
  'postcode',
  'nhsNumber',
  'upn',
];

/** The date format of dates read back from the index ('YYYY-MM-DD'). */
export const INDEX_DATE_FORMAT = 'YYYY-MM-DD';

/** A child in the index, in the shape the matcher reads, with what the safety rules need beside it. */
export interface IndexRecord {
  readonly childId: string;
  readonly contactpointId: string;
  readonly shielded: boolean;
  readonly responsibleLa: string | null;
  readonly status: string;
  /** The child's current details. Dates are 'YYYY-MM-DD' (INDEX_DATE_FORMAT). */
  readonly raw: RawPerson;
}

function joinAddress(parts: readonly (string | null)[]): string {
  return parts.filter((part): part is string => part !== null && part.trim() !== '').join(' ');
}

/**
 * Loads the current details of the given children for matching: current name, the newest current
 * address, NHS number and UPN. Merged-away and purged children are skipped. `db` must be the
 * field-encrypting view (services' childDb) so a shielded child's address is opened in memory —
 * matching must still find shielded children.
 */
export async function loadIndexRecords(db: Executor, childIds: readonly string[]): Promise<IndexRecord[]> {
  if (childIds.length === 0) return [];
  const ids = [...new Set(childIds)];
  const [children, names, addresses, identifiers] = await Promise.all([
    db
      .selectFrom('child')
      .select([
        'id',
        'contactpoint_id',
        'shielded',
        'post_adoption',
        'responsible_la',
        'status',
        'gender',
        'date_of_birth',
      ])
      .where('id', 'in', ids)
      .where('merged_into', 'is', null)
      .where('status', '<>', 'purged')
      .execute(),
    db
      .selectFrom('child_name')
      .select(['child_id', 'forename', 'surname'])
      .where('child_id', 'in', ids)
      .where('kind', '=', 'current')
      .where('valid_to', 'is', null)
      .execute(),
    db
      .selectFrom('child_address')
      .selectAll()
      .where('child_id', 'in', ids)
      .where('valid_to', 'is', null)
      .orderBy('valid_from', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('child_identifier')
      .select(['child_id', 'scheme', 'value'])
      .where('child_id', 'in', ids)
      .where('valid_to', 'is', null)
      .where('scheme', 'in', ['nhs_number', 'upn'])
      .execute(),
  ]);
  const nameOf = new Map(names.map((n) => [n.child_id, n]));
  const addressOf = new Map<string, (typeof addresses)[number]>();
  for (const address of addresses)
    if (!addressOf.has(address.child_id)) addressOf.set(address.child_id, address);
  const idsOf = new Map<string, { nhsNumber?: string; upn?: string }>();
  for (const identifier of identifiers) {
    const entry = idsOf.get(identifier.child_id) ?? {};
    if (identifier.scheme === 'nhs_number') entry.nhsNumber = identifier.value;
    else entry.upn = identifier.value;
    idsOf.set(identifier.child_id, entry);
  }
  return children.map((child) => {
    const name = nameOf.get(child.id);
    const address = addressOf.get(child.id);
    const raw: RawPerson = {
      forename: name?.forename ?? '',
      surname: name?.surname ?? '',
      dateOfBirth: child.date_of_birth ?? '',
      gender: child.gender ?? '',
      postAdoption: child.post_adoption,
      ...idsOf.get(child.id),
    };
    if (address) {
      raw.address = joinAddress([address.line1, address.line2, address.line3, address.line4]);
      if (address.town !== null) raw.town = address.town;
      if (address.postcode !== null) raw.postcode = address.postcode;
    }
    return {
      childId: child.id,
      contactpointId: child.contactpoint_id,
      shielded: child.shielded,
      responsibleLa: child.responsible_la,
      status: child.status,
      raw,
    };
  });
}
