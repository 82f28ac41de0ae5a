import type { NormalisedFields } from '../ingest/validate-row.ts';
import type { IndexRecord } from './index-records.ts';

/** A live, unshielded child of the index as matching reads it, holding `fields`. */
export function indexRecord(
  childId: string,
  fields: NormalisedFields,
  extra: Partial<IndexRecord> = {},
): IndexRecord {
  return {
    childId,
    contactpointId: 'CP0000000000',
    shielded: false,
    responsibleLa: null,
    status: 'active',
    raw: fields,
    ...extra,
  };
}
