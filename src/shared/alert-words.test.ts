import { describe, expect, it } from 'vitest';
import { alertWords } from './alert-words.ts';
import { ALERT_KINDS, type AlertDetails, type AlertKind } from './alerts.ts';
import { DOLLARS, formatMoneyIn } from './money-format.ts';

/** The details each kind is raised with (the opbudget module's contract, docs/alerts.md). */
const DETAILS: Record<AlertKind, AlertDetails> = {
  'operator_budget.threshold': { period: 'day', threshold: 90, spentMicrousd: 4_500_000, limitMicrousd: 5_000_000 },
  'user_budget.threshold': { period: 'month', threshold: 50, userEmail: 'camille@example.com' },
  'global_key.rejected': { status: 401 },
  'global_key.rate_limited': { count: 12 },
  'personal_key.rejected': { status: 403 },
  'subscription.payment_failed': { userEmail: 'leo@example.com', amountMicrousd: 9_990_000 },
  'spend.jump': { hourMicrousd: 3_000_000, usualHourMicrousd: 500_000, multiple: 6 },
  test: {},
};

describe('an alert in words', () => {
  for (const locale of ['fr', 'en'] as const) {
    const money = (microusd: number) => formatMoneyIn(microusd, locale === 'fr' ? 'fr-FR' : 'en-US', DOLLARS);
    it(`has a title and a sentence for every kind, in ${locale}`, () => {
      for (const kind of ALERT_KINDS) {
        const words = alertWords({ kind, provider: 'mistral', details: DETAILS[kind] }, locale, money);
        expect(words.title.length, kind).toBeGreaterThan(3);
        expect(words.text.length, kind).toBeGreaterThan(10);
        expect(`${words.title} ${words.text}`, kind).not.toMatch(/undefined|null|NaN|\?/);
      }
    });
  }

  it('formats money in the display currency and names the provider', () => {
    const euros = (microusd: number) => formatMoneyIn(microusd, 'fr-FR', { currency: 'eur', usdPerUnit: 1.08 });
    const words = alertWords(
      { kind: 'operator_budget.threshold', details: DETAILS['operator_budget.threshold'] },
      'fr',
      euros,
    );
    expect(words.text.replace(/\s/g, ' ')).toContain('4,17 €');
    expect(alertWords({ kind: 'global_key.rejected', provider: 'google', details: {} }, 'en', euros).title).toBe(
      'Google Gemini global key rejected',
    );
  });

  it('keeps a hostile detail on one short line', () => {
    const words = alertWords(
      { kind: 'user_budget.threshold', details: { period: 'day', threshold: 80, userEmail: `a\nb${'x'.repeat(500)}` } },
      'en',
      String,
    );
    expect(words.text).not.toContain('\n');
    expect(words.text.length).toBeLessThan(250);
  });
});
