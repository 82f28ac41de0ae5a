import { addMinutes } from './clock.ts';

/** Failed attempts against one sign-in name (see sign_in_throttle). */
export interface ThrottleState {
  readonly failures: number;
  readonly lastFailureAt: Date | null;
  readonly lockedUntil: Date | null;
  readonly lockedPermanentlyAt: Date | null;
}

export interface LockoutRules {
  readonly lockAfterFailures: number;
  readonly lockMinutes: number;
  readonly permanentLockAfterFailures: number;
}

export const OPEN: ThrottleState = {
  failures: 0,
  lastFailureAt: null,
  lockedUntil: null,
  lockedPermanentlyAt: null,
};

/**
 * A run of failures is forgotten after a quiet day, so a few typing slips a month never add up to a
 * permanent lock; a guessing attack cannot wait that long between tries to any useful effect.
 */
const FAILURES_FORGOTTEN_AFTER_MINUTES = 24 * 60;

export type LockState = 'open' | 'locked' | 'locked-permanently';

export function lockState(state: ThrottleState, now: Date): LockState {
  if (state.lockedPermanentlyAt !== null) return 'locked-permanently';
  if (state.lockedUntil !== null && state.lockedUntil > now) return 'locked';
  return 'open';
}

/**
 * One more failure: a temporary lock each time the run reaches a multiple of `lockAfterFailures`,
 * and a permanent one at `permanentLockAfterFailures`.
 */
export function afterFailure(
  state: ThrottleState,
  now: Date,
  rules: LockoutRules,
): { readonly next: ThrottleState; readonly locked: 'temporary' | 'permanent' | null } {
  const forgotten =
    state.lastFailureAt !== null &&
    lockState(state, now) === 'open' &&
    addMinutes(state.lastFailureAt, FAILURES_FORGOTTEN_AFTER_MINUTES) <= now;
  const failures = (forgotten ? 0 : state.failures) + 1;
  if (state.lockedPermanentlyAt !== null) {
    return { next: { ...state, failures, lastFailureAt: now }, locked: null };
  }
  if (failures >= rules.permanentLockAfterFailures) {
    return {
      next: { ...state, failures, lastFailureAt: now, lockedPermanentlyAt: now },
      locked: 'permanent',
    };
  }
  if (failures % rules.lockAfterFailures === 0) {
    return {
      next: { ...state, failures, lastFailureAt: now, lockedUntil: addMinutes(now, rules.lockMinutes) },
      locked: 'temporary',
    };
  }
  return { next: { ...state, failures, lastFailureAt: now }, locked: null };
}
