import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Role } from './access.model.ts';
import { SYSTEM_ACTOR, userTarget, type AccessAudit } from './access-audit.ts';
import { londonDate, type Clock } from './clock.ts';
import type { PasswordHasher } from './password.ts';
import { seal, sha256Hex } from './secrets.ts';
import { replaceTotp } from './second-factor.repository.ts';
import { deleteSessionsOfUser } from './session.repository.ts';
import { usernameKey } from './sign-in-name.ts';
import { clearThrottle } from './throttle.repository.ts';
import { totpUri } from './totp.ts';
import { declaredSourceNames } from '../ingest/source-declaration.ts';
import { deleteTokenByHash, insertToken } from './token.repository.ts';
import {
  ensureLocalAuthority,
  findOrganisationByName,
  findUserByUsername,
  insertOrganisation,
  insertUser,
  setPassword,
  updateChecks,
  updateStatus,
} from './user.repository.ts';

/**
 * Demo mode: one account per role with a published password and TOTP secret, so a fresh clone can be
 * tried at once. These credentials are public, which is why loadConfig refuses demo mode in
 * production and seedDemoAccounts refuses it again here.
 */
export const DEMO_PASSWORD = 'demo harbour lantern violet';
/** Base32, 20 bytes: enter it in any authenticator app. */
export const DEMO_TOTP_SECRET = 'CONTACTPOINTDEMOTOTPSECRETKEY234';
export const DEMO_FEED_TOKEN = 'cpt_demo-feed-token-published-never-use-it-live';

const DEMO_LA = {
  code: '202',
  name: 'Camden',
  teamName: 'Camden ContactPoint management team (demo)',
  teamPhone: '020 7974 0000',
  teamEmail: 'contactpoint-demo@camden.example',
};

const ACCOUNTS: readonly { username: string; displayName: string; role: Role; national: boolean }[] = [
  { username: 'demo-practitioner', displayName: 'Demo Practitioner', role: 'practitioner', national: false },
  { username: 'demo-management', displayName: 'Demo LA Manager', role: 'la_management', national: false },
  { username: 'demo-shielder', displayName: 'Demo Shielder', role: 'shielder', national: false },
  { username: 'demo-data-manager', displayName: 'Demo Data Manager', role: 'data_manager', national: true },
  { username: 'demo-auditor', displayName: 'Demo Auditor', role: 'auditor', national: true },
  { username: 'demo-feed', displayName: 'Demo feed account', role: 'feed', national: false },
];

export interface DemoAccount {
  readonly username: string;
  readonly role: Role;
}

export class DemoRefusedError extends Error {
  override readonly name = 'DemoRefusedError';
}

/** Creates the demo accounts, or puts them back to their published credentials if they exist. */
export async function seedDemoAccounts(deps: {
  db: Kysely<Database>;
  config: Config;
  clock: Clock;
  audit: AccessAudit;
  passwords: PasswordHasher;
}): Promise<DemoAccount[]> {
  const { db, config, clock, audit } = deps;
  if (config.environment === 'production' || !config.demo) {
    throw new DemoRefusedError('demo accounts are only created in demo mode, never in production');
  }
  const now = clock();
  const checked = londonDate(new Date(now.getTime() - 30 * 86_400_000));
  const passwordHash = await deps.passwords.hash(DEMO_PASSWORD);
  const key = Buffer.from(config.access.totpSecretKey, 'hex');
  await ensureLocalAuthority(db, DEMO_LA);
  return db.transaction().execute(async (trx) => {
    const organisation = async (name: string, kind: 'local_authority' | 'government', la: string | null) =>
      (await findOrganisationByName(trx, name, la)) ??
      (await insertOrganisation(trx, { name, kind, localAuthority: la }));
    const council = await organisation('Camden Council (demo)', 'local_authority', DEMO_LA.code);
    const national = await organisation('ContactPoint national team (demo)', 'government', null);
    const created: string[] = [];
    for (const account of ACCOUNTS) {
      const system = account.role === 'feed';
      let user = await findUserByUsername(trx, account.username);
      if (user === undefined) {
        user = await insertUser(trx, {
          username: account.username,
          display_name: account.displayName,
          email: system ? null : `${account.username}@contactpoint.example`,
          roles: [account.role],
          organisation_id: account.national ? national.id : council.id,
          local_authority: account.national ? null : DEMO_LA.code,
          created_at: now,
          last_active_at: now,
        });
        created.push(user.id);
      }
      await updateStatus(trx, user.id, { status: 'active', reason: null, by: null, at: now, active: true });
      await deleteSessionsOfUser(trx, user.id);
      await clearThrottle(trx, usernameKey(user.username));
      if (system) {
        await deleteTokenByHash(trx, sha256Hex(DEMO_FEED_TOKEN));
        await insertToken(trx, {
          userId: user.id,
          name: 'demo',
          // Demo mode only: the published token may post every declared source.
          sources: declaredSourceNames(),
          tokenHash: sha256Hex(DEMO_FEED_TOKEN),
          createdBy: null,
          at: now,
        });
      } else {
        await updateChecks(trx, user.id, { enhancedCheckDate: checked, trainingCompletedDate: checked });
        await setPassword(trx, user.id, passwordHash, now);
        await replaceTotp(trx, user.id, seal(key, DEMO_TOTP_SECRET, user.id), now);
      }
    }
    await audit(
      trx,
      created.map((id) => ({
        actor: SYSTEM_ACTOR,
        action: 'user.register' as const,
        outcome: 'success' as const,
        target: userTarget(id),
        details: { demo: true },
      })),
    );
    return ACCOUNTS.map(({ username, role }) => ({ username, role }));
  });
}

/** What `serve --demo` prints at start (to the terminal, never to the log). */
export function demoBanner(accounts: readonly DemoAccount[], origin: string): string {
  const people = accounts.filter((a) => a.role !== 'feed');
  const feed = accounts.find((a) => a.role === 'feed');
  return [
    '',
    'DEMO MODE: these accounts have published credentials. Never use demo mode with real data.',
    `  open ${origin} (security keys need this origin)`,
    `  password for every person: ${DEMO_PASSWORD}`,
    `  authenticator app secret:  ${DEMO_TOTP_SECRET}`,
    `  (or scan/paste: ${totpUri(DEMO_TOTP_SECRET, 'demo')})`,
    ...people.map((a) => `  ${a.username.padEnd(20)} ${a.role}`),
    ...(feed === undefined
      ? []
      : [`  ${feed.username.padEnd(20)} feed: Authorization: Bearer ${DEMO_FEED_TOKEN}`]),
    '',
  ].join('\n');
}
