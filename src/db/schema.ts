import type { Generated } from 'kysely';
import type { AccessTables, OrganisationKindColumn } from '../access/access.table.ts';
import type {
  CarerTable,
  ChildAddressTable,
  ChildRecordTables,
  EducationalSettingTable,
  GpPracticeTable,
  InvolvementTable,
  OrganisationTable,
} from '../children/child.table.ts';
import type { AuditTables } from '../audit/audit.table.ts';
import type {
  SealedAddressColumns,
  SealedCarerColumns,
  SealedPracticeColumns,
  SealedSettingColumns,
} from '../children/encryption.table.ts';
import type { ChildSearchRateTable } from '../children/search.table.ts';
import type { ChildInaccuracyReportTable, InvolvementOwnerColumn } from '../access/policy/policy.table.ts';
import type { IngestTables } from '../ingest/ingest.table.ts';
import type { ResolutionTables } from '../resolution/resolution.table.ts';
import type { MergeTables } from '../children/merge.table.ts';

/** Every table the application reads or writes, as Kysely sees it. Feature folders own their tables. */
export interface Database
  extends ChildRecordTables, AccessTables, AuditTables, IngestTables, ResolutionTables, MergeTables {
  schema_migrations: SchemaMigrationsTable;
  /** The child record's organisations, with the `kind` column the access migration adds. */
  organisation: OrganisationTable & OrganisationKindColumn;
  /** The location tables with the sealing columns of migration 20261125200000_child_access.sql. */
  child_address: ChildAddressTable & SealedAddressColumns;
  carer: CarerTable & SealedCarerColumns;
  educational_setting: EducationalSettingTable & SealedSettingColumns;
  gp_practice: GpPracticeTable & SealedPracticeColumns;
  involvement: InvolvementTable & InvolvementOwnerColumn;
  child_search_rate: ChildSearchRateTable;
  child_inaccuracy_report: ChildInaccuracyReportTable;
}

export interface SchemaMigrationsTable {
  id: string;
  checksum: string;
  applied_at: Generated<Date>;
}
