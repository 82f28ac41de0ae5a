import { sql } from 'kysely';
import { ChildRecordError } from '../children/child.errors.ts';
import { GENDERS } from '../children/child.model.ts';
import type { Executor } from '../children/executor.ts';
import { sourceRank, type SourcePrecedence } from '../children/survivorship.ts';
import {
  IdentifierRegistry,
  type ChildState,
  type RankOf,
  type StoredAddress,
  type StoredSchool,
} from './apply-plan.ts';
import { anyOf, arrayOf } from './apply-sql.ts';
import { rowLaCode, rowSchool } from './apply-values.ts';
import type { WaitingRow } from './outcome.ts';

/**
 * What applying reads before it plans: the sources' ranks, the children rows are linked to (locked
 * first), and who holds each identifier the rows give.
 */

export async function loadRanks(trx: Executor): Promise<RankOf> {
  const rows = await trx.selectFrom('source').select(['name', 'kind', 'precedence']).execute();
  const sources = new Map<string, SourcePrecedence>(
    rows.map((r) => [r.name, { kind: r.kind, precedence: r.precedence }]),
  );
  const unknown: SourcePrecedence = { kind: '', precedence: {} };
  return (name, field) => sourceRank(sources.get(name) ?? unknown, field);
}

export async function knownLocalAuthorities(
  trx: Executor,
  rows: readonly WaitingRow[],
): Promise<Set<string>> {
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
export async function lockLinkTargets(
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

/**
 * Every row of `table` belonging to the children, read child by child through the table's child_id
 * index: the offset keeps the condition on child_id alone, so no index partial on valid_to can stand
 * in for it (with no statistics, the planner reckons those empty, however large).
 */
function ofChildren(table: 'child_name' | 'child_identifier', childIds: readonly string[]) {
  return sql`(
    select t.* from unnest(${arrayOf<string>(childIds, 'uuid')}) as k(child_id)
    cross join lateral (select * from ${sql.table(table)} as r where r.child_id = k.child_id offset 0) as t
  )`;
}

const SEALED_WITHOUT_ENCRYPTION =
  'a sealed row was read without field encryption: apply through the encrypting database';

/**
 * The state of each child rows are linked to. The current school is read only for children whose
 * rows name one (only the school census does): planning consults it for nothing else.
 */
export async function loadChildStates(
  trx: Executor,
  links: ReadonlyMap<string, readonly WaitingRow[]>,
): Promise<ChildState[]> {
  const childIds = [...links.keys()];
  if (childIds.length === 0) return [];
  const schooled = childIds.filter((id) => links.get(id)?.some((row) => rowSchool(row) !== undefined));
  const ids = anyOf<string>(childIds, 'uuid');
  const { rows: names } = await sql<{
    id: number;
    child_id: string;
    kind: string;
    forename: string;
    middle_names: string | null;
    surname: string;
    forename_key: string;
    surname_key: string;
    source_name: string;
    batch_id: number | null;
    received_at: Date;
  }>`
    select n.id, n.child_id, n.kind, n.forename, n.middle_names, n.surname, n.forename_key, n.surname_key,
      n.source_name, n.batch_id, n.received_at
    from ${ofChildren('child_name', childIds)} as n
    where n.valid_to is null
    order by n.id`.execute(trx);
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
  const schools =
    schooled.length === 0
      ? []
      : await trx
          .selectFrom('educational_setting')
          .select([
            'id',
            'child_id',
            'urn',
            'name',
            'sealed_fields',
            'source_name',
            'batch_id',
            'received_at',
          ])
          .where('child_id', '=', anyOf<string>(schooled, 'uuid'))
          .where('valid_to', 'is', null)
          .execute();
  const { rows: identifiers } = await sql<{
    child_id: string;
    scheme: string;
    value: string;
    source_name: string;
  }>`
    select i.child_id, i.scheme, i.value, i.source_name
    from ${ofChildren('child_identifier', childIds)} as i
    where i.valid_to is null
    order by i.id`.execute(trx);

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
    if (line1 === null) throw new Error(SEALED_WITHOUT_ENCRYPTION);
    states.get(a.child_id)?.addresses.push({
      id: a.id,
      line1,
      town: a.town,
      postcode: a.postcode,
      current: a.valid_to === null,
      provenance: provenance(a),
    });
  }
  const schoolOf = new Map<string, StoredSchool>();
  for (const e of schools) {
    const urn = e.urn as string | null;
    if (urn === null) throw new Error(SEALED_WITHOUT_ENCRYPTION);
    schoolOf.set(e.child_id, { id: e.id, urn, name: e.name, provenance: provenance(e) });
  }
  for (const i of identifiers) {
    states.get(i.child_id)?.identifiers.push({ scheme: i.scheme, value: i.value, sourceName: i.source_name });
  }
  const own = await trx
    .selectFrom('child')
    .select(['id', 'gender', 'responsible_la'])
    .where('id', '=', ids)
    .execute();
  const fields = new Map(own.map((c) => [c.id, c]));
  return [...states].map(([childId, state]) => ({
    childId,
    gender: GENDERS.find((g) => g === fields.get(childId)?.gender) ?? 'unknown',
    responsibleLa: fields.get(childId)?.responsible_la ?? null,
    school: schoolOf.get(childId) ?? null,
    ...state,
  }));
}

/**
 * Seeds the registry with the current holders of every identifier the rows give, in one statement.
 *
 * Each value is one probe of its unique index with the key's columns all given, in a lateral
 * subquery the planner may not flatten. Asked as "value = any(list)", a planner without statistics
 * answered from the index's partial predicate alone and read every NHS number, or every record of
 * the source, once per chunk: most of a second a chunk at 1,000,000 children.
 */
export async function loadHolders(trx: Executor, rows: readonly WaitingRow[]): Promise<IdentifierRegistry> {
  const registry = new IdentifierRegistry();
  // scheme: the identifier's scheme; first: the scheme again for a national number, the source
  // for a source record id (the first column of each unique index).
  const keys = new Map<string, { scheme: string; first: string; value: string }>();
  const add = (scheme: string, first: string, value: string): void => {
    keys.set(`${scheme}|${first}|${value}`, { scheme, first, value });
  };
  for (const row of rows) {
    const { nhsNumber, upn } = row.fields;
    if (nhsNumber) add('nhs_number', 'nhs_number', nhsNumber);
    if (upn) add('upn', 'upn', upn);
    add('source_record', row.sourceName, row.sourceRecordId);
  }
  if (keys.size === 0) return registry;
  const list = [...keys.values()];
  const column = (pick: (key: (typeof list)[number]) => string) => arrayOf<string>(list.map(pick), 'text');
  const { rows: held } = await sql<{ scheme: string; source_name: string; value: string; child_id: string }>`
    select ci.scheme, ci.source_name, ci.value, ci.child_id
    from unnest(${column((k) => k.scheme)}, ${column((k) => k.first)}, ${column((k) => k.value)})
      as k(scheme, first, value)
    cross join lateral (
      select ci.scheme, ci.source_name, ci.value, ci.child_id
      from child_identifier ci
      where k.scheme <> 'source_record'
        and ci.scheme in ('nhs_number', 'upn') and ci.valid_to is null
        and ci.scheme = k.first and ci.value = k.value
      union all
      select ci.scheme, ci.source_name, ci.value, ci.child_id
      from child_identifier ci
      where k.scheme = 'source_record'
        and ci.scheme = 'source_record' and ci.valid_to is null
        and ci.source_name = k.first and ci.value = k.value
      offset 0
    ) ci`.execute(trx);
  for (const h of held) {
    if (h.scheme === 'nhs_number' || h.scheme === 'upn') registry.claim(h.scheme, h.value, '', h.child_id);
    else if (h.scheme === 'source_record')
      registry.claim('source_record', h.value, h.source_name, h.child_id);
  }
  return registry;
}
