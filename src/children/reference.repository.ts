import {
  localAuthorityToDomain,
  localAuthorityToRow,
  organisationToDomain,
  serviceToDomain,
  sourceBatchToDomain,
  sourceToDomain,
} from './child.mappers.ts';
import type {
  BatchStatus,
  LocalAuthority,
  Organisation,
  Service,
  ServiceType,
  Source,
  SourceBatch,
  SourceKind,
} from './child.model.ts';
import { isUuid } from './executor.ts';
import type { Executor } from './executor.ts';

/** The reference data a child record points at: LAs, declared sources and their batches, services. */

export async function insertLocalAuthority(db: Executor, la: LocalAuthority): Promise<LocalAuthority> {
  const row = await db
    .insertInto('local_authority')
    .values(localAuthorityToRow(la))
    .returningAll()
    .executeTakeFirstOrThrow();
  return localAuthorityToDomain(row);
}

export async function findLocalAuthority(db: Executor, code: string): Promise<LocalAuthority | undefined> {
  const row = await db.selectFrom('local_authority').selectAll().where('code', '=', code).executeTakeFirst();
  return row === undefined ? undefined : localAuthorityToDomain(row);
}

/** Every local authority's code: what a feed row's la_code is checked against. */
export async function localAuthorityCodes(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('local_authority').select('code').execute();
  return new Set(rows.map((row) => row.code));
}

export async function insertSource(
  db: Executor,
  source: { readonly name: string; readonly kind: SourceKind; readonly description?: string },
): Promise<Source> {
  const row = await db
    .insertInto('source')
    .values({ name: source.name, kind: source.kind, description: source.description ?? '' })
    .returningAll()
    .executeTakeFirstOrThrow();
  return sourceToDomain(row);
}

export async function findSource(db: Executor, name: string): Promise<Source | undefined> {
  const row = await db.selectFrom('source').selectAll().where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : sourceToDomain(row);
}

export async function insertSourceBatch(
  db: Executor,
  batch: { readonly source: string; readonly checksum: string; readonly rowCount?: number },
): Promise<SourceBatch> {
  const row = await db
    .insertInto('source_batch')
    .values({ source_name: batch.source, checksum: batch.checksum, row_count: batch.rowCount ?? 0 })
    .returningAll()
    .executeTakeFirstOrThrow();
  return sourceBatchToDomain(row);
}

export async function findSourceBatch(db: Executor, id: number): Promise<SourceBatch | undefined> {
  const row = await db.selectFrom('source_batch').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : sourceBatchToDomain(row);
}

/** The batch already received from `source` with this checksum: re-submitting it must change nothing. */
export async function findSourceBatchByChecksum(
  db: Executor,
  source: string,
  checksum: string,
): Promise<SourceBatch | undefined> {
  const row = await db
    .selectFrom('source_batch')
    .selectAll()
    .where('source_name', '=', source)
    .where('checksum', '=', checksum)
    .executeTakeFirst();
  return row === undefined ? undefined : sourceBatchToDomain(row);
}

export async function updateSourceBatch(
  db: Executor,
  id: number,
  update: {
    readonly status: BatchStatus;
    readonly rowCount?: number;
    readonly acceptedCount?: number;
    readonly quarantinedCount?: number;
  },
): Promise<SourceBatch | undefined> {
  const finished = update.status === 'completed' || update.status === 'failed';
  const row = await db
    .updateTable('source_batch')
    .set({
      status: update.status,
      ...(update.rowCount === undefined ? {} : { row_count: update.rowCount }),
      ...(update.acceptedCount === undefined ? {} : { accepted_count: update.acceptedCount }),
      ...(update.quarantinedCount === undefined ? {} : { quarantined_count: update.quarantinedCount }),
      completed_at: finished ? new Date() : null,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : sourceBatchToDomain(row);
}

export async function insertOrganisation(
  db: Executor,
  organisation: Omit<Organisation, 'id'>,
): Promise<Organisation> {
  const row = await db
    .insertInto('organisation')
    .values({
      name: organisation.name,
      local_authority: organisation.localAuthority,
      phone: organisation.phone,
      email: organisation.email,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return organisationToDomain(row);
}

export async function insertService(
  db: Executor,
  service: {
    readonly organisationId: string;
    readonly name: string;
    readonly type: ServiceType;
    readonly sensitive: boolean;
    readonly phone: string | null;
    readonly email: string | null;
  },
): Promise<Service> {
  const row = await db
    .insertInto('service')
    .values({
      organisation_id: service.organisationId,
      name: service.name,
      service_type: service.type,
      sensitive: service.sensitive,
      phone: service.phone,
      email: service.email,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return serviceToDomain(row);
}

export async function findService(db: Executor, id: string): Promise<Service | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : serviceToDomain(row);
}
