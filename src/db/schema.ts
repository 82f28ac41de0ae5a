import type { Generated } from 'kysely';
import type { ChildRecordTables } from '../children/child.table.ts';

/** Every table the application reads or writes, as Kysely sees it. Feature folders own their tables. */
export interface Database extends ChildRecordTables {
  schema_migrations: SchemaMigrationsTable;
}

export interface SchemaMigrationsTable {
  id: string;
  checksum: string;
  applied_at: Generated<Date>;
}
