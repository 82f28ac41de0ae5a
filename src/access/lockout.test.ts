import { describe, expect, it } from 'vitest';
import { addMinutes } from './clock.ts';
import { afterFailure, lockState, OPEN, type ThrottleState } from './lockout.ts';

const rules = { lockAfterFailures: 5, lockMinutes: 15, permanentLockAfterFailures: 15 };
const start = new Date('2026-11-25T09:00:00Z');

function fail(times: number, from: ThrottleState = OPEN, at = start) {
  let state = from;
  const locks: (string | null)[] = [];
  for (let i = 0; i < times; i += 1) {
    const result = afterFailure(state, at, rules);
    state = result.next;
    locks.push(result.locked);
  }
  return { state, locks };
}

describe('lockout', () => {
  it('locks for 15 minutes at the fifth failure', () => {
    const { state, locks } = fail(5);
    expect(locks).toEqual([null, null, null, null, 'temporary']);
    expect(lockState(state, addMinutes(start, 14))).toBe('locked');
    expect(lockState(state, addMinutes(start, 15))).toBe('open');
  });

  it('locks again at each multiple, and for good at the fifteenth', () => {
    const first = fail(5).state;
    const second = fail(5, first, addMinutes(start, 16));
    expect(second.locks.at(-1)).toBe('temporary');
    const third = fail(5, second.state, addMinutes(start, 32));
    expect(third.locks.at(-1)).toBe('permanent');
    expect(lockState(third.state, addMinutes(start, 60 * 24 * 365))).toBe('locked-permanently');
  });

  it('forgets a run of failures after a quiet day', () => {
    const some = fail(4).state;
    const later = afterFailure(some, addMinutes(start, 24 * 60 + 1), rules);
    expect(later.next.failures).toBe(1);
    expect(later.locked).toBeNull();
  });
});
