// Error codes become sentences in the reader's language, never raw codes.
import { describe, expect, it } from 'vitest';
import { initI18n } from '../i18n/index.ts';
import { ApiError } from './client.ts';
import { errorMessage } from './error-messages.ts';

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

  it('gives the expected key format in the reader’s language', () => {
    const error = new ApiError(400, 'invalid_key_format', '…', {
      provider: 'mistral',
      expected: 'exactly 32 letters and digits',
    });
    expect(errorMessage(fr, error, nameOf)).toBe(
      'Ceci ne ressemble pas à une clé Mistral. Format attendu : exactement 32 lettres et chiffres.',
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

  it('never shows a bare code for the documented ones, and falls back in words', () => {
    const codes = [
      'provider_rate_limited',
      'provider_error',
      'vault_decrypt_failed',
      'rate_limited',
      'quota_exceeded',
      'unauthenticated',
      'network_error',
    ];
    for (const code of codes) {
      const text = errorMessage(fr, new ApiError(400, code, 'english text', { provider: 'openai' }), nameOf);
      expect(text).not.toContain(code);
      expect(text).not.toBe('english text');
    }
    expect(errorMessage(en, new ApiError(500, 'something_new', ''))).toBe(
      'Something went wrong on the server. Try again.',
    );
    expect(errorMessage(en, new ApiError(429, 'TOO_MANY_REQUESTS', ''))).toContain('too fast');
  });
});
