import { describe, expect, it } from 'vitest';
import { routeModel } from './model-id.ts';

describe('routeModel', () => {
  it('splits on the first slash', () => {
    expect(routeModel('groq/openai/gpt-oss-120b')).toEqual({ provider: 'groq', model: 'openai/gpt-oss-120b' });
    expect(routeModel('openai/gpt-9-preview')).toEqual({ provider: 'openai', model: 'gpt-9-preview' });
  });
  it('accepts a bare id the catalogue makes unique, and refuses the rest', () => {
    expect(routeModel('gemini-2.5-pro')).toEqual({ provider: 'google', model: 'gemini-2.5-pro' });
    expect(() => routeModel('gpt-9')).toThrow(/Unknown model/);
    expect(() => routeModel('cohere/command-r')).toThrow(expect.objectContaining({ code: 'unknown_provider' }));
    // `openai/gpt-oss-120b` is Groq's model, but written like this it means provider openai.
    expect(routeModel('openai/gpt-oss-120b')).toEqual({ provider: 'openai', model: 'gpt-oss-120b' });
  });
});
