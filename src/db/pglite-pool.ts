import type { PGlite } from '@electric-sql/pglite';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

type Command = PostgresQueryResult<unknown>['command'];

const AFFECTING = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** PGlite does not report the command tag; Kysely needs it to count affected rows. */
function commandOf(sql: string): Command {
  const word = /^\s*(?:with\b[\s\S]*?\)\s*)?([a-z]+)/i.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT';
  return (AFFECTING.has(word) || word === 'COMMIT' || word === 'ROLLBACK' ? word : 'SELECT') as Command;
}

/**
 * PGlite is a single connection. Kysely's PostgresDialect expects a pool, so this hands the one
 * connection to one borrower at a time; a transaction holds it until it is released, and every
 * other caller queues rather than interleaving statements into someone else's transaction.
 */
export function pglitePool(pg: PGlite): PostgresPool {
  let tail: Promise<void> = Promise.resolve();

  const client = (release: () => void): PostgresPoolClient => ({
    query: ((sqlOrCursor: string | PostgresCursor<unknown>, parameters?: readonly unknown[]) => {
      if (typeof sqlOrCursor !== 'string') {
        throw new Error('Cursors are not supported on the embedded database');
      }
      // Without parameters the simple protocol runs, which also accepts several statements (migrations).
      const pending =
        parameters === undefined || parameters.length === 0
          ? pg.exec(sqlOrCursor).then((results) => results.at(-1) ?? { rows: [], affectedRows: 0 })
          : pg.query(sqlOrCursor, parameters as unknown[]);
      return pending.then((result) => ({
        command: commandOf(sqlOrCursor),
        rowCount: result.affectedRows ?? result.rows.length,
        rows: result.rows,
      }));
    }) as PostgresPoolClient['query'],
    release,
  });

  return {
    connect() {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = tail;
      tail = previous.then(() => turn);
      return previous.then(() => client(release));
    },
    async end() {
      await tail;
    },
  };
}
