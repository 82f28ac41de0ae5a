import type { User } from './access.model.ts';
import { daysBetween, londonDate } from './clock.ts';

export interface EligibilityRules {
  readonly enhancedCheckValidityDays: number;
  readonly accountIdleExpiryDays: number;
}

/** Why an account may not be used now; each reason has a message fit for the account holder. */
export type Ineligibility =
  'suspended' | 'expired' | 'idle' | 'check-missing' | 'check-expired' | 'training-missing';

/**
 * The rules every use of an account must pass (DESIGN.md, "Access"): active, used within the idle
 * limit, and for people a current enhanced criminal record check and completed training. System
 * (feed) accounts are not people and need neither.
 */
export function ineligibility(user: User, now: Date, rules: EligibilityRules): Ineligibility | null {
  if (user.status === 'suspended') return 'suspended';
  if (user.status === 'expired') return 'expired';
  if (now.getTime() - user.lastActiveAt.getTime() > rules.accountIdleExpiryDays * 86_400_000) return 'idle';
  if (user.roles.includes('feed')) return null;
  const today = londonDate(now);
  if (user.enhancedCheckDate === null) return 'check-missing';
  if (daysBetween(user.enhancedCheckDate, today) > rules.enhancedCheckValidityDays) return 'check-expired';
  if (user.trainingCompletedDate === null) return 'training-missing';
  return null;
}

const CONTACT = 'Contact your local authority ContactPoint management team';

export function ineligibilityMessage(reason: Ineligibility, rules: EligibilityRules): string {
  switch (reason) {
    case 'suspended':
      return `This account is suspended. ${CONTACT}`;
    case 'expired':
      return `This account has expired. ${CONTACT}`;
    case 'idle':
      return `This account has expired because it was not used for ${rules.accountIdleExpiryDays} days. ${CONTACT}`;
    case 'check-missing':
      return `No enhanced criminal record check is recorded for this account. ${CONTACT}`;
    case 'check-expired':
      return `The enhanced criminal record check recorded for this account is out of date. ${CONTACT}`;
    case 'training-missing':
      return `ContactPoint training is not recorded as complete for this account. ${CONTACT}`;
  }
}
