import {
  AliasNode,
  DeleteQueryNode,
  InsertQueryNode,
  SelectQueryNode,
  TableNode,
  UpdateQueryNode,
} from 'kysely';
import type {
  Kysely,
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  Transaction,
  TransactionBuilder,
  UnknownRow,
} from 'kysely';
import type { Database } from '../db/schema.ts';
import type { FieldCipher } from './encryption.ts';
import {
  openSealedFields,
  SEALED_TABLES,
  sealPendingLocations,
  type SealedTable,
} from './encryption.repository.ts';

/**
 * The child record's view of the database with field encryption applied, so the child service and
 * its repositories work as if nothing were sealed:
 *
 * - reading: a row selected whole from a sealed table comes back with its location columns opened
 *   (so restating a shielded child's current address is recognised as no change, and a record loads
 *   whole for the access layer to redact);
 * - writing: a transaction that inserted into a sealed table seals, before it commits, the rows the
 *   database marked pending because their child is shielded. Nothing else is wrapped: a
 *   `startTransaction()` or a bulk load outside a transaction leaves pending rows for
 *   `contactpoint keys seal`.
 */
export function withFieldEncryption(db: Kysely<Database>, cipher: FieldCipher): Kysely<Database> {
  const reading = db.withPlugin(unsealingPlugin(cipher));
  return new Proxy(reading, {
    get(target, property) {
      if (property === 'transaction') return () => sealingTransaction(target.transaction(), cipher);
      const value: unknown = Reflect.get(target, property, target);
      // Kysely keeps its state in private fields, which only the real instance can reach.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function sealingTransaction(
  builder: TransactionBuilder<Database>,
  cipher: FieldCipher,
): TransactionBuilder<Database> {
  const wrapped = {
    setAccessMode: (mode: Parameters<TransactionBuilder<Database>['setAccessMode']>[0]) =>
      sealingTransaction(builder.setAccessMode(mode), cipher),
    setIsolationLevel: (level: Parameters<TransactionBuilder<Database>['setIsolationLevel']>[0]) =>
      sealingTransaction(builder.setIsolationLevel(level), cipher),
    execute: <T>(callback: (trx: Transaction<Database>) => Promise<T>): Promise<T> =>
      builder.execute(async (trx) => {
        const watcher = insertWatcher();
        const result = await callback(trx.withPlugin(watcher));
        if (watcher.inserted()) await sealPendingLocations(trx, cipher);
        return result;
      }),
  };
  // TransactionBuilder has private fields, so no other object satisfies its type; this one honours
  // every public method of it.
  return wrapped as unknown as TransactionBuilder<Database>;
}

const SEALED = new Set<string>(SEALED_TABLES);

/** The table a node names, when it is a plain (possibly aliased) table. */
function tableName(node: OperationNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (TableNode.is(node)) return node.table.identifier.name;
  if (AliasNode.is(node)) return tableName(node.node);
  return undefined;
}

/** The one sealed table a query reads or writes whole rows of, if any. */
function sealedTableOf(node: RootOperationNode): SealedTable | undefined {
  let name: string | undefined;
  if (SelectQueryNode.is(node)) {
    if (node.joins === undefined && node.from?.froms.length === 1) name = tableName(node.from.froms[0]);
  } else if (InsertQueryNode.is(node)) {
    name = tableName(node.into);
  } else if (UpdateQueryNode.is(node)) {
    if (node.joins === undefined) name = tableName(node.table);
  } else if (DeleteQueryNode.is(node)) {
    if (node.from.froms.length === 1) name = tableName(node.from.froms[0]);
  }
  return name !== undefined && SEALED.has(name) ? (name as SealedTable) : undefined;
}

function unsealingPlugin(cipher: FieldCipher): KyselyPlugin {
  const tables = new WeakMap<object, SealedTable>();
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      const table = sealedTableOf(args.node);
      if (table !== undefined) tables.set(args.queryId, table);
      return args.node;
    },
    transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const table = tables.get(args.queryId);
      if (table === undefined || args.result.rows.length === 0) return Promise.resolve(args.result);
      const rows = args.result.rows.map((row) => {
        const { id, child_id: childId, sealed_fields: sealed } = row;
        if (typeof sealed !== 'string' || id === undefined || childId === undefined) return row;
        return {
          ...row,
          ...openSealedFields(cipher, table, { id, child_id: childId, sealed_fields: sealed }),
        };
      });
      return Promise.resolve({ ...args.result, rows });
    },
  };
}

/** Notices whether a transaction inserted into a sealed table. */
function insertWatcher(): KyselyPlugin & { inserted(): boolean } {
  let inserted = false;
  return {
    inserted: () => inserted,
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (InsertQueryNode.is(args.node) && sealedTableOf(args.node) !== undefined) inserted = true;
      return args.node;
    },
    transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(args.result);
    },
  };
}
