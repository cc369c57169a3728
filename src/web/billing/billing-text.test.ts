// Prices in their own currency and minor unit, and the dates a subscription or a grant shows.
import { describe, expect, it } from 'vitest';
import { initI18n } from '../i18n/index.ts';
import { billingOf } from './billing-fixtures.ts';
import { formatPrice, periodText } from './billing-text.ts';

const spaces = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatPrice', () => {
  it('reads Stripe’s minor units in the currency’s own decimals', () => {
    expect(spaces(formatPrice(900, 'eur', 'fr-FR'))).toBe('9,00 €');
    expect(formatPrice(1999, 'usd', 'en-US')).toBe('$19.99');
    // The yen has no minor unit: 500 is ¥500, not ¥5.
    expect(formatPrice(500, 'jpy', 'en-US')).toBe('¥500');
  });
});

describe('periodText', () => {
  const t = initI18n({ language: 'en' }).t;
  const date = (value: string) => value.slice(0, 10);

  it('says whether a subscription renews or ends, and when a grant ends', () => {
    const end = '2026-04-01T00:00:00Z';
    expect(periodText(t, billingOf({ status: 'active', currentPeriodEnd: end }), date)).toBe('Renews on 2026-04-01');
    expect(periodText(t, billingOf({ status: 'active', currentPeriodEnd: end, cancelAtPeriodEnd: true }), date)).toBe(
      'Ends on 2026-04-01 (cancelled, not renewed)',
    );
    expect(periodText(t, billingOf({ status: 'granted', grantedUntil: end }), date)).toBe('Granted until 2026-04-01');
    expect(periodText(t, billingOf({ status: 'granted' }), date)).toBe('Granted with no end date');
    expect(periodText(t, billingOf({ status: 'canceled', currentPeriodEnd: end }), date)).toBeNull();
  });
});
