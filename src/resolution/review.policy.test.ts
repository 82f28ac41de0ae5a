import { describe, expect, it } from 'vitest';
import type { Role } from '../access/access.model.ts';
import {
  decideReview,
  decideReviewCaller,
  guardOf,
  shieldedScopeOf,
  type PairShield,
  type ReviewGuard,
  type Reviewer,
} from './review.policy.ts';

const who = (roles: Role[], la: string | null = '202'): Reviewer => ({ roles, la });

const unshielded: ReviewGuard = { shieldedLas: [] };
const shieldedHere: ReviewGuard = { shieldedLas: ['202'] };
const shieldedTwoLas: ReviewGuard = { shieldedLas: ['202', '204'] };
const shieldedNoLa: ReviewGuard = { shieldedLas: [null] };

type Answer = 'allowed' | 'not-found' | 'forbidden';

function answer(reviewer: Reviewer, guard: ReviewGuard): Answer {
  const decision = decideReview(reviewer, guard);
  return decision.allowed ? 'allowed' : decision.answer;
}

describe('review policy', () => {
  // reviewer, unshielded pair, shielded pair of 202, shielded pair of 202 and 204, shielded with no LA
  const matrix: [string, Reviewer, Answer, Answer, Answer, Answer][] = [
    ['data manager', who(['data_manager'], null), 'allowed', 'not-found', 'not-found', 'not-found'],
    ['shielder of 202', who(['shielder']), 'not-found', 'allowed', 'not-found', 'not-found'],
    ['LA management of 202', who(['la_management']), 'not-found', 'allowed', 'not-found', 'not-found'],
    ['shielder of 204', who(['shielder'], '204'), 'not-found', 'not-found', 'not-found', 'not-found'],
    [
      'data manager and shielder of 202',
      who(['data_manager', 'shielder']),
      'allowed',
      'allowed',
      'not-found',
      'not-found',
    ],
    ['shielder with no LA', who(['shielder'], null), 'not-found', 'not-found', 'not-found', 'not-found'],
    ['practitioner of 202', who(['practitioner']), 'forbidden', 'forbidden', 'forbidden', 'forbidden'],
    ['auditor', who(['auditor'], null), 'forbidden', 'forbidden', 'forbidden', 'forbidden'],
    ['feed account', who(['feed']), 'forbidden', 'forbidden', 'forbidden', 'forbidden'],
  ];

  it.each(matrix)('%s', (_name, reviewer, plain, here, twoLas, noLa) => {
    expect([
      answer(reviewer, unshielded),
      answer(reviewer, shieldedHere),
      answer(reviewer, shieldedTwoLas),
      answer(reviewer, shieldedNoLa),
    ]).toEqual([plain, here, twoLas, noLa]);
  });

  it('refuses roles that see no review before anything is looked up, naming no child', () => {
    expect(decideReviewCaller(who(['practitioner']))).toEqual({
      allowed: false,
      answer: 'forbidden',
      rule: 'review.roles',
    });
    expect(decideReviewCaller(who(['shielder'], '204'))).toEqual({ allowed: true });
  });

  it('narrows the queue of a caller who may only see shielded pairs to their LA', () => {
    expect(shieldedScopeOf(who(['data_manager']))).toBeUndefined();
    expect(shieldedScopeOf(who(['shielder']))).toEqual(['202']);
    expect(shieldedScopeOf(who(['la_management'], '204'))).toEqual(['204']);
    expect(shieldedScopeOf(who(['shielder'], null))).toEqual([]);
  });
});

describe('review guard', () => {
  const pair = (
    reviewShielded: boolean,
    reviewLa: string | null,
    ...children: [boolean, string | null][]
  ): PairShield => ({
    reviewShielded,
    reviewLa,
    children: children.map(([shielded, la]) => ({ shielded, la })),
  });

  it('is open to data managers when no child is shielded', () => {
    expect(guardOf([pair(false, '202', [false, '202'])])).toEqual({ shieldedLas: [] });
  });

  it('follows a shield set since the pair was queued, to the child’s LA', () => {
    expect(guardOf([pair(false, '202', [true, '204'])])).toEqual({ shieldedLas: ['204'] });
  });

  it('keeps a pair queued as shielded with its LA after the shield is lifted', () => {
    expect(guardOf([pair(true, '202', [false, '202'])])).toEqual({ shieldedLas: ['202'] });
  });

  it('guards every candidate of a row that may be a shielded child', () => {
    expect(guardOf([pair(false, '204', [false, '204']), pair(true, '202', [true, '202'])])).toEqual({
      shieldedLas: ['202'],
    });
  });

  it('names each LA of two shielded children, and none when a child has no LA', () => {
    expect(
      guardOf([pair(true, '202', [true, '202'], [true, '204'])])
        .shieldedLas.slice()
        .sort(),
    ).toEqual(['202', '204']);
    expect(guardOf([pair(true, null, [true, null])])).toEqual({ shieldedLas: [null] });
  });
});
