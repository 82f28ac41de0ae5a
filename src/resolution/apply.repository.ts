import { sql, type RawBuilder } from 'kysely';
import { ChildRecordError } from '../children/child.errors.ts';
import type { IsoDate } from '../children/child.model.ts';
import { londonDate } from '../children/child.validation.ts';
import type { Executor } from '../children/executor.ts';
import { generateContactPointId } from '../children/identifiers/contactpoint-id.ts';
import { sourceRank, type SourcePrecedence } from '../children/survivorship.ts';
import type { FeedRowStatus } from '../ingest/ingest.table.ts';
import type { RowOutcome, ScoredCandidate, WaitingRow } from './outcome.ts';
import {
  emptyWrites,
  IdentifierRegistry,
  planLink,
  planNewChild,
  type ChildState,
  type ChildWrite,
  type Notes,
  type RankOf,
  type ShieldLike,
  type StoredAddress,
  type Writes,
} from './apply-plan.ts';
import { rowLaCode } from './apply-values.ts';

/**
 * Applying resolution's decisions to the index: new children, linked rows' values under
 * survivorship, review pairs, and every row's status. A chunk of thousands of rows is written in a
 * fixed handful of statements (each row set sent as one JSON parameter and expanded by
 * json_to_recordset), never a statement per row.
 *
 * Run it in the field-encrypting transaction (services' childDb): a shielded child's new location
 * rows are marked pending by the database and sealed by that transaction before it commits. Audit
 * entries are the caller's, in the same transaction.
 */

export interface ApplyContext {
  /** Who applies: written as the actor of new children's 'created' events. */
  readonly operator: string;
  /** Provenance received_at for every row applied; each row's batch time when absent. */
  readonly receivedAt?: Date;
  /** Draws ContactPoint IDs; tests inject clashes. */
  readonly newContactPointId?: () => string;
  /** The English date shield review dates count from; today when absent. */
  readonly today?: IsoDate;
}

export interface ApplyCounts {
  readonly linked: number;
  readonly created: number;
  readonly review: number;
}

export interface AppliedRow {
  readonly status: 'linked' | 'created' | 'review';
  readonly childId: string | null;
  /** The resolution's rule ('nhs-number+dob', 'review:post-adoption-needs-la', ...). */
  readonly rule: string;
}

export interface ApplyOptions {
  /** A reviewer's decision may touch a shielded child; automatic resolution never does. */
  readonly allowShielded: boolean;
  /** The statuses a row may be in to be applied (anything else is a concurrent resolution). */
  readonly fromStatuses: readonly FeedRowStatus[];
  readonly shieldLike?: ShieldLike;
}

// A clash in a space of 10^9 random IDs is rare; several rounds of them means something else is wrong.
const CONTACTPOINT_ID_ROUNDS = 5;

/**
 * A list sent as one array parameter, for `where(column, '=', anyOf(...))`. Written as an array
 * literal rather than left to the driver, so both engines receive the same text; the planner sees
 * the whole array, so it probes an index per value or, scanning, tests each row with one hash lookup.
 */
function anyOf<T>(values: readonly (string | number)[], type: 'uuid' | 'text' | 'bigint'): RawBuilder<T> {
  const literal = `{${values.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  return sql<T>`any(${literal}::${sql.raw(type)}[])`;
}

/** Rows sent as one JSON parameter, read as a table `x` with the given column definitions. */
function recordset(items: readonly object[], columns: string): RawBuilder<unknown> {
  return sql`json_to_recordset(${JSON.stringify(items)}::json) as x(${sql.raw(columns)})`;
}

async function loadRanks(trx: Executor): Promise<RankOf> {
  const rows = await trx.selectFrom('source').select(['name', 'kind', 'precedence']).execute();
  const sources = new Map<string, SourcePrecedence>(
    rows.map((r) => [r.name, { kind: r.kind, precedence: r.precedence }]),
  );
  const unknown: SourcePrecedence = { kind: '', precedence: {} };
  return (name, field) => sourceRank(sources.get(name) ?? unknown, field);
}

async function knownLocalAuthorities(trx: Executor, rows: readonly WaitingRow[]): Promise<Set<string>> {
  const codes = [...new Set(rows.map(rowLaCode).filter((c): c is string => c !== undefined))];
  if (codes.length === 0) return new Set();
  const found = await trx
    .selectFrom('local_authority')
    .select('code')
    .where('code', '=', anyOf<string>(codes, 'text'))
    .execute();
  return new Set(found.map((r) => r.code));
}

/** Locks the children rows will be linked to and checks resolution may write to them. */
async function lockLinkTargets(
  trx: Executor,
  links: ReadonlyMap<string, readonly WaitingRow[]>,
  allowShielded: boolean,
): Promise<void> {
  const ids = [...links.keys()].sort();
  if (ids.length === 0) return;
  const children = await trx
    .selectFrom('child')
    .select(['id', 'shielded', 'post_adoption', 'status', 'merged_into'])
    .where('id', '=', anyOf<string>(ids, 'uuid'))
    .orderBy('id')
    .forUpdate()
    .execute();
  const byId = new Map(children.map((c) => [c.id, c]));
  for (const [id, rows] of links) {
    const child = byId.get(id);
    if (child === undefined || child.status === 'purged' || child.merged_into !== null) {
      throw new ChildRecordError(
        'NOT_FOUND',
        'A feed row was resolved to a record that is not live',
        'resolution.link-target',
      );
    }
    if (child.shielded && !allowShielded) {
      // The decider sends every row with a shielded candidate to review: reaching here is a defect.
      throw new ChildRecordError(
        'INVALID_STATE',
        'Automatic resolution never applies a feed row to a shielded record',
        'resolution.shielded-child',
      );
    }
    if (!child.post_adoption && rows.some((r) => r.fields.postAdoption === true)) {
      throw new ChildRecordError(
        'INVALID_STATE',
        'A post-adoption row is never linked to a record that is not post-adoption',
        'resolution.post-adoption-link',
      );
    }
  }
}

async function loadChildStates(trx: Executor, childIds: readonly string[]): Promise<ChildState[]> {
  if (childIds.length === 0) return [];
  const ids = anyOf<string>(childIds, 'uuid');
  const names = await trx
    .selectFrom('child_name')
    .select([
      'id',
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
    ])
    .where('child_id', '=', ids)
    .where('valid_to', 'is', null)
    .orderBy('id')
    .execute();
  // Selected from the one table, with id, child_id and sealed_fields, so the encrypting database
  // opens a shielded child's sealed rows for comparison.
  const addresses = await trx
    .selectFrom('child_address')
    .select([
      'id',
      'child_id',
      'line1',
      'town',
      'postcode',
      'sealed_fields',
      'valid_to',
      'source_name',
      'batch_id',
      'received_at',
    ])
    .where('child_id', '=', ids)
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
  const identifiers = await trx
    .selectFrom('child_identifier')
    .select(['child_id', 'scheme', 'value', 'source_name'])
    .where('child_id', '=', ids)
    .where('valid_to', 'is', null)
    .execute();

  const states = new Map<
    string,
    {
      names: ChildState['names'][number][];
      addresses: StoredAddress[];
      identifiers: ChildState['identifiers'][number][];
    }
  >(childIds.map((id) => [id, { names: [], addresses: [], identifiers: [] }]));
  const provenance = (r: { source_name: string; batch_id: number | null; received_at: Date }) => ({
    sourceName: r.source_name,
    batchId: r.batch_id,
    receivedAt: r.received_at,
  });
  for (const n of names) {
    states.get(n.child_id)?.names.push({
      id: n.id,
      kind: n.kind,
      forename: n.forename,
      middleNames: n.middle_names,
      surname: n.surname,
      forenameKey: n.forename_key,
      surnameKey: n.surname_key,
      provenance: provenance(n),
    });
  }
  for (const a of addresses) {
    // The table type says line1 is always there; a sealed row holds it only in its ciphertext.
    const line1 = a.line1 as string | null;
    if (line1 === null) {
      throw new Error(
        'a sealed address was read without field encryption: apply through the encrypting database',
      );
    }
    states.get(a.child_id)?.addresses.push({
      id: a.id,
      line1,
      town: a.town,
      postcode: a.postcode,
      current: a.valid_to === null,
      provenance: provenance(a),
    });
  }
  for (const i of identifiers) {
    states.get(i.child_id)?.identifiers.push({ scheme: i.scheme, value: i.value, sourceName: i.source_name });
  }
  return [...states].map(([childId, state]) => ({ childId, ...state }));
}

/** Seeds the registry with the current holders of every identifier the rows give. */
async function loadHolders(trx: Executor, rows: readonly WaitingRow[]): Promise<IdentifierRegistry> {
  const registry = new IdentifierRegistry();
  const national = new Set<string>();
  for (const row of rows) {
    if (row.fields.nhsNumber) national.add(row.fields.nhsNumber);
    if (row.fields.upn) national.add(row.fields.upn);
  }
  if (national.size > 0) {
    const held = await trx
      .selectFrom('child_identifier')
      .select(['scheme', 'value', 'child_id'])
      .where('valid_to', 'is', null)
      .where('scheme', 'in', [sql.lit('nhs_number'), sql.lit('upn')])
      .where('value', '=', anyOf<string>([...national], 'text'))
      .execute();
    for (const h of held) {
      if (h.scheme === 'nhs_number' || h.scheme === 'upn') registry.claim(h.scheme, h.value, '', h.child_id);
    }
  }
  const records = [...new Set(rows.map((r) => r.sourceRecordId))];
  if (records.length > 0) {
    const held = await trx
      .selectFrom('child_identifier')
      .select(['source_name', 'value', 'child_id'])
      .where('valid_to', 'is', null)
      // A literal scheme, so the planner matches the partial unique index on (source_name, value).
      .where('scheme', '=', sql.lit('source_record'))
      .where('source_name', '=', anyOf<string>([...new Set(rows.map((r) => r.sourceName))], 'text'))
      .where('value', '=', anyOf<string>(records, 'text'))
      .execute();
    for (const h of held) registry.claim('source_record', h.value, h.source_name, h.child_id);
  }
  return registry;
}

/** Inserts the children, drawing new ContactPoint IDs for any that clash. */
async function insertChildren(
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

async function insertCreatedEvents(
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
  await trx
    .insertInto('child_event')
    .columns(['child_id', 'kind', 'detail', 'actor'])
    .expression(
      sql`select child_id, 'created', detail, ${operator}::text
        from ${recordset(payload, 'child_id uuid, detail jsonb')}`,
    )
    .execute();
}

function provenanceColumns(p: { sourceName: string; batchId: number | null; receivedAt: Date }) {
  return { source_name: p.sourceName, batch_id: p.batchId, received_at: p.receivedAt };
}

const PROVENANCE_COLUMNS = 'source_name text, batch_id bigint, received_at timestamptz';

async function writeHistory(trx: Executor, writes: Writes): Promise<void> {
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

interface ReviewPair {
  readonly feedRowId: number;
  readonly childId: string;
  readonly weight: number;
  readonly probability: number;
  readonly explanation: unknown;
  readonly reason: string;
  readonly shielded: boolean;
  readonly responsibleLa: string | null;
}

/** Review pairs; a pair already waiting (or decided) for the row is left as it is. */
async function insertReviews(trx: Executor, pairs: readonly ReviewPair[]): Promise<void> {
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

interface RowResolution {
  readonly id: number;
  readonly status: AppliedRow['status'];
  readonly childId: string | null;
  readonly resolution: Readonly<Record<string, unknown>> & { readonly rule: string };
}

async function resolveFeedRows(
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
  const { rows } = await sql<{ id: number }>`
    update feed_row as f
    set status = x.status, child_id = x.child_id, resolved_at = now(), resolution = x.resolution
    from ${recordset(payload, 'id bigint, status text, child_id uuid, resolution jsonb')}
    where f.id = x.id and f.status = ${anyOf<string>(fromStatuses, 'text')}
    returning f.id`.execute(trx);
  if (rows.length !== resolutions.length) {
    throw new ChildRecordError(
      'CONFLICT',
      `${resolutions.length - rows.length} of the feed rows were resolved meanwhile; resolve the chunk again`,
      'resolution.row-moved-on',
    );
  }
}

async function bumpVersions(trx: Executor, childIds: readonly string[]): Promise<void> {
  if (childIds.length === 0) return;
  await trx
    .updateTable('child')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
    .where('id', '=', anyOf<string>(childIds, 'uuid'))
    .execute();
}

function notesOf(notes: Notes, rowId: number): Record<string, unknown> {
  const schemes = notes.get(rowId);
  // Which identifiers were not recorded, never their values.
  return schemes === undefined ? {} : { identifiersNotAdded: schemes };
}

/**
 * Applies outcomes to their rows and returns what became of each row. The shared core of the bulk
 * and single-row operations; see applyOutcomes.
 */
export async function applyResolved(
  trx: Executor,
  rows: readonly WaitingRow[],
  outcomes: readonly RowOutcome[],
  context: ApplyContext,
  options: ApplyOptions,
): Promise<Map<number, AppliedRow>> {
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const seen = new Set<number>();
  const rowOf = (id: number): WaitingRow => {
    const row = rowById.get(id);
    if (row === undefined || seen.has(id)) {
      throw new Error(`outcome for feed row ${id} is not for exactly one row of the chunk`);
    }
    seen.add(id);
    return row;
  };
  const today = context.today ?? londonDate(new Date());

  const links = new Map<string, WaitingRow[]>();
  const groups = new Map<number, WaitingRow[]>();
  for (const outcome of outcomes) {
    const row = rowOf(outcome.rowId);
    if (outcome.kind === 'link') links.set(outcome.childId, [...(links.get(outcome.childId) ?? []), row]);
    else if (outcome.kind === 'new') groups.set(outcome.group, [...(groups.get(outcome.group) ?? []), row]);
  }
  const newRows = [...groups.values()].flat();

  const ranks = await loadRanks(trx);
  const knownLa = await knownLocalAuthorities(trx, newRows);
  await lockLinkTargets(trx, links, options.allowShielded);
  const states = await loadChildStates(trx, [...links.keys()]);
  const registry = await loadHolders(trx, [...[...links.values()].flat(), ...newRows]);

  const writes = emptyWrites();
  const notes: Notes = new Map();
  const changed: string[] = [];
  for (const state of states) {
    const childRows = links.get(state.childId) ?? [];
    const planContext = {
      ranks,
      registry,
      ...(context.receivedAt ? { receivedAt: context.receivedAt } : {}),
    };
    if (planLink(state, childRows, planContext, writes, notes)) changed.push(state.childId);
  }
  const children: ChildWrite[] = [];
  const createdChild = new Map<number, string>();
  const refused = new Map<number, string>();
  for (const groupRows of groups.values()) {
    const plan = planNewChild(
      crypto.randomUUID(),
      groupRows,
      {
        ranks,
        registry,
        isKnownLa: (code) => knownLa.has(code),
        today,
        ...(context.receivedAt ? { receivedAt: context.receivedAt } : {}),
        ...(options.shieldLike ? { shieldLike: options.shieldLike } : {}),
      },
      writes,
      notes,
    );
    if (plan.kind === 'create') {
      children.push(plan.child);
      for (const row of groupRows) createdChild.set(row.id, plan.child.id);
    } else {
      for (const row of groupRows) refused.set(row.id, plan.reason);
    }
  }

  await insertChildren(trx, children, context.newContactPointId ?? (() => generateContactPointId()));
  if (children.length > 0) await insertCreatedEvents(trx, children, context.operator);
  await writeHistory(trx, writes);

  const reviews: ReviewPair[] = [];
  const resolutions: RowResolution[] = [];
  for (const outcome of outcomes) {
    const rowId = outcome.rowId;
    switch (outcome.kind) {
      case 'link':
        resolutions.push({
          id: rowId,
          status: 'linked',
          childId: outcome.childId,
          resolution: {
            rule: outcome.rule,
            weight: outcome.weight,
            probability: outcome.probability,
            ...notesOf(notes, rowId),
          },
        });
        break;
      case 'new': {
        const childId = createdChild.get(rowId);
        const reason = refused.get(rowId);
        resolutions.push(
          childId === undefined
            ? {
                id: rowId,
                status: 'review',
                childId: null,
                resolution: {
                  rule: `review:${reason ?? 'not-created'}`,
                  weight: null,
                  probability: null,
                  candidates: 0,
                },
              }
            : {
                id: rowId,
                status: 'created',
                childId,
                resolution: { rule: outcome.rule, weight: null, probability: null, ...notesOf(notes, rowId) },
              },
        );
        break;
      }
      case 'review': {
        const top = outcome.pairs.reduce<ScoredCandidate | undefined>(
          (best, pair) => (best === undefined || pair.weight > best.weight ? pair : best),
          undefined,
        );
        for (const pair of outcome.pairs) {
          reviews.push({
            feedRowId: rowId,
            childId: pair.childId,
            weight: pair.weight,
            probability: pair.probability,
            explanation: pair.explanation,
            reason: outcome.reason,
            shielded: pair.shielded,
            responsibleLa: pair.responsibleLa,
          });
        }
        resolutions.push({
          id: rowId,
          status: 'review',
          childId: null,
          resolution: {
            rule: `review:${outcome.reason}`,
            weight: top?.weight ?? null,
            probability: top?.probability ?? null,
            candidates: outcome.pairs.length,
          },
        });
        break;
      }
    }
  }
  await insertReviews(trx, reviews);
  await resolveFeedRows(trx, resolutions, options.fromStatuses);
  await bumpVersions(trx, changed);
  return new Map(
    resolutions.map((r) => [r.id, { status: r.status, childId: r.childId, rule: r.resolution.rule }]),
  );
}

/**
 * Applies a chunk of resolved rows inside the caller's transaction: creates the new children (one
 * per group), adds linked rows' values to their children under survivorship, queues review pairs,
 * and marks every row linked, created or review. A post-adoption group without a known responsible
 * LA cannot be the shielded record it must be, so its rows go to review (with no pair, the rule
 * 'review:post-adoption-needs-la') instead. Throws, leaving the caller to roll back, if a row is
 * linked to a shielded or no longer live record or was resolved meanwhile.
 */
export async function applyOutcomes(
  trx: Executor,
  rows: readonly WaitingRow[],
  outcomes: readonly RowOutcome[],
  context: ApplyContext,
): Promise<ApplyCounts> {
  const applied = await applyResolved(trx, rows, outcomes, context, {
    allowShielded: false,
    fromStatuses: ['accepted'],
  });
  const counts = { linked: 0, created: 0, review: 0 };
  for (const row of applied.values()) counts[row.status] += 1;
  return counts;
}

/** One feed row, as resolution reads it, with its status; undefined when there is none. */
export async function findFeedRow(
  trx: Executor,
  rowId: number,
): Promise<{ row: WaitingRow; status: FeedRowStatus } | undefined> {
  const found = await trx
    .selectFrom('feed_row as f')
    .innerJoin('source_batch as b', 'b.id', 'f.batch_id')
    .select([
      'f.id',
      'f.batch_id',
      'f.row_number',
      'f.source_name',
      'f.source_record_id',
      'f.fields',
      'f.status',
      'b.received_at',
    ])
    .where('f.id', '=', rowId)
    .forUpdate('f')
    .executeTakeFirst();
  if (found === undefined) return undefined;
  return {
    status: found.status,
    row: {
      id: found.id,
      batchId: found.batch_id,
      rowNumber: found.row_number,
      sourceName: found.source_name,
      sourceRecordId: found.source_record_id,
      receivedAt: found.received_at,
      fields: found.fields,
    },
  };
}

/** The shield a new record takes on beside a shielded child; undefined when that child is not shielded. */
export async function findShieldLike(trx: Executor, childId: string): Promise<ShieldLike | undefined> {
  const child = await trx
    .selectFrom('child')
    .select(['shielded', 'shield_reason', 'shield_review_date', 'responsible_la'])
    .where('id', '=', childId)
    .executeTakeFirst();
  if (
    child?.shielded !== true ||
    child.shield_reason === null ||
    child.shield_review_date === null ||
    child.responsible_la === null
  ) {
    return undefined;
  }
  return {
    reason: child.shield_reason as ShieldLike['reason'],
    reviewDate: child.shield_review_date,
    responsibleLa: child.responsible_la,
  };
}

/** The pair's score as queued for review, when it was. */
export async function findReviewScore(
  trx: Executor,
  rowId: number,
  childId: string,
): Promise<{ weight: number; probability: number } | undefined> {
  return trx
    .selectFrom('match_review')
    .select(['weight', 'probability'])
    .where('kind', '=', 'row')
    .where('feed_row_id', '=', rowId)
    .where('child_id', '=', childId)
    .executeTakeFirst();
}
