import { describe, expect, it } from 'vitest';
import { outranks, sourceRank, survivor } from './survivorship.ts';

describe('survivorship', () => {
  const at = (iso: string) => new Date(iso);

  it('uses the declared rank for a field, else the default of the source kind', () => {
    const census = { kind: 'national', precedence: { address: 5 } };
    expect(sourceRank(census, 'address')).toBe(5);
    expect(sourceRank(census, 'name')).toBe(20);
    expect(sourceRank({ kind: 'local', precedence: {} }, 'name')).toBe(10);
    expect(sourceRank({ kind: 'manual', precedence: {} }, 'name')).toBe(30);
  });

  it('prefers the higher rank even when older, then the more recent value', () => {
    const national = { rank: 20, receivedAt: at('2026-01-01T00:00:00Z'), value: 'national' };
    const local = { rank: 10, receivedAt: at('2026-06-01T00:00:00Z'), value: 'local' };
    const laterNational = { rank: 20, receivedAt: at('2026-07-01T00:00:00Z'), value: 'later' };
    expect(survivor([local, national])?.value).toBe('national');
    expect(survivor([national, laterNational, local])?.value).toBe('later');
    expect(outranks(local, national)).toBe(false);
    expect(survivor<typeof local>([])).toBeUndefined();
  });
});
