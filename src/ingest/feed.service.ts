import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Principal } from '../access/access.model.ts';
import type { Clock } from '../access/clock.ts';
import type { AuditActor, JsonObject } from '../audit/audit.model.ts';
import { recordAudit } from '../audit/audit.record.ts';
import type { AuditOutcome } from '../audit/audit.vocabulary.ts';
import { householdKey } from '../children/encryption.ts';
import type { Database } from '../db/schema.ts';
import { resolveBatch, type ResolveDeps } from '../resolution/resolve.ts';
import { FeedError } from './feed.errors.ts';
import { batchTarget, findSubmittedBatch, type BatchCounts } from './feed.repository.ts';
import { importFeed } from './import.ts';
import { IngestError } from './ingest.errors.ts';
import { declaredSourceNames, loadSourceDeclaration, type SourceDeclaration } from './source-declaration.ts';
import { spoolToFile } from './spool.ts';

/** A national extract of a few million rows is well under this. */
export const DEFAULT_MAX_BATCH_BYTES = 200 * 1024 * 1024;

export interface FeedServiceDeps extends ResolveDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly maxBatchBytes?: number;
}

/**
 * Who is posting or reading: the feed account, and the bearer token it came with. The token, not
 * the account, bounds what may be posted; without one (a session) nothing may be.
 */
export interface FeedCaller {
  readonly account: Principal;
  readonly token: { readonly tokenId: string; readonly sources: readonly string[] } | null;
}

export interface Submission {
  /** False when the same file had been stored already: nothing changed. */
  readonly created: boolean;
  readonly checksum: string;
  readonly batch: BatchCounts;
}

export interface SubmitInput {
  readonly source: string;
  readonly body: Readable;
  /** The Content-Length the caller sent, if any: a batch declared too large is refused unread. */
  readonly declaredBytes?: number;
  readonly requestId?: string;
}

function systemActor(account: Principal): AuditActor {
  return {
    type: 'system',
    id: account.userId,
    role: account.roles.join(','),
    organisation: account.la ?? account.organisationId,
  };
}

export function createFeedService(deps: FeedServiceDeps) {
  const { db, clock } = deps;
  const resolution: ResolveDeps = { db, childDb: deps.childDb, cipher: deps.cipher };
  const maxBatchBytes = deps.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;

  async function audit(
    caller: FeedCaller,
    outcome: AuditOutcome,
    entry: { target?: string; requestId?: string; details: JsonObject },
  ): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await recordAudit(trx, {
        actor: systemActor(caller.account),
        action: 'feed.import',
        outcome,
        ...(entry.target === undefined ? {} : { target: entry.target }),
        ...(entry.requestId === undefined ? {} : { requestId: entry.requestId }),
        // Which token acted: a leaked one is found by what it tried, as well as revoked.
        details: caller.token === null ? entry.details : { ...entry.details, tokenId: caller.token.tokenId },
      });
    });
  }

  /** Sources the caller may post, and see the batches of. */
  function sourcesOf(caller: FeedCaller): readonly string[] {
    return caller.token?.sources ?? [];
  }

  function assertMayPost(caller: FeedCaller, source: string): void {
    const sources = sourcesOf(caller);
    if (sources.includes(source)) return;
    throw new FeedError(
      'FORBIDDEN',
      sources.length === 0
        ? `This token may post no source (it was issued before tokens named theirs): ask for one issued for "${source}"`
        : `This token was not issued for source "${source}" (it may post: ${sources.join(', ')})`,
    );
  }

  function declaration(name: string): SourceDeclaration {
    const known = declaredSourceNames();
    if (!known.includes(name)) {
      throw new FeedError(
        'NOT_FOUND',
        `No feed source is declared as "${name}" (declared: ${known.join(', ')})`,
      );
    }
    return loadSourceDeclaration(name);
  }

  async function importSpooled(
    caller: FeedCaller,
    source: SourceDeclaration,
    input: SubmitInput,
    file: string,
  ): Promise<Submission> {
    const { account } = caller;
    const bytes = await spoolToFile(input.body, file, maxBatchBytes);
    let result;
    try {
      // The importer records the import in the trail in its last transaction, naming the account.
      result = await importFeed(db, {
        source,
        file,
        operator: account.userId,
        actor: systemActor(account),
        today: clock(),
        householdKey: householdKey(deps.cipher),
      });
    } catch (error) {
      // The temporary path means nothing to the caller.
      if (error instanceof IngestError)
        throw new FeedError('INVALID_INPUT', error.message.replaceAll(file, 'the batch'));
      throw error;
    }
    const target = batchTarget(result.batchId);
    if (result.status === 'already-imported') {
      await audit(caller, 'success', {
        target,
        ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
        details: { source: source.name, checksum: result.checksum, bytes, status: 'already-imported' },
      });
    }
    // A repeat carries on a resolution that was cut short; with nothing waiting it changes nothing.
    await resolveBatch(resolution, result.batchId, { actor: systemActor(account) });
    const batch = await findSubmittedBatch(db, result.batchId, {
      accountId: account.userId,
      sources: sourcesOf(caller),
    });
    if (batch === undefined) throw new Error(`batch ${result.batchId} has no submission by its account`);
    return { created: result.status === 'imported', checksum: result.checksum, batch };
  }

  return {
    maxBatchBytes,

    /**
     * Stores a posted batch as the CLI import would: spooled to a private temporary file (removed
     * afterwards, whatever happens), validated row by row into feed rows and quarantine, then its
     * accepted rows resolved to children. The same file again changes nothing and answers with the
     * batch that holds it. A source the token was not issued for is refused before a byte of the
     * body is read. Every outcome is audited.
     */
    async submit(caller: FeedCaller, input: SubmitInput): Promise<Submission> {
      const attempt = { source: input.source };
      const requestId = input.requestId === undefined ? {} : { requestId: input.requestId };
      try {
        const source = declaration(input.source);
        assertMayPost(caller, source.name);
        if (input.declaredBytes !== undefined && input.declaredBytes > maxBatchBytes) {
          throw new FeedError('TOO_LARGE', `The batch is larger than the limit of ${maxBatchBytes} bytes`);
        }
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'contactpoint-feed-'));
        try {
          return await importSpooled(caller, source, input, path.join(dir, 'batch.csv'));
        } finally {
          await fs.rm(dir, { recursive: true, force: true });
        }
      } catch (error) {
        const refused = error instanceof FeedError;
        const details = refused
          ? { ...attempt, problem: error.code, message: error.message.slice(0, 1000) }
          : attempt;
        const outcome = !refused ? 'error' : error.code === 'FORBIDDEN' ? 'denied' : 'failure';
        // The caller is owed the original failure; a trail that cannot be written fails loudly elsewhere.
        await audit(caller, outcome, { ...requestId, details }).catch(() => undefined);
        throw error;
      }
    },

    /**
     * A batch the account submitted of a source its token may post, with its counts; any other
     * batch is not found, so a token learns nothing of the account's other feeds.
     */
    async batch(caller: FeedCaller, batchId: number): Promise<BatchCounts> {
      const batch = await findSubmittedBatch(db, batchId, {
        accountId: caller.account.userId,
        sources: sourcesOf(caller),
      });
      if (batch === undefined) throw new FeedError('NOT_FOUND', 'No such batch');
      return batch;
    },
  };
}

export type FeedService = ReturnType<typeof createFeedService>;
