import { describe, expect, it } from 'vitest';
import { displayCurrency, formatMoney, setDisplayCurrency } from './format.ts';

describe('formatMoney', () => {
  it('writes money from micro-dollars per language', () => {
    expect(formatMoney(12_345_678, 'en-US')).toBe('$12.35');
    expect(formatMoney(1_234, 'en-US')).toBe('$0.0012');
    expect(formatMoney(0, 'en-US')).toBe('$0.00');
    expect(formatMoney(12, 'en-US')).toBe('< $0.0001');
    expect(formatMoney(12_345_678, 'fr-FR').replace(/\s/g, ' ')).toBe('12,35 $US');
  });
});

describe('formatMoney in the display currency', () => {
  it('converts micro-dollars at the rate and names the currency', () => {
    const euros = { currency: 'eur', usdPerUnit: 1.08 };
    // $10.80 is 10 euros at 1.08 dollars per euro.
    expect(formatMoney(10_800_000, 'fr-FR', euros).replace(/\s/g, ' ')).toBe('10,00 €');
    expect(formatMoney(10_800_000, 'en-US', euros)).toBe('€10.00');
    expect(formatMoney(540_000, 'en-US', euros)).toBe('€0.50');
    expect(formatMoney(50, 'en-US', { currency: 'gbp', usdPerUnit: 1.27 })).toBe('< £0.0001');
    expect(formatMoney(2_000_000, 'fr-FR', { currency: 'chf', usdPerUnit: 1.25 }).replace(/\s/g, ' ')).toBe('1,60 CHF');
  });

  it('uses the currency set for the app, and dollars again when it is cleared or has no usable rate', () => {
    setDisplayCurrency({ currency: 'eur', usdPerUnit: 1.08 });
    expect(displayCurrency()).toEqual({ currency: 'eur', usdPerUnit: 1.08 });
    expect(formatMoney(1_080_000, 'en-US')).toBe('€1.00');
    setDisplayCurrency({ currency: 'eur', usdPerUnit: 0 });
    expect(formatMoney(1_080_000, 'en-US')).toBe('$1.08');
    setDisplayCurrency({ currency: 'eur', usdPerUnit: 1.08 });
    setDisplayCurrency(null);
    expect(formatMoney(1_080_000, 'en-US')).toBe('$1.08');
  });
});
