import type { FastifyBaseLogger } from 'fastify';
import { recordAccessAudit, type AccessAudit } from './access/access-audit.ts';
import { systemClock, type Clock } from './access/clock.ts';
import { seedDemoAccounts } from './access/demo.ts';
import { createPasswordHasher, createPasswordPolicy, type PasswordHasher } from './access/password.ts';
import { createSessionService } from './access/session.service.ts';
import { createSignInService } from './access/sign-in.service.ts';
import { createTokenService } from './access/token.service.ts';
import { createUserService } from './access/user.service.ts';
import { createAuditService } from './audit/audit.service.ts';
import { createChildAccessService } from './access/policy/child-access.service.ts';
import { createChildService } from './children/child.service.ts';
import { withFieldEncryption } from './children/encryption.database.ts';
import { createFieldCipher } from './children/encryption.ts';
import { createKeyService } from './children/encryption.service.ts';
import { createChildSearchService } from './children/search.service.ts';
import { createShieldService } from './children/shield.service.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/open.ts';

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
    audit: createAuditService(database.db),
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
