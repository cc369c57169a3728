import { describe, expect, it } from 'vitest';
import { getProvider, providers } from '../providers/registry.ts';
import { failureForStatus } from './upstream-error.ts';

// Gemini's answer to a bad key (ai.google.dev): a 400, not a 401.
const geminiBadKey = JSON.stringify({
  error: {
    code: 400,
    message: 'API key not valid. Please pass a valid API key.',
    status: 'INVALID_ARGUMENT',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
  },
});

describe('failureForStatus', () => {
  it('maps the statuses every provider shares', () => {
    for (const provider of providers) {
      expect(failureForStatus(401, '', provider)).toBe('rejected_key');
      expect(failureForStatus(403, '', provider)).toBe('rejected_key');
      expect(failureForStatus(429, '', provider)).toBe('rate_limited');
      expect(failureForStatus(500, '', provider)).toBe('server_error');
      expect(failureForStatus(503, undefined, provider)).toBe('server_error');
      expect(failureForStatus(400, '{"error":{"message":"bad"}}', provider)).toBe('bad_request');
      expect(failureForStatus(404, undefined, provider)).toBe('bad_request');
    }
  });

  it('reads a refused key in a 400 only where the provider says one is (Google)', () => {
    expect(failureForStatus(400, geminiBadKey, getProvider('google'))).toBe('rejected_key');
    expect(
      failureForStatus(400, JSON.stringify({ error: { status: 'INVALID_ARGUMENT' } }), getProvider('google')),
    ).toBe('bad_request');
    // Another provider's 400 is the request's fault, whatever words it quotes.
    expect(failureForStatus(400, geminiBadKey, getProvider('openai'))).toBe('bad_request');
  });
});
