import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEntries,
  createChildAccessTestContext,
  person,
  type ChildAccessTestContext,
  type Person,
} from '../access/policy/policy.test-support.ts';
import { OPERATOR } from '../access/test-support.ts';
import type { ChildRecord } from './child.model.ts';
import { testNhsNumber } from './child.test-support.ts';
import { NOT_ENOUGH_MESSAGE } from './search.ts';
import { MORE_THAN_CAP } from './search.service.ts';

const RATE_LIMIT = 15;
const REASON = { reason: 'safeguarding-concern' } as const;

let ctx: ChildAccessTestContext;
let practitioner: Person;
let shielder: Person;
let unshielded: ChildRecord;
let shielded: ChildRecord;

beforeAll(async () => {
  ctx = await createChildAccessTestContext({ search: { rateLimitPerMinute: RATE_LIMIT } });
  practitioner = await person(ctx, ['practitioner']);
  shielder = await person(ctx, ['shielder']);
  unshielded = await ctx.newChild({
    name: { forename: 'Olivia', surname: 'Featherstonehaugh' },
    dateOfBirth: '2016-04-02',
    address: { line1: '4 Open Road', town: 'Camden', postcode: 'NW1 8NH' },
  });
  shielded = await ctx.newChild({
    name: { forename: 'Grace', surname: 'Hiddleston' },
    dateOfBirth: '2014-09-09',
    address: { line1: '7 Quiet Close', town: 'Camden', postcode: 'NW1 7AA' },
  });
  await ctx.services.shields.set(OPERATOR, shielded.contactPointId, {
    reason: 'risk_to_adult',
    reviewDate: '2027-06-01',
  });
});
afterAll(async () => {
  await ctx.close();
});

const search = (who: Person, criteria: Record<string, string>, reason: Record<string, string> = REASON) =>
  ctx.services.childSearch.search(who.principal, criteria, reason, `req-${Math.random()}`);

describe('what a search must carry', () => {
  it('refuses a search that could not identify one child, saying what is needed', async () => {
    const insufficient: Record<string, string>[] = [
      { surname: 'Featherstonehaugh' },
      { surname: 'Featherstonehaugh', forename: 'Olivia' },
      { forename: 'Olivia', dateOfBirth: '2016-04-02' },
      { surname: 'Featherstonehaugh', postcode: 'NW1 8NH' },
      {},
    ];
    for (const criteria of insufficient) {
      await expect(search(practitioner, criteria)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        rule: 'search.not-enough',
        message: NOT_ENOUGH_MESSAGE,
      });
    }
  });

  it('refuses wildcards anywhere', async () => {
    for (const surname of ['Feath%', 'Feath*', 'F_atherstonehaugh', 'Feath?']) {
      await expect(search(practitioner, { surname, dateOfBirth: '2016-04-02' })).rejects.toMatchObject({
        rule: 'search.no-wildcards',
        message: expect.stringContaining('Wildcards') as string,
      });
    }
  });

  it('validates identifiers by their check characters', async () => {
    await expect(search(practitioner, { nhsNumber: '9990000027' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(search(practitioner, { contactPointId: 'CP1234567890' })).rejects.toMatchObject({
      rule: 'cpid.check-digit',
    });
    await expect(search(practitioner, { upn: 'A12345678901X' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('needs a reason from the closed list, and a case reference for an investigation', async () => {
    const criteria = { surname: 'Featherstonehaugh', dateOfBirth: '2016-04-02' };
    await expect(search(practitioner, criteria, {})).rejects.toMatchObject({
      rule: 'purpose.reason-required',
    });
    await expect(search(practitioner, criteria, { reason: 'curiosity' })).rejects.toMatchObject({
      rule: 'purpose.reason-known',
    });
    await expect(search(practitioner, criteria, { reason: 'system' })).rejects.toMatchObject({
      rule: 'purpose.reason-known',
    });
    await expect(search(practitioner, criteria, { reason: 'investigation' })).rejects.toMatchObject({
      rule: 'purpose.investigation-needs-case',
    });
  });
});

describe('finding a child', () => {
  it('by surname and date of birth, forgiving a misspelt surname', async () => {
    for (const surname of ['Featherstonehaugh', 'FEATHERSTONEHAUGH', 'Featherstonhaugh']) {
      const outcome = await search(practitioner, { surname, dateOfBirth: '2016-04-02' });
      expect(outcome.matched).toBe(1);
      expect(outcome.results[0]).toMatchObject({
        contactPointId: unshielded.contactPointId,
        restricted: false,
        name: { forename: 'Olivia', surname: 'Featherstonehaugh' },
        addresses: [{ town: 'Camden', postcode: 'NW1 8NH' }],
      });
    }
    expect((await search(practitioner, { surname: 'Smith', dateOfBirth: '2016-04-02' })).matched).toBe(0);
  });

  it('by surname, forename and postcode, matched exactly', async () => {
    const found = await search(practitioner, {
      surname: 'featherstonehaugh',
      forename: 'OLIVIA',
      postcode: 'nw18nh',
    });
    expect(found.results.map((r) => r.contactPointId)).toEqual([unshielded.contactPointId]);
    expect(
      (await search(practitioner, { surname: 'Featherstonhaugh', forename: 'Olivia', postcode: 'NW1 8NH' }))
        .matched,
    ).toBe(0);
  });

  it('by identifier', async () => {
    const nhs = unshielded.identifiers.current.find((i) => i.scheme === 'nhs_number')?.value ?? '';
    expect((await search(practitioner, { nhsNumber: nhs })).results[0]?.contactPointId).toBe(
      unshielded.contactPointId,
    );
    expect((await search(practitioner, { contactPointId: unshielded.contactPointId })).matched).toBe(1);
    expect((await search(practitioner, { nhsNumber: testNhsNumber(99_999) })).matched).toBe(0);
  });

  it('returns a shielded child by surname and date of birth, showing only name, gender, date of birth and the LA team', async () => {
    const outcome = await search(practitioner, { surname: 'Hiddleston', dateOfBirth: '2014-09-09' });
    expect(outcome.results).toEqual([
      {
        contactPointId: shielded.contactPointId,
        restricted: true,
        name: { kind: 'current', forename: 'Grace', middleNames: null, surname: 'Hiddleston' },
        gender: 'female',
        dateOfBirth: '2014-09-09',
        localAuthority: expect.objectContaining({
          code: '202',
          managementTeam: expect.any(Object) as object,
        }) as unknown,
      },
    ]);
    const nhs = shielded.identifiers.current.find((i) => i.scheme === 'nhs_number')?.value ?? '';
    expect((await search(practitioner, { nhsNumber: nhs })).results[0]?.restricted).toBe(true);
  });

  it('never confirms by postcode where a shielded child lives, unless the caller may see it', async () => {
    const byPostcode = { surname: 'Hiddleston', forename: 'Grace', postcode: 'NW1 7AA' };
    expect(await search(practitioner, byPostcode)).toEqual({ results: [], matched: 0 });
    expect((await search(practitioner, { ...byPostcode, dateOfBirth: '2014-09-09' })).matched).toBe(0);
    // The LA's shielder finds the child through the keyed hash of the sealed postcode.
    const outcome = await search(shielder, byPostcode);
    expect(outcome.results[0]).toMatchObject({
      contactPointId: shielded.contactPointId,
      restricted: false,
      addresses: [{ town: 'Camden', postcode: 'NW1 7AA' }],
    });
  });

  it('caps results at 10 and beyond that asks for a narrower search, saying only "more than 10"', async () => {
    const many = async (surname: string, count: number) => {
      for (let i = 0; i < count; i++) {
        await ctx.newChild({ name: { forename: `Twin${i}`, surname }, dateOfBirth: '2019-01-01' });
      }
    };
    await many('Tenner', 10);
    const ten = await search(await person(ctx, ['practitioner']), {
      surname: 'Tenner',
      dateOfBirth: '2019-01-01',
    });
    expect(ten.matched).toBe(10);
    expect(ten.results).toHaveLength(10);

    await many('Eleven', 11);
    const eleven = await search(await person(ctx, ['practitioner']), {
      surname: 'Eleven',
      dateOfBirth: '2019-01-01',
    });
    expect(eleven).toEqual({
      results: [],
      matched: MORE_THAN_CAP,
      message: expect.stringContaining('refine your search') as string,
    });
  });
});

describe('audit and limits', () => {
  it('records every search with its criteria and reason, and refused ones too', async () => {
    const auditee = await person(ctx, ['practitioner']);
    await search(
      auditee,
      { surname: 'Featherstonehaugh', dateOfBirth: '2016-04-02' },
      {
        reason: 'contact-practitioner',
        reasonText: 'school nurse referral',
      },
    );
    await expect(search(auditee, { surname: 'Feath%' })).rejects.toThrow();
    const entries = await auditEntries(ctx, { action: 'child.search', actor: auditee.user.id });
    expect(entries).toEqual([
      expect.objectContaining({
        outcome: 'success',
        reason: 'contact-practitioner',
        reasonText: 'school nurse referral',
        details: {
          criteria: { surname: 'Featherstonehaugh', dateOfBirth: '2016-04-02' },
          matched: 1,
          results: [unshielded.contactPointId],
        },
      }),
      expect.objectContaining({
        outcome: 'failure',
        details: { criteria: { surname: 'Feath%' }, rule: 'search.no-wildcards' },
      }),
    ]);
  });

  it(`allows ${RATE_LIMIT} searches a minute per user, counted in the database`, async () => {
    const busy = await person(ctx, ['practitioner']);
    const criteria = { surname: 'Featherstonehaugh', dateOfBirth: '2016-04-02' };
    for (let i = 0; i < RATE_LIMIT; i++) await search(busy, criteria);
    await expect(search(busy, criteria)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Someone else is not held up.
    expect((await search(await person(ctx, ['practitioner']), criteria)).matched).toBe(1);
    ctx.clock.advanceMinutes(1.1);
    expect((await search(busy, criteria)).matched).toBe(1);
    const denied = await auditEntries(ctx, { action: 'child.search', actor: busy.user.id });
    expect(denied.filter((e) => e.outcome === 'denied')).toHaveLength(1);
  });

  it('is refused to feed accounts, and to auditors without an investigation', async () => {
    const criteria = { surname: 'Featherstonehaugh', dateOfBirth: '2016-04-02' };
    const auditor = await person(ctx, ['auditor']);
    await expect(search(auditor, criteria)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(
      (await search(auditor, criteria, { reason: 'investigation', caseReference: 'INV-2026-7' })).matched,
    ).toBe(1);
    const feed = { ...practitioner, principal: { ...practitioner.principal, roles: ['feed' as const] } };
    await expect(search(feed, criteria)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      rule: 'policy.feed-reads-nothing',
    });
  });
});
