// Error codes become sentences in the reader's language, never raw codes.
import { describe, expect, it } from 'vitest';
import { AUTH_ERROR_CODES, ERROR_CODES } from '../../shared/error-codes.ts';
import en from '../i18n/en.json' with { type: 'json' };
import fr from '../i18n/fr.json' with { type: 'json' };
import { initI18n } from '../i18n/index.ts';
import { ApiError, type ApiErrorCode, errorFromResponse } from './client.ts';
import { AUTH_SENTENCES, CODE_SENTENCES, errorMessage, subscribeLinkOf, suggestionOf } from './error-messages.ts';

const names: Record<string, string> = { openai: 'OpenAI', mistral: 'Mistral' };
const nameOf = (id: string) => names[id] ?? id;

describe('errorMessage', () => {
  const en = initI18n({ language: 'en' }).t;
  const fr = initI18n({ language: 'fr' }).t;

  it('names the provider of no_api_key, in French and in English', () => {
    const error = new ApiError(400, 'no_api_key', 'No API key available for OpenAI', { provider: 'openai' });
    expect(errorMessage(en, error, nameOf)).toMatch(/^No API key available for OpenAI\./);
    expect(errorMessage(fr, error, nameOf)).toMatch(/^Aucune clé API disponible pour OpenAI\./);
  });

  it('says whose key a provider refused', () => {
    const personal = new ApiError(502, 'provider_rejected_key', '', { provider: 'openai', source: 'personal' });
    const global = new ApiError(502, 'provider_rejected_key', '', { provider: 'openai', source: 'global' });
    expect(errorMessage(en, personal, nameOf)).toContain('refused your personal key');
    expect(errorMessage(fr, global, nameOf)).toContain('a refusé la clé globale');
  });

  it("says the operator's budget paused the shared keys, not the user's own, and that a personal key still works", () => {
    const error = new ApiError(429, 'quota_exceeded', '', {
      quota: {
        source: 'operator',
        period: 'day',
        unit: 'microusd',
        limit: 5_000_000,
        remaining: 0,
        requested: 1_000,
        resetsAt: '2026-12-03T00:00:00.000Z',
      },
    });
    expect(errorMessage(en, error, nameOf)).toMatch(/budget on the shared keys is used up.*personal key/);
    expect(errorMessage(fr, error, nameOf)).toMatch(
      /budget du service sur les clés partagées est épuisé.*clé personnelle/,
    );
  });

  it('gives the expected key format in the reader’s language', () => {
    const error = new ApiError(400, 'invalid_key_format', '…', {
      provider: 'mistral',
      expected: 'exactly 32 letters and digits',
    });
    expect(errorMessage(fr, error, nameOf)).toBe(
      'Ceci ne ressemble pas à une clé Mistral. Format attendu : exactement 32 lettres et chiffres.',
    );
  });

  it('says why the shared keys refused, and keeps only a web link to subscribe', () => {
    const refusal = (reason: string, subscribeUrl: string) =>
      new ApiError(402, 'subscription_required', '…', { reason, subscribeUrl });
    expect(errorMessage(fr, refusal('no_subscription', 'https://webox.example/profile#billing'))).toMatch(
      /^Les clés partagées sont réservées aux abonnés\./,
    );
    expect(errorMessage(en, refusal('past_due_grace_over', ''))).toMatch(/grace period is over/);
    expect(subscribeLinkOf(refusal('no_subscription', 'https://webox.example/profile#billing'))).toBe(
      'https://webox.example/profile#billing',
    );
    expect(subscribeLinkOf(refusal('no_subscription', 'javascript:alert(1)'))).toBeNull();
    const notInPlan = new ApiError(403, 'model_not_in_plan', '…', { subscribeUrl: 'https://webox.example/profile' });
    expect(subscribeLinkOf(notInPlan)).toBe('https://webox.example/profile');
    expect(subscribeLinkOf(new ApiError(403, 'forbidden', '…', { subscribeUrl: 'https://x.example' }))).toBeNull();
    // Left out by the operator's offer or the group: said so, and no way to subscribe offered.
    const notOffered = new ApiError(403, 'model_not_in_plan', '…', {
      subscribeUrl: 'https://webox.example/profile',
      restrictedBy: 'offer',
    });
    expect(errorMessage(fr, notOffered)).toMatch(/n’est pas proposé sur les clés partagées/);
    expect(subscribeLinkOf(notOffered)).toBeNull();
    const byGroup = new ApiError(403, 'model_not_in_plan', '…', { restrictedBy: 'group' });
    expect(errorMessage(en, byGroup)).toMatch(/Your group does not include/);
    expect(errorMessage(en, new ApiError(403, 'model_not_in_plan', '…', { restrictedBy: 'plan' }))).toMatch(
      /Your plan does not include/,
    );
  });

  it('maps better-auth codes and stream error events', () => {
    expect(errorMessage(en, new ApiError(401, 'INVALID_EMAIL_OR_PASSWORD', 'Invalid email or password'))).toBe(
      'Wrong email or password.',
    );
    expect(errorMessage(fr, new ApiError(422, 'USER_ALREADY_EXISTS', ''))).toContain('Un compte existe déjà');
    expect(errorMessage(en, new ApiError(403, 'SIGNUP_CLOSED', ''))).toContain('Sign-up is closed');
    expect(errorMessage(en, { code: 'provider_timeout', message: 'x', provider: 'openai' }, nameOf)).toBe(
      'OpenAI did not answer in time. Try again.',
    );
  });

  it('never shows a bare code for the documented ones, and falls back in words', async () => {
    const codes: ApiErrorCode[] = [
      'provider_rate_limited',
      'provider_error',
      'vault_decrypt_failed',
      'rate_limited',
      'quota_exceeded',
      'limits_unavailable',
      'unpriced_model',
      'unauthenticated',
      'network_error',
    ];
    for (const code of codes) {
      const text = errorMessage(fr, new ApiError(400, code, 'english text', { provider: 'openai' }), nameOf);
      expect(text).not.toContain(code);
      expect(text).not.toBe('english text');
    }
    const answer = (status: number, body: unknown) => errorFromResponse(new Response(JSON.stringify(body), { status }));
    const unknown = await answer(500, { error: { code: 'something_new', message: '' } });
    expect(errorMessage(en, unknown)).toBe('Something went wrong on the server. Try again.');
    expect(errorMessage(en, await answer(400, { error: { code: 'something_new', message: '' } }))).toBe(
      'Something went wrong (something_new).',
    );
    // better-auth's own rate limiter answers with a message and no code.
    const limited = await answer(429, { message: 'Too many requests. Please try again later.' });
    expect(errorMessage(en, limited)).toContain('too fast');
    expect(errorMessage(en, await answer(429, { code: 'TOO_MANY_REQUESTS', message: '' }))).toContain('too fast');
  });
});

describe('errorMessage for budgets and rate limits', () => {
  const en = initI18n({ language: 'en' }).t;
  const fr = initI18n({ language: 'fr' }).t;
  const resetsAt = '2026-04-01T00:00:00.000Z';
  const when = (locale: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(resetsAt));
  const plain = (text: string) => text.replace(/\s/g, ' ');

  it('says which budget is used up, what is left and when it resets', () => {
    const error = new ApiError(429, 'quota_exceeded', 'Your monthly budget …', {
      quota: {
        source: 'global',
        period: 'month',
        unit: 'microusd',
        limit: 5_000_000,
        remaining: 20_000,
        requested: 51_000,
        resetsAt,
      },
    });
    expect(errorMessage(en, error)).toBe(
      `Limit reached — Monthly budget on the global keys: $0.02 left of $5.00, and this request needs at least $0.051. It resets on ${when('en')}.`,
    );
    expect(plain(errorMessage(fr, error))).toBe(
      plain(
        `Limite atteinte — Budget du mois sur les clés globales : il reste 0,02 $US sur 5,00 $US, et cette requête demande au moins 0,051 $US. Remise à zéro le ${when('fr')}.`,
      ),
    );
  });

  it('offers the cheapest model that would fit, in both languages, and hands it to the picker', () => {
    const error = new ApiError(429, 'quota_exceeded', '', {
      quota: {
        source: 'global',
        period: 'day',
        unit: 'microusd',
        limit: 10_000,
        remaining: 1_500,
        requested: 2_100,
        resetsAt,
      },
      suggestion: { model: 'openai/gpt-5-nano', name: 'GPT-5 nano' },
    });
    expect(errorMessage(en, error)).toMatch(/\. GPT-5 nano fits what is left\.$/);
    expect(errorMessage(fr, error)).toMatch(/\. GPT-5 nano tient dans ce qui reste\.$/);
    expect(suggestionOf(error)).toEqual({ provider: 'openai', model: 'gpt-5-nano', name: 'GPT-5 nano' });
    // A provider's model id with slashes keeps them (split on the first).
    const groq = new ApiError(429, 'quota_exceeded', '', {
      suggestion: { model: 'groq/openai/gpt-oss-20b', name: 'x' },
    });
    expect(suggestionOf(groq)).toMatchObject({ provider: 'groq', model: 'openai/gpt-oss-20b' });
    // None, or not well formed, or another code: nothing is offered.
    for (const suggestion of [null, { model: 'no-slash', name: 'x' }, { model: 'openai/', name: 'x' }, { model: 3 }]) {
      expect(suggestionOf(new ApiError(429, 'quota_exceeded', '', { suggestion }))).toBeNull();
    }
    expect(suggestionOf(new ApiError(429, 'rate_limited', '', { suggestion: { model: 'a/b', name: 'x' } }))).toBeNull();
    expect(
      errorMessage(en, new ApiError(429, 'quota_exceeded', '', { ...error.details, suggestion: null })),
    ).not.toMatch(/fits what is left/);
  });

  it('counts a token budget in tokens, and still speaks without the details', () => {
    const tokens = new ApiError(429, 'quota_exceeded', '', {
      quota: {
        source: 'personal',
        period: 'day',
        unit: 'tokens',
        limit: 10_000,
        remaining: 0,
        requested: 4_096,
        resetsAt,
      },
    });
    expect(errorMessage(en, tokens)).toMatch(
      /^Limit reached — Daily tokens on your personal keys: 0 tokens left of 10,000 tokens, and this request needs at least 4,096 tokens\./,
    );
    expect(errorMessage(en, new ApiError(429, 'quota_exceeded', 'x'))).toBe('You have used up your quota for now.');
  });

  it('reads Retry-After from the answer for rate limits and sign-in throttling', async () => {
    const answer = (body: unknown, retryAfter: string) =>
      new Response(JSON.stringify(body), { status: 429, headers: { 'retry-after': retryAfter } });
    const limited = await errorFromResponse(answer({ error: { code: 'rate_limited', message: 'Too many' } }, '12'));
    expect(limited.retryAfterSeconds).toBe(12);
    expect(errorMessage(en, limited)).toBe('You are sending requests too fast. Try again in 12 s.');
    const throttled = await errorFromResponse(answer({ code: 'TOO_MANY_ATTEMPTS', message: 'Too many failed' }, '290'));
    expect(errorMessage(fr, throttled)).toBe('Trop de tentatives échouées. Réessayez dans 5 min.');
    expect(errorMessage(en, new ApiError(429, 'TOO_MANY_ATTEMPTS', ''))).toBe(
      'Too many attempts. Wait a minute and try again.',
    );
  });

  it('explains paused limits and unpriced models', () => {
    expect(errorMessage(en, new ApiError(503, 'limits_unavailable', ''))).toContain('global keys are paused');
    expect(errorMessage(fr, new ApiError(400, 'unpriced_model', ''))).toContain('n’a pas de prix dans WeBox');
  });
});

describe('the table of error codes', () => {
  const files = { en, fr } as const;
  /** Whether a dotted key holds a string in the language's file (t() would fall back to English). */
  const has = (language: keyof typeof files, key: string) =>
    typeof key
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], files[language]) === 'string';
  const t = initI18n({ language: 'en' }).t;

  it('gives every WeBox code a sentence in French and English, or says it falls back', () => {
    expect(Object.keys(CODE_SENTENCES)).toEqual(expect.arrayContaining([...ERROR_CODES]));
    for (const [code, kind] of Object.entries(CODE_SENTENCES)) {
      if (kind === 'generic') continue;
      expect(has('en', `errors.${code}`), `en errors.${code}`).toBe(true);
      expect(has('fr', `errors.${code}`), `fr errors.${code}`).toBe(true);
    }
  });

  it('gives every better-auth code WeBox lists its auth.errors sentence, or says it falls back', () => {
    expect(Object.keys(AUTH_SENTENCES).sort()).toEqual([...AUTH_ERROR_CODES].sort());
    for (const key of Object.values(AUTH_SENTENCES)) {
      if (key === null) continue;
      expect(has('en', key), `en ${key}`).toBe(true);
      expect(has('fr', key), `fr ${key}`).toBe(true);
    }
  });

  it('reads a code that falls back by its status, and never shows another code bare', () => {
    for (const [code, kind] of Object.entries(CODE_SENTENCES) as Array<[keyof typeof CODE_SENTENCES, string]>) {
      const text = errorMessage(t, new ApiError(400, code, 'english text', { provider: 'openai' }), nameOf);
      if (kind === 'generic') {
        expect(text, code).toBe(t('errors.unknown', { code }));
      } else {
        expect(text, code).not.toContain(code);
        expect(text, code).not.toBe('english text');
      }
    }
  });
});
