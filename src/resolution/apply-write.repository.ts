import { sql } from 'kysely';
import { ChildRecordError } from '../children/child.errors.ts';
import type { Executor } from '../children/executor.ts';
import type { FeedRowStatus } from '../ingest/ingest.table.ts';
import type { ChildFill, ChildWrite, Writes } from './apply-plan.ts';
import type { ReviewPair, RowResolution } from './apply-resolutions.ts';
import { anyOf, recordset } from './apply-sql.ts';

/**
 * What applying writes, each table in one statement per chunk (its rows sent as one JSON parameter
 * and expanded by json_to_recordset), never a statement per row.
 */

// A clash in a space of 10^9 random IDs is rare; several rounds of them means something else is wrong.
const CONTACTPOINT_ID_ROUNDS = 5;

/** Inserts the children, drawing new ContactPoint IDs for any that clash. */
export async function insertChildren(
  trx: Executor,
  children: readonly ChildWrite[],
  newId: () => string,
): Promise<Map<string, string>> {
  const assigned = new Map<string, string>();
  let pending = children.map((child) => ({ child, contactpointId: newId() }));
  for (let round = 0; pending.length > 0; round++) {
    if (round === CONTACTPOINT_ID_ROUNDS) {
      throw new ChildRecordError(
        'CONFLICT',
        'Could not allocate ContactPoint IDs; try again',
        'child.contactpoint-id',
      );
    }
    const payload = pending.map(({ child, contactpointId }) => ({
      id: child.id,
      contactpoint_id: contactpointId,
      gender: child.gender,
      date_of_birth: child.dateOfBirth,
      responsible_la: child.responsibleLa,
      source_name: child.provenance.sourceName,
      batch_id: child.provenance.batchId,
      received_at: child.provenance.receivedAt,
      shielded: child.shield !== null,
      shield_reason: child.shield?.reason ?? null,
      shield_review_date: child.shield?.reviewDate ?? null,
      post_adoption: child.postAdoption,
    }));
    const inserted = await trx
      .insertInto('child')
      .columns([
        'id',
        'contactpoint_id',
        'gender',
        'date_of_birth',
        'responsible_la',
        'source_name',
        'batch_id',
        'received_at',
        'shielded',
        'shield_reason',
        'shield_review_date',
        'shielded_at',
        'post_adoption',
      ])
      .expression(
        sql`select id, contactpoint_id, gender, date_of_birth, responsible_la, source_name, batch_id,
          received_at, shielded, shield_reason, shield_review_date, case when shielded then now() end,
          post_adoption
        from ${recordset(
          payload,
          `id uuid, contactpoint_id text, gender text, date_of_birth date, responsible_la text,
          source_name text, batch_id bigint, received_at timestamptz, shielded boolean,
          shield_reason text, shield_review_date date, post_adoption boolean`,
        )}`,
      )
      .onConflict((oc) => oc.column('contactpoint_id').doNothing())
      .returning(['id', 'contactpoint_id'])
      .execute();
    for (const row of inserted) assigned.set(row.id, row.contactpoint_id);
    pending = pending
      .filter(({ child }) => !assigned.has(child.id))
      .map(({ child }) => ({ child, contactpointId: newId() }));
  }
  return assigned;
}

export async function insertCreatedEvents(
  trx: Executor,
  children: readonly ChildWrite[],
  operator: string,
): Promise<void> {
  const payload = children.map((child) => ({
    child_id: child.id,
    detail: {
      source: child.provenance.sourceName,
      batchId: child.provenance.batchId,
      receivedAt: child.provenance.receivedAt.toISOString(),
      feedRows: child.rowIds.length,
      ...(child.shield === null
        ? {}
        : { shieldReason: child.shield.reason, shieldReviewDate: child.shield.reviewDate }),
      ...(child.postAdoption ? { postAdoption: true } : {}),
    },
  }));
  await insertEvents(trx, 'created', payload, operator);
}

/** One child_event of `kind` per entry, in one statement. */
async function insertEvents(
  trx: Executor,
  kind: 'created' | 'details_changed',
  events: readonly { child_id: string; detail: object }[],
  operator: string,
): Promise<void> {
  await trx
    .insertInto('child_event')
    .columns(['child_id', 'kind', 'detail', 'actor'])
    .expression(
      sql`select child_id, ${kind}::text, detail, ${operator}::text
        from ${recordset(events, 'child_id uuid, detail jsonb')}`,
    )
    .execute();
}

/**
 * Fills the gaps planned in linked children's own fields (see ChildFill), never overwriting a
 * value, with a 'details_changed' event on each child naming the rows the values came from.
 */
export async function writeFills(
  trx: Executor,
  fills: readonly ChildFill[],
  operator: string,
): Promise<void> {
  if (fills.length === 0) return;
  const payload = fills.map((fill) => ({
    child_id: fill.childId,
    gender: fill.gender?.value ?? null,
    responsible_la: fill.responsibleLa?.value ?? null,
    detail: {
      filled: {
        ...(fill.gender === undefined ? {} : { gender: fill.gender }),
        ...(fill.responsibleLa === undefined ? {} : { responsibleLa: fill.responsibleLa }),
      },
    },
  }));
  await sql`
    update child as c
    set gender = case when c.gender = 'unknown' and x.gender is not null then x.gender else c.gender end,
      responsible_la = coalesce(c.responsible_la, x.responsible_la)
    from ${recordset(payload, 'child_id uuid, gender text, responsible_la text')}
    where c.id = x.child_id`.execute(trx);
  await insertEvents(trx, 'details_changed', payload, operator);
}

function provenanceColumns(p: { sourceName: string; batchId: number | null; receivedAt: Date }) {
  return { source_name: p.sourceName, batch_id: p.batchId, received_at: p.receivedAt };
}

const PROVENANCE_COLUMNS = 'source_name text, batch_id bigint, received_at timestamptz';

export async function writeHistory(trx: Executor, writes: Writes): Promise<void> {
  // Closing first: a current name's successor may only be inserted once it is closed.
  if (writes.closeNames.length > 0) {
    await trx
      .updateTable('child_name')
      .set({ valid_to: sql<Date>`now()` })
      .where('id', '=', anyOf<number>(writes.closeNames, 'bigint'))
      .where('valid_to', 'is', null)
      .execute();
  }
  if (writes.closeAddresses.length > 0) {
    await trx
      .updateTable('child_address')
      .set({ valid_to: sql<Date>`now()` })
      .where('id', '=', anyOf<number>(writes.closeAddresses, 'bigint'))
      .where('valid_to', 'is', null)
      .execute();
  }
  if (writes.closeSchools.length > 0) {
    await trx
      .updateTable('educational_setting')
      .set({ valid_to: sql<Date>`now()` })
      .where('id', '=', anyOf<number>(writes.closeSchools, 'bigint'))
      .where('valid_to', 'is', null)
      .execute();
  }
  if (writes.names.length > 0) {
    const payload = writes.names.map((w) => ({
      child_id: w.childId,
      kind: w.kind,
      forename: w.name.forename,
      middle_names: w.name.middleNames,
      surname: w.name.surname,
      forename_key: w.name.forenameKey,
      surname_key: w.name.surnameKey,
      closed: w.closed,
      ...provenanceColumns(w.provenance),
    }));
    await trx
      .insertInto('child_name')
      .columns([
        'child_id',
        'kind',
        'forename',
        'middle_names',
        'surname',
        'forename_key',
        'surname_key',
        'source_name',
        'batch_id',
        'received_at',
        'valid_to',
      ])
      .expression(
        sql`select child_id, kind, forename, middle_names, surname, forename_key, surname_key,
          source_name, batch_id, received_at, case when closed then now() end
        from ${recordset(
          payload,
          `child_id uuid, kind text, forename text, middle_names text, surname text,
          forename_key text, surname_key text, closed boolean, ${PROVENANCE_COLUMNS}`,
        )}`,
      )
      .execute();
  }
  if (writes.addresses.length > 0) {
    const payload = writes.addresses.map((w) => ({
      child_id: w.childId,
      line1: w.address.line1,
      town: w.address.town,
      postcode: w.address.postcode,
      closed: w.closed,
      ...provenanceColumns(w.provenance),
    }));
    // Built with the query builder (not raw SQL) so the encrypting transaction sees an insert into
    // a sealed table and seals what the database marked pending.
    await trx
      .insertInto('child_address')
      .columns([
        'child_id',
        'line1',
        'town',
        'postcode',
        'source_name',
        'batch_id',
        'received_at',
        'valid_to',
      ])
      .expression(
        sql`select child_id, line1, town, postcode, source_name, batch_id, received_at,
          case when closed then now() end
        from ${recordset(
          payload,
          `child_id uuid, line1 text, town text, postcode text, closed boolean, ${PROVENANCE_COLUMNS}`,
        )}`,
      )
      .execute();
  }
  if (writes.schools.length > 0) {
    const payload = writes.schools.map((w) => ({
      child_id: w.childId,
      urn: w.school.urn,
      name: w.school.name,
      closed: w.closed,
      ...provenanceColumns(w.provenance),
    }));
    // The query builder again, so a shielded child's school is sealed like its address.
    await trx
      .insertInto('educational_setting')
      .columns(['child_id', 'urn', 'name', 'source_name', 'batch_id', 'received_at', 'valid_to'])
      .expression(
        sql`select child_id, urn, name, source_name, batch_id, received_at, case when closed then now() end
        from ${recordset(payload, `child_id uuid, urn text, name text, closed boolean, ${PROVENANCE_COLUMNS}`)}`,
      )
      .execute();
  }
  if (writes.identifiers.length > 0) {
    const payload = writes.identifiers.map((w) => ({
      child_id: w.childId,
      scheme: w.scheme,
      value: w.value,
      ...provenanceColumns(w.provenance),
    }));
    await trx
      .insertInto('child_identifier')
      .columns(['child_id', 'scheme', 'value', 'source_name', 'batch_id', 'received_at'])
      .expression(
        sql`select child_id, scheme, value, source_name, batch_id, received_at
        from ${recordset(payload, `child_id uuid, scheme text, value text, ${PROVENANCE_COLUMNS}`)}`,
      )
      .execute();
  }
}

/** Review pairs; a pair already waiting (or decided) for the row is left as it is. */
export async function insertReviews(trx: Executor, pairs: readonly ReviewPair[]): Promise<void> {
  if (pairs.length === 0) return;
  const payload = pairs.map((p) => ({
    feed_row_id: p.feedRowId,
    child_id: p.childId,
    weight: p.weight,
    probability: p.probability,
    explanation: p.explanation,
    reason: p.reason,
    shielded: p.shielded,
    // The LA whose shielders decide: only a shielded pair has one.
    responsible_la: p.shielded ? p.responsibleLa : null,
  }));
  await trx
    .insertInto('match_review')
    .columns([
      'kind',
      'feed_row_id',
      'child_id',
      'weight',
      'probability',
      'explanation',
      'reason',
      'shielded',
      'responsible_la',
    ])
    .expression(
      sql`select 'row', feed_row_id, child_id, weight, probability, explanation, reason, shielded, responsible_la
      from ${recordset(
        payload,
        `feed_row_id bigint, child_id uuid, weight double precision, probability double precision,
        explanation jsonb, reason text, shielded boolean, responsible_la text`,
      )}`,
    )
    .onConflict((oc) => oc.columns(['feed_row_id', 'child_id']).where('kind', '=', 'row').doNothing())
    .execute();
}

export async function resolveFeedRows(
  trx: Executor,
  resolutions: readonly RowResolution[],
  fromStatuses: readonly FeedRowStatus[],
): Promise<void> {
  if (resolutions.length === 0) return;
  const payload = resolutions.map((r) => ({
    id: r.id,
    status: r.status,
    child_id: r.childId,
    resolution: r.resolution,
  }));
  const result = await sql`
    update feed_row as f
    set status = x.status, child_id = x.child_id, resolved_at = now(), resolution = x.resolution
    from ${recordset(payload, 'id bigint, status text, child_id uuid, resolution jsonb')}
    where f.id = x.id and f.status = ${anyOf<string>(fromStatuses, 'text')}`.execute(trx);
  const updated = Number(result.numAffectedRows ?? 0);
  if (updated !== resolutions.length) {
    throw new ChildRecordError(
      'CONFLICT',
      `${resolutions.length - updated} of the feed rows were resolved meanwhile; resolve the chunk again`,
      'resolution.row-moved-on',
    );
  }
}

export async function bumpVersions(trx: Executor, childIds: readonly string[]): Promise<void> {
  if (childIds.length === 0) return;
  await trx
    .updateTable('child')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
    .where('id', '=', anyOf<string>(childIds, 'uuid'))
    .execute();
}
