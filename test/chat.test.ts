// POST /api/chat against the five fake upstreams: the resolved key reaches the provider in its own
// header, deltas and usage reach the client, and every failure has its documented code.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultReplyFor,
  type FakeUpstreams,
  inputTokensFor,
  outputTokensFor,
  startFakeUpstreams,
} from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { allProviders, type KeyProvider, makeKey, saveEveryKey } from './helpers/keys.ts';
import { testModels } from './helpers/models.ts';
import { parseSse } from './helpers/sse.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let user: Client;
let globalKeys: Record<KeyProvider, string>;
const usedKeys: string[] = [];

const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Say hello to the test suite.' },
];
const chat = (client: Client, provider: string, extra: Record<string, unknown> = {}) =>
  client.post('/api/chat', {
    provider,
    model: testModels[provider as KeyProvider] ?? 'some-model',
    messages,
    ...extra,
  });

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_UPSTREAM_TIMEOUT_MS: '1500' });
  admin = await signUp(test.app);
  user = await signUp(test.app);
  globalKeys = await saveEveryKey(admin, 'global');
  usedKeys.push(...Object.values(globalKeys));
});

beforeEach(() => {
  fakes.reset();
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('streamed chat through each provider', () => {
  for (const provider of allProviders) {
    it(`${provider}: the global key reaches the fake; deltas and usage reach the client`, async () => {
      const response = await chat(user, provider);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/event-stream');
      const events = parseSse(response.body);
      const deltas = events.filter((event) => event.type === 'delta');
      expect(deltas.length).toBeGreaterThanOrEqual(3);
      expect(deltas.map((event) => event.text).join('')).toBe(defaultReplyFor(provider));
      const done = events.at(-1);
      expect(done).toEqual({
        type: 'done',
        source: 'global',
        usage: { inputTokens: expect.any(Number), outputTokens: outputTokensFor(defaultReplyFor(provider)) },
      });
      expect((done?.usage as { inputTokens: number } | undefined)?.inputTokens).toBeGreaterThan(0);

      const recorded = fakes.byProvider[provider].requests.filter((request) => request.method === 'POST');
      expect(recorded).toHaveLength(1);
      expect(recorded[0]?.apiKey).toBe(globalKeys[provider]);
      // The key travels in the provider's own header.
      const headers = recorded[0]?.headers ?? {};
      if (provider === 'anthropic') expect(headers['x-api-key']).toBe(globalKeys[provider]);
      else if (provider === 'google') expect(headers['x-goog-api-key']).toBe(globalKeys[provider]);
      else expect(headers.authorization).toBe(`Bearer ${globalKeys[provider]}`);
      // The model travels in the body, or in the path for Gemini.
      expect(`${recorded[0]?.path} ${JSON.stringify(recorded[0]?.body)}`).toContain(testModels[provider]);
    });
  }

  it('answers one JSON object with stream: false', async () => {
    const response = await chat(user, 'anthropic', { stream: false });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      text: defaultReplyFor('anthropic'),
      source: 'global',
      usage: { inputTokens: expect.any(Number), outputTokens: outputTokensFor(defaultReplyFor('anthropic')) },
    });
    expect(response.json().usage.inputTokens).toBe(inputTokensFor(messages.map((message) => message.content)));
  });

  it('uses the personal key once saved, and the fake sees it instead of the global key', async () => {
    const personal = makeKey.mistral();
    usedKeys.push(personal);
    await user.put('/api/keys/mistral', { apiKey: personal });
    const events = parseSse((await chat(user, 'mistral')).body);
    expect(events.at(-1)).toMatchObject({ type: 'done', source: 'personal' });
    expect(fakes.byProvider.mistral.requests.at(-1)?.apiKey).toBe(personal);
    await user.delete('/api/keys/mistral');
  });

  it('passes a model outside the catalogue on to the provider', async () => {
    const response = await user.post('/api/chat', {
      provider: 'openai',
      model: 'gpt-9-preview',
      messages,
      stream: false,
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.stringify(fakes.byProvider.openai.requests.at(-1)?.body)).toContain('gpt-9-preview');
  });
});

describe('failures', () => {
  it('answers 400 no_api_key naming the provider when there is no key', async () => {
    await admin.delete('/api/admin/keys/anthropic');
    try {
      const response = await chat(user, 'anthropic');
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'no_api_key',
        message: 'No API key available for Anthropic',
      });
      expect(fakes.byProvider.anthropic.requests).toHaveLength(0);
    } finally {
      await admin.put('/api/admin/keys/anthropic', { apiKey: globalKeys.anthropic });
    }
  });

  it('reports a rejected personal key as such and never falls back to the global key', async () => {
    const personal = makeKey.groq();
    usedKeys.push(personal);
    fakes.byProvider.groq.rejectKeys.add(personal);
    await user.put('/api/keys/groq', { apiKey: personal });
    try {
      const response = await chat(user, 'groq');
      expect(response.statusCode).toBe(502);
      expect(response.json().error).toMatchObject({
        code: 'provider_rejected_key',
        provider: 'groq',
        source: 'personal',
      });
      expect(response.json().error.message).toBe('Groq rejected the personal API key.');
      const keysSeen = fakes.byProvider.groq.requests.map((request) => request.apiKey);
      expect(keysSeen).toEqual([personal]);
    } finally {
      await user.delete('/api/keys/groq');
    }
  });

  it('reports a rejected global key as global', async () => {
    fakes.byProvider.openai.setBehavior({ kind: 'unauthorized' }, { times: 1 });
    const response = await chat(user, 'openai');
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({ code: 'provider_rejected_key', source: 'global' });
  });

  it('retries once after a 429 and succeeds', async () => {
    fakes.byProvider.google.setBehavior({ kind: 'rate_limited', retryAfterSeconds: 0 }, { times: 1 });
    const response = await chat(user, 'google');
    expect(response.statusCode).toBe(200);
    expect(parseSse(response.body).at(-1)).toMatchObject({ type: 'done' });
    expect(fakes.byProvider.google.requests.filter((request) => request.method === 'POST')).toHaveLength(2);
  });

  it('gives a long 429 to the client with the provider’s Retry-After', async () => {
    fakes.byProvider.openai.setBehavior({ kind: 'rate_limited', retryAfterSeconds: 30 }, { times: 1 });
    const response = await chat(user, 'openai');
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.json().error.code).toBe('provider_rate_limited');
    expect(fakes.byProvider.openai.requests).toHaveLength(1);
  });

  it('keeps a rate limit that arrives mid-answer a 429 with stream: false, and an event in the stream', async () => {
    const behavior = { kind: 'stream_error', message: 'Slow down.', rateLimited: true } as const;
    fakes.byProvider.anthropic.setBehavior(behavior, { times: 1 });
    const json = await chat(user, 'anthropic', { stream: false });
    expect(json.statusCode).toBe(429);
    expect(json.json().error.code).toBe('provider_rate_limited');
    fakes.byProvider.anthropic.setBehavior(behavior, { times: 1 });
    const streamed = await chat(user, 'anthropic');
    expect(streamed.statusCode).toBe(200);
    // The wire keeps DESIGN §6's three fields: the status is not sent inside the stream.
    expect(parseSse(streamed.body).at(-1)).toEqual({
      type: 'error',
      code: 'provider_rate_limited',
      message: expect.any(String),
    });
  });

  it('answers 502 provider_error after a 5xx and its one retry', async () => {
    fakes.byProvider.mistral.setBehavior({ kind: 'server_error' }, { times: 2 });
    const response = await chat(user, 'mistral');
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe('provider_error');
    expect(fakes.byProvider.mistral.requests).toHaveLength(2);
  });

  it('passes a provider 400 on as provider_bad_request with its message', async () => {
    fakes.byProvider.anthropic.setBehavior({ kind: 'bad_request', message: 'max_tokens is too large' }, { times: 1 });
    const response = await chat(user, 'anthropic');
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'provider_bad_request' });
    expect(response.json().error.message).toContain('max_tokens is too large');
  });

  it('answers 504 provider_timeout when the provider is silent for longer than the timeout', async () => {
    fakes.byProvider.openai.setBehavior({ kind: 'slow', delayMs: 4000 }, { times: 2 });
    const response = await chat(user, 'openai');
    expect(response.statusCode).toBe(504);
    expect(response.json().error.code).toBe('provider_timeout');
  });

  it('ends a stream cut in the middle with an error event after the deltas it had', async () => {
    fakes.byProvider.groq.setBehavior({ kind: 'cut' }, { times: 1 });
    const response = await chat(user, 'groq');
    expect(response.statusCode).toBe(200);
    const events = parseSse(response.body);
    expect(events.some((event) => event.type === 'delta')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'provider_error' });
    expect(events.some((event) => event.type === 'done')).toBe(false);
  });

  it('refuses bad chat requests with invalid_request or unknown_provider', async () => {
    const unknown = await user.post('/api/chat', { provider: 'cohere', model: 'x', messages });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unknown_provider');
    const noMessages = await user.post('/api/chat', { provider: 'openai', model: 'gpt-4o', messages: [] });
    expect(noMessages.json().error.code).toBe('invalid_request');
    const badRole = await user.post('/api/chat', {
      provider: 'openai',
      model: 'gpt-4o',
      messages: [{ role: 'wizard', content: 'hi' }],
    });
    expect(badRole.json().error.code).toBe('invalid_request');
    const noModel = await user.post('/api/chat', { provider: 'openai', messages });
    expect(noModel.statusCode).toBe(400);
    expect(fakes.requests()).toHaveLength(0);
  });

  it('requires a session', async () => {
    const response = await test.app.inject({ method: 'POST', url: '/api/chat', payload: { provider: 'openai' } });
    expect(response.statusCode).toBe(401);
  });
});

describe('verify: true', () => {
  it('stores a key the provider accepts and says verified', async () => {
    const personal = makeKey.anthropic();
    usedKeys.push(personal);
    const response = await user.put('/api/keys/anthropic', { apiKey: personal, verify: true });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ provider: 'anthropic', verified: true });
    const check = fakes.byProvider.anthropic.requests.at(-1);
    expect(check).toMatchObject({ method: 'GET', apiKey: personal });
    expect(check?.path).toMatch(/\/models$/);
    await user.delete('/api/keys/anthropic');
  });

  for (const provider of allProviders) {
    it(`${provider}: refuses a key the provider rejects with provider_rejected_key and stores nothing`, async () => {
      const rejected = makeKey[provider]();
      usedKeys.push(rejected);
      fakes.byProvider[provider].rejectKeys.add(rejected);
      const response = await admin.put(`/api/admin/keys/${provider}`, { apiKey: rejected, verify: true });
      expect(response.statusCode).toBe(502);
      expect(response.json().error).toMatchObject({ code: 'provider_rejected_key', source: 'global' });
      // The previous global key is still the one in use.
      const userId = (await user.get('/api/me')).json().id;
      expect(await test.app.vault.getApiKey(userId, provider)).toBe(globalKeys[provider]);
    });
  }
});

describe('secrets', () => {
  it('never logs or stores a key in clear, and never returns one', async () => {
    const logs = test.logs.join('\n');
    const dump = await test.dump();
    for (const value of usedKeys) {
      expect(logs).not.toContain(value);
      expect(dump).not.toContain(value);
    }
  });
});
