import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedModelId } from '../../shared/model-id.ts';
import { routeModel } from '../gateway/model-id.ts';
import { checkModelId, isModelIdFor } from './model-id-format.ts';
import { getProvider, providers } from './registry.ts';

describe('model id formats', () => {
  it('takes every catalogue id and the plausible new ones', () => {
    for (const provider of providers) {
      for (const model of provider.models) expect(isModelIdFor(provider, model.id), model.id).toBe(true);
    }
    const accepted: Array<[string, string]> = [
      ['openai', 'gpt-4o-2024-08-06'],
      ['openai', 'ft:gpt-4o-mini:org::abc123'],
      ['anthropic', 'claude-sonnet-4-5-20250929'],
      ['google', 'gemini-2.5-flash-preview-09-2025'],
      ['mistral', 'mistral-large-latest'],
      ['mistral', 'ft:open-mistral-7b:587a6b29:20240514:7e773925'],
      ['groq', 'meta-llama/llama-4-scout-17b-16e-instruct'],
    ];
    for (const [provider, id] of accepted) expect(isModelIdFor(getProvider(provider as 'openai'), id), id).toBe(true);
  });

  it('refuses what could leave the model’s own endpoint', () => {
    const google = getProvider('google');
    for (const id of ['tunedModels/x', 'models/gemini-2.5-flash', 'gemini-2.5-flash:countTokens', '..', 'a..b']) {
      expect(isModelIdFor(google, id), id).toBe(false);
    }
    const groq = getProvider('groq');
    for (const id of ['a/b/c', 'a//b', '/a', 'a/', 'a/../b', 'a/.b', '%2e%2e', 'a?b', 'a#b', 'a\\b', 'a b', 'é']) {
      expect(isModelIdFor(groq, id), id).toBe(false);
    }
    expect(isWellFormedModelId('a'.repeat(200))).toBe(true);
    expect(isWellFormedModelId('a'.repeat(201))).toBe(false);
    expect(() => checkModelId(google, '../../upload/v1beta/files?')).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'invalid_request', details: { param: 'model' } }),
    );
  });

  it('never accepts an id holding a character outside the grammar, a "..", or an empty segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (id) => {
        if (!isWellFormedModelId(id)) return;
        expect(id).toMatch(/^[A-Za-z0-9._:/-]+$/);
        expect(id).not.toContain('..');
        expect(id.split('/').every((segment) => /^[A-Za-z0-9]/.test(segment))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('routes /v1 ids through the same check, bare ids included', () => {
    expect(() => routeModel('google/../x')).toThrow(expect.objectContaining({ details: { param: 'model' } }));
    expect(() => routeModel('../x')).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(() => routeModel('openai/')).toThrow(expect.objectContaining({ details: { param: 'model' } }));
    expect(routeModel('groq/meta-llama/llama-4-scout-17b-16e-instruct')).toEqual({
      provider: 'groq',
      model: 'meta-llama/llama-4-scout-17b-16e-instruct',
    });
  });
});
