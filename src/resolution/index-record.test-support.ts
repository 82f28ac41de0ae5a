import type { NormalisedFields } from '../ingest/validate-row.ts';
import type { IndexRecord } from './index-records.ts';
import type { WaitingRow } from './outcome.ts';

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

/** Waiting row `id` of batch 1 (row number `id`) from `sourceName`, holding `fields`. */
export function waitingRow(id: number, fields: NormalisedFields, sourceName = 'dwp_benefits'): WaitingRow {
  return {
    id,
    batchId: 1,
    rowNumber: id,
    sourceName,
    sourceRecordId: `R${id}`,
    receivedAt: new Date('2026-11-01T09:00:00Z'),
    fields,
  };
}
