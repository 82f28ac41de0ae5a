import type { FastifyBaseLogger } from 'fastify';
import { recordAccessAudit, type AccessAudit } from './access/access-audit.ts';
import { systemClock, type Clock } from './access/clock.ts';
import { seedDemoAccounts } from './access/demo.ts';
import { createPasswordHasher, createPasswordPolicy, type PasswordHasher } from './access/password.ts';
import { createSessionService } from './access/session.service.ts';
import { createSignInService } from './access/sign-in.service.ts';
import { createTokenService } from './access/token.service.ts';
import { createUserService } from './access/user.service.ts';
import { createAuditReportService } from './audit/audit.report.service.ts';
import { createAuditService } from './audit/audit.service.ts';
import { createChildAccessService } from './access/policy/child-access.service.ts';
import { createChildService } from './children/child.service.ts';
import { withFieldEncryption } from './children/encryption.database.ts';
import { createFieldCipher } from './children/encryption.ts';
import { createKeyService } from './children/encryption.service.ts';
import { createMergeService } from './children/merge.service.ts';
import { createChildSearchService } from './children/search.service.ts';
import { createShieldService } from './children/shield.service.ts';
import { createReviewService } from './resolution/review.service.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/open.ts';
import { createFeedService } from './ingest/feed.service.ts';
import { dedupeIndex, type DedupeRequest } from './resolution/dedupe.ts';
import { explainChildren, type ExplainRequest } from './resolution/explain.service.ts';

/** The composition root: the one place where the parts of ContactPoint are wired together. */
export function createServices(deps: {
  config: Config;
  database: DatabaseHandle;
  logger: FastifyBaseLogger;
  /** Tests pass a clock they control; everything time-dependent reads it. */
  clock?: Clock;
  /** Tests may watch the access services' audit entries; they are still recorded. */
  accessAudit?: AccessAudit;
  passwords?: PasswordHasher;
  /** Tests lower it to post a batch over the limit without sending hundreds of megabytes. */
  maxFeedBatchBytes?: number;
}) {
  const { config, database, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const db = database.db;
  const accessDeps = {
    db,
    config,
    clock,
    audit: deps.accessAudit ?? recordAccessAudit,
    passwords: deps.passwords ?? createPasswordHasher(),
  };
  const sessions = createSessionService(accessDeps);
  // Child records are read and written through field encryption: shielded children's whereabouts
  // are sealed at rest, and open only in memory.
  const cipher = createFieldCipher(config.fieldEncryption);
  const childDb = withFieldEncryption(db, cipher);
  return {
    config,
    database,
    logger,
    clock,
    children: createChildService(childDb),
    /** Every user's read and write of a child goes through these, which apply src/access/policy. */
    childAccess: createChildAccessService({ db: childDb, clock }),
    childSearch: createChildSearchService({ db: childDb, clock, cipher, config: config.search }),
    shields: createShieldService({ db: childDb, clock, cipher }),
    fieldKeys: createKeyService({ db: childDb, cipher }),
    /** The clerical review queue: uncertain pairs read and decided under src/resolution/review.policy.ts. */
    reviews: createReviewService({ db: childDb, clock, merges: createMergeService({ db: childDb, cipher }) }),
    /** Merging and unmerging records, with lineage (operators and the review layer). */
    merges: createMergeService({ db: childDb, cipher }),
    audit: createAuditService(database.db),
    /** Audit reports for auditors over HTTP: who accessed a child, what a user did. */
    auditReports: createAuditReportService({ db: database.db }),
    /** `contactpoint dedupe` and `contactpoint match explain`: an operator's audited reads of the index. */
    dedupe: (request: DedupeRequest) => {
      const merges = createMergeService({ db: childDb, cipher });
      return dedupeIndex({ db: childDb, merge: (merge) => merges.mergeChildren(merge) }, request);
    },
    matchExplain: (request: ExplainRequest) => explainChildren(childDb, request),
    /** Feed batches posted by system accounts, imported as the CLI imports them. */
    feeds: createFeedService({
      db,
      childDb,
      cipher,
      clock,
      ...(deps.maxFeedBatchBytes === undefined ? {} : { maxBatchBytes: deps.maxFeedBatchBytes }),
    }),
    access: {
      users: createUserService({ ...accessDeps, policy: createPasswordPolicy() }),
      signIn: createSignInService({ ...accessDeps, sessions }),
      sessions,
      tokens: createTokenService(accessDeps),
      /** Demo mode only (refused otherwise): one account per role with published credentials. */
      seedDemo: () => seedDemoAccounts(accessDeps),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
