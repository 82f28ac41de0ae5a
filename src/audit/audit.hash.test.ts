import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, GENESIS_HASH, serialiseEntry } from './audit.hash.ts';
import type { AuditContent, AuditPosition } from './audit.model.ts';

const entry: AuditContent & AuditPosition = {
  chainId: 3,
  seq: 17,
  at: new Date('2026-11-25T10:00:00.123Z'),
  action: 'child.view',
  outcome: 'success',
  actorType: 'user',
  actor: 'f0e1d2c3-0000-4000-8000-000000000001',
  role: 'practitioner',
  organisation: '202',
  childId: '5b1e0c8e-8d0a-4c39-9c8f-2f0f5f4b8a11',
  target: null,
  reason: 'case-review',
  reasonText: 'annual review',
  requestId: 'req-1',
  details: { fields: ['name', 'school'], shielded: false },
};

describe('canonical JSON', () => {
  it('orders object members, keeps array order, nests', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 2], c: null } })).toBe('{"a":{"c":null,"d":[3,2]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('refuses what JSON cannot say', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
  });
});

describe('entry hash', () => {
  it('is SHA-256 over the previous hash and the serialisation', () => {
    const hash = entryHash(GENESIS_HASH, entry);
    expect(hash).toHaveLength(32);
    expect(entryHash(GENESIS_HASH, { ...entry })).toEqual(hash);
    expect(entryHash(Buffer.alloc(32, 1), entry)).not.toEqual(hash);
  });

  it('covers every stored field, position included', () => {
    const base = entryHash(GENESIS_HASH, entry);
    const changes: Partial<AuditContent & AuditPosition>[] = [
      { chainId: 4 },
      { seq: 18 },
      { at: new Date('2026-11-25T10:00:00.124Z') },
      { action: 'child.change' },
      { outcome: 'denied' },
      { actorType: 'operator' },
      { actor: 'someone else' },
      { role: null },
      { organisation: '203' },
      { childId: null },
      { target: 'user:x' },
      { reason: 'investigation' },
      { reasonText: 'annual review.' },
      { requestId: 'req-2' },
      { details: { fields: ['name'], shielded: false } },
    ];
    for (const change of changes) {
      expect(entryHash(GENESIS_HASH, { ...entry, ...change }), JSON.stringify(change)).not.toEqual(base);
    }
  });

  it('cannot be fooled by moving text between fields', () => {
    const a = serialiseEntry({ ...entry, role: 'a,b', organisation: null });
    const b = serialiseEntry({ ...entry, role: 'a', organisation: 'b' });
    expect(a).not.toBe(b);
  });
});
