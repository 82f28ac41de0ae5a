import type { Generated } from 'kysely';
import type { AccessTables, OrganisationKindColumn } from '../access/access.table.ts';
import type { AuditTables } from '../audit/audit.table.ts';
import type { ChildRecordTables, OrganisationTable } from '../children/child.table.ts';

/** Every table the application reads or writes, as Kysely sees it. Feature folders own their tables. */
export interface Database extends ChildRecordTables, AccessTables, AuditTables {
  schema_migrations: SchemaMigrationsTable;
  /** The child record's organisations, with the `kind` column the access migration adds. */
  organisation: OrganisationTable & OrganisationKindColumn;
}

export interface SchemaMigrationsTable {
  id: string;
  checksum: string;
  applied_at: Generated<Date>;
}
