import { describe, expect, it } from 'vitest';
import { formatMoney } from './format.ts';

describe('formatMoney', () => {
  it('writes money from micro-dollars per language', () => {
    expect(formatMoney(12_345_678, 'en-US')).toBe('$12.35');
    expect(formatMoney(1_234, 'en-US')).toBe('$0.0012');
    expect(formatMoney(0, 'en-US')).toBe('$0.00');
    expect(formatMoney(12, 'en-US')).toBe('< $0.0001');
    expect(formatMoney(12_345_678, 'fr-FR').replace(/\s/g, ' ')).toBe('12,35 $US');
  });
});
