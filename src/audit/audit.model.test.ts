import { describe, expect, it } from 'vitest';
import { AuditError } from './audit.errors.ts';
import { normaliseEntry, type AuditEntryInput } from './audit.model.ts';

const child = '5B1E0C8E-8D0A-4C39-9C8F-2F0F5F4B8A11';
const view: AuditEntryInput = {
  actor: { type: 'user', id: 'u-1', role: 'practitioner', organisation: '202' },
  action: 'child.view',
  outcome: 'success',
  childId: child,
  reason: 'safeguarding-concern',
};

function refusal(input: AuditEntryInput): string {
  try {
    normaliseEntry(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AuditError);
    expect((error as AuditError).code).toBe('INVALID_ENTRY');
    return (error as AuditError).message;
  }
  throw new Error('expected the entry to be refused');
}

describe('an audit entry', () => {
  it('is stored with absent values as null and the child id in lower case', () => {
    expect(normaliseEntry(view)).toEqual({
      action: 'child.view',
      outcome: 'success',
      actorType: 'user',
      actor: 'u-1',
      role: 'practitioner',
      organisation: '202',
      childId: child.toLowerCase(),
      target: null,
      reason: 'safeguarding-concern',
      reasonText: null,
      requestId: null,
      details: {},
    });
  });

  it('must use the closed vocabulary', () => {
    expect(refusal({ ...view, action: 'child.peek' as never })).toMatch(/unknown audit action "child.peek"/);
    expect(refusal({ ...view, outcome: 'ok' as never })).toMatch(/unknown audit outcome/);
    expect(refusal({ ...view, reason: 'curiosity' as never })).toMatch(/unknown reason/);
    expect(refusal({ ...view, actor: { type: 'robot' as never, id: 'x' } })).toMatch(/unknown actor type/);
  });

  it('needs the child and a reason when access succeeded', () => {
    expect(refusal({ ...view, childId: undefined })).toMatch(/child.view must name the child/);
    expect(refusal({ ...view, reason: undefined })).toMatch(/child.view needs a reason/);
  });

  it('records a refused attempt whatever it lacked', () => {
    expect(
      normaliseEntry({ ...view, outcome: 'denied', childId: undefined, reason: undefined }).outcome,
    ).toBe('denied');
  });

  it('refuses a note without a reason, a malformed child id, a blank actor, overlong text', () => {
    expect(refusal({ ...view, outcome: 'denied', reason: undefined, reasonText: 'because' })).toMatch(
      /needs a reason/,
    );
    expect(refusal({ ...view, childId: 'not-a-uuid' })).toMatch(/uuid/);
    expect(refusal({ ...view, actor: { type: 'user', id: '  ' } })).toMatch(/actor id is required/);
    expect(refusal({ ...view, reasonText: 'x'.repeat(1001) })).toMatch(/longer than 1000/);
  });

  it('holds text exactly as the database will: NUL refused, lone surrogates replaced', () => {
    expect(refusal({ ...view, requestId: 'a\u0000b' })).toMatch(/NUL/);
    expect(normaliseEntry({ ...view, reasonText: 'x\uD800y' }).reasonText).toBe('x\uFFFDy');
    expect(normaliseEntry({ ...view, details: { 'k\uDC00': ['\uD800'] } }).details).toEqual({
      'k\uFFFD': ['\uFFFD'],
    });
    expect(refusal({ ...view, details: { q: 'a\u0000' } })).toMatch(/NUL/);
  });

  it('keeps details as jsonb will give them back', () => {
    const details = { when: new Date('2026-01-02T03:04:05.000Z'), gone: undefined, n: 1.5 } as never;
    expect(normaliseEntry({ ...view, details }).details).toEqual({
      when: '2026-01-02T03:04:05.000Z',
      n: 1.5,
    });
    expect(refusal({ ...view, details: { big: 'x'.repeat(9000) } })).toMatch(/details are longer/);
  });
});
