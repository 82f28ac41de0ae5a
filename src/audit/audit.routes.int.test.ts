import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEntries,
  createChildAccessTestContext,
  person,
  type ChildAccessTestContext,
  type Person,
} from '../access/policy/policy.test-support.ts';
import { signIn, type SignedInSession } from '../access/test-support.ts';
import type { ChildRecord } from '../children/child.model.ts';

let ctx: ChildAccessTestContext;
let practitioner: Person;
let auditor: Person;
let auditorSession: SignedInSession;
let practitionerSession: SignedInSession;
let child: ChildRecord;

interface Page {
  entries: Record<string, unknown>[];
  next: string | null;
}

beforeAll(async () => {
  ctx = await createChildAccessTestContext();
  practitioner = await person(ctx, ['practitioner']);
  auditor = await person(ctx, ['auditor']);
  child = await ctx.newChild();
  await ctx.services.childAccess.view(
    practitioner.principal,
    child.contactPointId,
    { reason: 'safeguarding-concern' },
    'req-practitioner-view',
  );
  auditorSession = await signIn(ctx, auditor);
  practitionerSession = await signIn(ctx, practitioner);
});
afterAll(async () => {
  await ctx.close();
});

function get(url: string, session: SignedInSession | null = auditorSession) {
  return ctx.app.inject({ method: 'GET', url, headers: session?.headers ?? {} });
}

describe('GET /api/audit/child/:contactPointId', () => {
  it('shows an auditor who accessed the child, with who, role, organisation, reason and request id', async () => {
    const response = await get(
      `/api/audit/child/${child.contactPointId}?reason=investigation&reasonText=${encodeURIComponent('Complaint 2026/4')}`,
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const page = response.json<Page>();
    expect(page.next).toBeNull();
    expect(page.entries).toContainEqual(
      expect.objectContaining({
        action: 'child.view',
        outcome: 'success',
        actorType: 'user',
        actor: practitioner.user.id,
        role: 'practitioner',
        organisation: '202',
        childId: child.id,
        reason: 'safeguarding-concern',
        requestId: 'req-practitioner-view',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      }),
    );
    // The chain's hashes stay in the database.
    expect(Object.keys(page.entries[0] ?? {})).not.toContain('hash');

    // Asking is itself recorded, about the child, with the auditor's reason and the request id.
    const reports = await auditEntries(ctx, { action: 'audit.report', childId: child.id });
    expect(reports.at(-1)).toMatchObject({
      outcome: 'success',
      actor: auditor.user.id,
      reason: 'investigation',
      reasonText: 'Complaint 2026/4',
      details: { report: 'who-accessed-child' },
    });
  });

  it('needs a reason from the closed list', async () => {
    for (const query of ['', '?reason=curiosity', '?reason=system']) {
      const response = await get(`/api/audit/child/${child.contactPointId}${query}`);
      expect(response.statusCode, query).toBe(400);
    }
  });

  it('is for auditors only: others are refused, and the attempt is recorded', async () => {
    const url = `/api/audit/child/${child.contactPointId}?reason=investigation`;
    expect((await get(url, null)).statusCode).toBe(401);
    const refused = await get(url, practitionerSession);
    expect(refused.statusCode).toBe(403);
    const denied = await auditEntries(ctx, { action: 'audit.report', actor: practitioner.user.id });
    expect(denied).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        target: `contactpoint:${child.contactPointId}`,
        details: { rule: 'audit.report-role' },
      }),
    ]);
  });

  it('answers 404 for a ContactPoint ID with no record, and records the failed request', async () => {
    for (const id of ['CP0000000000', 'not-an-id']) {
      expect((await get(`/api/audit/child/${id}?reason=investigation`)).statusCode, id).toBe(404);
    }
    const failed = await auditEntries(ctx, { action: 'audit.report', actor: auditor.user.id });
    expect(failed.filter((e) => e.outcome === 'failure').map((e) => e.target)).toEqual([
      'contactpoint:CP0000000000',
      'contactpoint:not-an-id',
    ]);
  });
});

describe('GET /api/audit/user/:userId', () => {
  it('shows what a user did, a page at a time', async () => {
    const all = await get(`/api/audit/user/${practitioner.user.id}?reason=investigation`);
    expect(all.statusCode, all.body).toBe(200);
    const actions = all.json<Page>().entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.sign-in', 'child.view', 'audit.report']));

    const first = (
      await get(`/api/audit/user/${practitioner.user.id}?reason=investigation&limit=1`)
    ).json<Page>();
    expect(first.entries).toHaveLength(1);
    expect(first.next).toEqual(expect.any(String));
    const second = await get(
      `/api/audit/user/${practitioner.user.id}?reason=investigation&limit=1&after=${first.next ?? ''}`,
    );
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json<Page>().entries[0]).not.toEqual(first.entries[0]);

    const reports = await auditEntries(ctx, { action: 'audit.report', actor: auditor.user.id });
    expect(reports.at(-1)).toMatchObject({
      outcome: 'success',
      target: `actor:${practitioner.user.id}`,
      reason: 'investigation',
      details: { report: 'what-did-actor-do' },
    });
  });

  it('refuses other roles, a missing reason and a malformed range', async () => {
    const url = `/api/audit/user/${practitioner.user.id}`;
    expect((await get(`${url}?reason=investigation`, practitionerSession)).statusCode).toBe(403);
    expect((await get(url)).statusCode).toBe(400);
    expect((await get(`${url}?reason=investigation&from=yesterday`)).statusCode).toBe(400);
    expect((await get(`${url}?reason=investigation&limit=0`)).statusCode).toBe(400);
  });
});
