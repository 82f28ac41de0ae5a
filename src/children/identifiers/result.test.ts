import { describe, it, expect } from 'vitest';
import { invalid, valid } from './result.ts';
import type { Validation } from './result.ts';

describe('Validation helpers', () => {
  it('valid wraps the value', () => {
    expect(valid('x')).toEqual({ ok: true, value: 'x' });
  });

  it('invalid carries rule and message and fits any Validation<T>', () => {
    const v: Validation<number> = invalid('some.rule', 'Something is wrong');
    expect(v).toEqual({ ok: false, rule: 'some.rule', message: 'Something is wrong' });
  });

  it('narrows on ok', () => {
    const parse = (s: string): Validation<number> =>
      /^\d+$/.test(s) ? valid(Number(s)) : invalid('n.format', 'Not a number');
    const good = parse('42');
    const bad = parse('x');
    expect(good.ok ? good.value : null).toBe(42);
    expect(bad.ok ? null : bad.rule).toBe('n.format');
  });
});
