import { describe, expect, it } from 'vitest';
import type { User } from './access.model.ts';
import { ineligibility, ineligibilityMessage } from './eligibility.ts';

const rules = { enhancedCheckValidityDays: 1095, accountIdleExpiryDays: 90 };
const now = new Date('2026-11-25T12:00:00Z');

const person: User = {
  id: '00000000-0000-4000-8000-000000000001',
  username: 'a.person@camden.example',
  displayName: 'A Person',
  email: 'a.person@camden.example',
  phone: null,
  roles: ['practitioner'],
  organisationId: '00000000-0000-4000-8000-000000000002',
  localAuthority: '202',
  status: 'active',
  statusReason: null,
  enhancedCheckDate: '2025-01-01',
  trainingCompletedDate: '2025-02-01',
  createdAt: new Date('2025-01-01T00:00:00Z'),
  lastActiveAt: new Date('2026-11-01T00:00:00Z'),
  lastSignInAt: null,
  hasPassword: true,
};

describe('who may use an account', () => {
  it('allows an active person with a current check and training', () => {
    expect(ineligibility(person, now, rules)).toBeNull();
  });

  it('counts the check validity in whole days, by the calendar in England', () => {
    // 1095 days before 2026-11-25 is 2023-11-26 (the span includes 29 February 2024).
    expect(ineligibility({ ...person, enhancedCheckDate: '2023-11-26' }, now, rules)).toBeNull();
    expect(ineligibility({ ...person, enhancedCheckDate: '2023-11-25' }, now, rules)).toBe('check-expired');
    // 23:30 UTC on 1 July is already 2 July in London (summer time): a day later than UTC says.
    const check = { ...person, enhancedCheckDate: '2023-07-02' };
    expect(ineligibility(check, new Date('2026-07-01T22:30:00Z'), rules)).toBeNull();
    expect(ineligibility(check, new Date('2026-07-01T23:30:00Z'), rules)).toBe('check-expired');
  });

  it('refuses missing checks or training, suspended, expired and idle accounts', () => {
    expect(ineligibility({ ...person, enhancedCheckDate: null }, now, rules)).toBe('check-missing');
    expect(ineligibility({ ...person, trainingCompletedDate: null }, now, rules)).toBe('training-missing');
    expect(ineligibility({ ...person, status: 'suspended' }, now, rules)).toBe('suspended');
    expect(ineligibility({ ...person, status: 'expired' }, now, rules)).toBe('expired');
    expect(ineligibility({ ...person, lastActiveAt: new Date('2026-08-26T11:00:00Z') }, now, rules)).toBe(
      'idle',
    );
  });

  it('needs no check or training for a system (feed) account', () => {
    const feed = {
      ...person,
      roles: ['feed' as const],
      enhancedCheckDate: null,
      trainingCompletedDate: null,
    };
    expect(ineligibility(feed, now, rules)).toBeNull();
  });

  it('explains each refusal to the account holder', () => {
    expect(ineligibilityMessage('idle', rules)).toMatch(/not used for 90 days/);
    expect(ineligibilityMessage('check-expired', rules)).toMatch(/management team/);
  });
});
