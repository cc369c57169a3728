import { describe, expect, it } from 'vitest';
import { initI18n } from '../i18n/index.ts';
import { budgetAmount, fieldLabel, lineTitle } from './budget-text.ts';

describe('budgets in words', () => {
  const en = initI18n({ language: 'en' }).t;
  const fr = initI18n({ language: 'fr' }).t;

  it('writes amounts in their unit and line titles, in both languages', () => {
    expect(budgetAmount(en, 'microusd', 420_000)).toBe('$0.42');
    expect(budgetAmount(en, 'tokens', 12_000)).toBe('12,000 tokens');
    expect(lineTitle(en, { source: 'global', period: 'day', unit: 'microusd' })).toBe(
      'Daily budget on the global keys',
    );
    expect(lineTitle(fr, { source: 'personal', period: 'month', unit: 'tokens' })).not.toBe(
      lineTitle(en, { source: 'personal', period: 'month', unit: 'tokens' }),
    );
  });

  it('names a form field by its key source and name, a rate limit by its own name', () => {
    expect(fieldLabel(en, 'personal.dayTokens')).toBe('Personal keys (the user pays) · Per day (tokens)');
    expect(fieldLabel(en, 'requestsPerMinute')).toBe('Requests per minute');
  });
});
