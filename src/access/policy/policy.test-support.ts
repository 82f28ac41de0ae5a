import { sql } from 'kysely';
import type { AuditEntry } from '../../audit/audit.model.ts';
import type { ChildRecord } from '../../children/child.model.ts';
import type { NewChildRecord } from '../../children/child.service.ts';
import { fullChild, seedReferenceData, type ReferenceData } from '../../children/child.test-support.ts';
import type { Config } from '../../config.ts';
import type { Principal, Role } from '../access.model.ts';
import { principalOf } from '../session.service.ts';
import {
  createAccessTestContext,
  createPerson,
  type AccessTestContext,
  type TestPerson,
} from '../test-support.ts';

/** Shared by the child access, search and shield tests: the real services, people in every role, children. */

export interface ChildAccessTestContext extends AccessTestContext {
  /** Reference data whose LA is the people's LA (202); `otherLa` is 204. */
  readonly ref: ReferenceData;
  newChild(overrides?: Partial<NewChildRecord>): Promise<ChildRecord>;
}

let serial = 0;

export async function createChildAccessTestContext(
  settings: Partial<Omit<Config, 'access'>> = {},
): Promise<ChildAccessTestContext> {
  const ctx = await createAccessTestContext({}, settings);
  const seeded = await seedReferenceData(ctx.database.db);
  const la = await ctx.services.database.db
    .selectFrom('local_authority')
    .selectAll()
    .where('code', 'in', [ctx.la.code, ctx.otherLa.code])
    .orderBy('code')
    .execute();
  const [home, other] = la.map((row) => ({
    code: row.code,
    name: row.name,
    managementTeam: {
      name: row.management_team_name,
      phone: row.management_team_phone,
      email: row.management_team_email,
    },
  }));
  if (home === undefined || other === undefined) throw new Error('the access test context has no LAs');
  const ref: ReferenceData = { ...seeded, la: home, otherLa: other };
  return {
    ...ctx,
    ref,
    async newChild(overrides = {}) {
      serial += 1;
      // Each test file has a database of its own, so a serial keeps identifiers unique.
      const n = serial;
      return ctx.services.children.createChildRecord(
        { ...fullChild(ref, n), ...overrides },
        { actor: 'test' },
      );
    },
  };
}

export interface Person extends TestPerson {
  readonly principal: Principal;
}

export async function person(
  ctx: AccessTestContext,
  roles: Role[],
  options: { la?: 'la' | 'otherLa' } = {},
): Promise<Person> {
  const created = await createPerson(ctx, { roles, ...options });
  return { ...created, principal: principalOf(created.user, 'session') };
}

/** Audit entries about a child or by a user, newest last, read as the auditor would. */
export async function auditEntries(
  ctx: AccessTestContext,
  filter: { readonly action?: string; readonly actor?: string; readonly childId?: string },
): Promise<
  Pick<
    AuditEntry,
    'action' | 'outcome' | 'actor' | 'childId' | 'reason' | 'reasonText' | 'details' | 'target'
  >[]
> {
  let query = ctx.database.db
    .selectFrom('audit_entry')
    .select(['action', 'outcome', 'actor', 'child_id', 'reason', 'reason_text', 'details', 'target'])
    .orderBy('at')
    .orderBy('chain_id')
    .orderBy('seq');
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.childId !== undefined) query = query.where('child_id', '=', filter.childId);
  const rows = await query.execute();
  return rows.map((row) => ({
    action: row.action,
    outcome: row.outcome,
    actor: row.actor,
    childId: row.child_id,
    reason: row.reason,
    reasonText: row.reason_text,
    details: row.details,
    target: row.target,
  }));
}

/** Moves a record's archive date back, as if it had been archived then. */
export async function archivedOn(ctx: AccessTestContext, childId: string, date: string): Promise<void> {
  await sql`update child set archived_at = ${date} where id = ${childId}`.execute(ctx.database.db);
}
