import type { Generated } from 'kysely';

/** Every table the application reads or writes, as Kysely sees it. Feature folders own their tables. */
export interface Database {
  schema_migrations: SchemaMigrationsTable;
}

export interface SchemaMigrationsTable {
  id: string;
  checksum: string;
  applied_at: Generated<Date>;
}
