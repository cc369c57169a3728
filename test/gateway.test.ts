// The OpenAI-compatible API, driven by the official `openai` npm client against the five fake
// upstreams: access tokens, key resolution, streaming with usage, /v1/models, OpenAI-shaped errors.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultReplyFor, type FakeUpstreams, outputTokensFor, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { allProviders, type KeyProvider, makeKey, saveEveryKey } from './helpers/keys.ts';
import { gatewayModels } from './helpers/models.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let baseURL: string;
let admin: Client;
let user: Client;
let userToken: string;
let globalKeys: Record<KeyProvider, string>;
const secrets: string[] = [];

const clientFor = (token: string) => new OpenAI({ apiKey: token, baseURL, maxRetries: 0 });

async function createToken(client: Client, name = 'script', expiresAt?: string) {
  const response = await client.post('/api/tokens', { name, ...(expiresAt ? { expiresAt } : {}) });
  expect(response.statusCode).toBe(201);
  const token = response.json().token as string;
  secrets.push(token);
  return { token, body: response.json() };
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_UPSTREAM_TIMEOUT_MS: '2000' });
  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const address = test.app.server.address();
  baseURL = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  admin = await signUp(test.app);
  user = await signUp(test.app);
  userToken = (await createToken(user)).token;
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('access tokens', () => {
  it('shows a token once, lists it by prefix, and revokes it at once', async () => {
    const { token, body } = await createToken(user, 'laptop');
    expect(token).toMatch(/^wbx_[A-Za-z0-9_-]{43,}$/);
    expect(body).toEqual({
      id: expect.any(String),
      name: 'laptop',
      token,
      prefix: token.slice(0, 12),
      createdAt: expect.any(String),
      expiresAt: null,
      requestsPerMinute: null,
    });
    const listed = (await user.get('/api/tokens')).json().tokens as Array<Record<string, unknown>>;
    const entry = listed.find((row) => row.id === body.id);
    expect(entry).toEqual({
      id: body.id,
      name: 'laptop',
      prefix: token.slice(0, 12),
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: null,
      requestsPerMinute: null,
    });
    expect(JSON.stringify(listed)).not.toContain(token);

    await expect(clientFor(token).models.list()).resolves.toBeDefined();
    expect((await user.delete(`/api/tokens/${body.id}`)).statusCode).toBe(204);
    const refused = await clientFor(token)
      .models.list()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_token');
    expect((await user.get('/api/tokens')).json().tokens.some((row: { id: string }) => row.id === body.id)).toBe(false);
  });

  it('never lets a user see or revoke another user’s token', async () => {
    const { body } = await createToken(admin, 'admin token');
    expect((await user.get('/api/tokens')).json().tokens.some((row: { id: string }) => row.id === body.id)).toBe(false);
    expect((await user.delete(`/api/tokens/${body.id}`)).statusCode).toBe(404);
    expect((await user.delete('/api/tokens/not-a-uuid')).statusCode).toBe(404);
    expect((await admin.delete(`/api/tokens/${body.id}`)).statusCode).toBe(204);
  });

  it('refuses expired tokens and bad expiry dates', async () => {
    const past = await user.post('/api/tokens', { name: 'old', expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.statusCode).toBe(400);
    expect((await user.post('/api/tokens', { name: 'x', expiresAt: 'tomorrow' })).json().error.code).toBe(
      'invalid_request',
    );
    expect((await user.post('/api/tokens', { name: '' })).statusCode).toBe(400);

    const { token } = await createToken(user, 'short-lived', new Date(Date.now() + 1500).toISOString());
    await expect(clientFor(token).models.list()).resolves.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await expect(clientFor(token).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('refuses a missing or malformed token with 401 in OpenAI’s error shape', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/v1/models' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: { message: expect.any(String), type: 'authentication_error', code: 'unauthenticated', param: null },
    });
    const wrong = await test.app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { authorization: 'Bearer wbx_nope' },
    });
    expect(wrong.json().error.code).toBe('invalid_token');
  });
});

describe('/v1/models', () => {
  it('lists only the models the caller can use now', async () => {
    expect((await clientFor(userToken).models.list()).data).toEqual([]);
    await user.put('/api/keys/mistral', { apiKey: makeKey.mistral() });
    const ids = (await clientFor(userToken).models.list()).data.map((model) => model.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith('mistral/'))).toBe(true);
    await user.delete('/api/keys/mistral');
  });
});

describe('chat completions through each provider, with the official openai client', () => {
  beforeAll(async () => {
    globalKeys = await saveEveryKey(admin, 'global');
    secrets.push(...Object.values(globalKeys));
  });

  for (const provider of allProviders) {
    it(`${provider}: JSON answer with usage, on the global key`, async () => {
      const completion = await clientFor(userToken).chat.completions.create({
        model: gatewayModels[provider],
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello!' },
        ],
        temperature: 0.2,
        max_tokens: 50,
      });
      expect(completion.choices[0]?.message.content).toBe(defaultReplyFor(provider));
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage?.completion_tokens).toBe(outputTokensFor(defaultReplyFor(provider)));
      expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
      const upstream = fakes.byProvider[provider].requests.filter((request) => request.method === 'POST');
      expect(upstream).toHaveLength(1);
      expect(upstream[0]?.apiKey).toBe(globalKeys[provider]);
      // The provider received its own model id, without the provider prefix.
      const sentModel = gatewayModels[provider].slice(provider.length + 1);
      expect(`${upstream[0]?.path} ${JSON.stringify(upstream[0]?.body)}`).toContain(sentModel);
      expect(JSON.stringify(upstream[0]?.body)).not.toContain(`"${gatewayModels[provider]}"`);
    });

    it(`${provider}: streamed answer with usage`, async () => {
      const stream = await clientFor(userToken).chat.completions.create({
        model: gatewayModels[provider],
        messages: [{ role: 'user', content: 'Stream please.' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: { prompt_tokens: number; completion_tokens: number } | null | undefined = null;
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        text += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      expect(chunks).toBeGreaterThanOrEqual(3);
      expect(text).toBe(defaultReplyFor(provider));
      expect(usage?.completion_tokens).toBe(outputTokensFor(defaultReplyFor(provider)));
      expect(fakes.byProvider[provider].requests.at(-1)?.apiKey).toBe(globalKeys[provider]);
    });
  }

  it('uses the caller’s personal key first, as /api/chat does', async () => {
    const personal = makeKey.groq();
    secrets.push(personal);
    await user.put('/api/keys/groq', { apiKey: personal });
    await clientFor(userToken).chat.completions.create({
      model: gatewayModels.groq,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(fakes.byProvider.groq.requests.at(-1)?.apiKey).toBe(personal);
    await user.delete('/api/keys/groq');
  });

  it('accepts a bare model id the catalogue makes unique', async () => {
    const completion = await clientFor(userToken).chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe(defaultReplyFor('anthropic'));
  });

  it('renames parameters for Mistral (seed → random_seed) and passes the rest on', async () => {
    await clientFor(userToken).chat.completions.create({
      model: gatewayModels.mistral,
      messages: [{ role: 'user', content: 'hi' }],
      seed: 7,
      top_p: 0.9,
      stop: ['END'],
    });
    const sent = fakes.byProvider.mistral.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ random_seed: 7, top_p: 0.9, stop: ['END'], model: 'mistral-small-latest' });
    expect(sent.seed).toBeUndefined();
  });
});

describe('errors in OpenAI’s shape', () => {
  const error = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>,
    );

  it('no key: 400 no_api_key', async () => {
    await admin.delete('/api/admin/keys/google');
    try {
      const caught = await error(
        clientFor(userToken).chat.completions.create({
          model: gatewayModels.google,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
      expect(caught).toBeInstanceOf(OpenAI.BadRequestError);
      expect(caught?.code).toBe('no_api_key');
      expect(caught?.message).toContain('No API key available for Google Gemini');
    } finally {
      await admin.put('/api/admin/keys/google', { apiKey: globalKeys.google });
    }
  });

  it('unknown provider, unknown model and unsupported parameters: 400 with the parameter named', async () => {
    const unknownProvider = await error(
      clientFor(userToken).chat.completions.create({
        model: 'cohere/command',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(unknownProvider?.status).toBe(400);
    expect(unknownProvider?.code).toBe('unknown_provider');
    const bare = await error(
      clientFor(userToken).chat.completions.create({ model: 'gpt-17', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(bare?.param).toBe('model');
    const seed = await error(
      clientFor(userToken).chat.completions.create({
        model: gatewayModels.anthropic,
        messages: [{ role: 'user', content: 'x' }],
        seed: 1,
      }),
    );
    expect(seed?.status).toBe(400);
    expect(seed?.param).toBe('seed');
    expect(seed?.message).toContain('not supported for Anthropic');
    expect(fakes.requests().filter((request) => request.method === 'POST')).toHaveLength(0);
  });

  it('malformed bodies: 400 invalid_request', async () => {
    const headers = { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' };
    const badJson = await test.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers,
      payload: '{"model":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error).toMatchObject({ code: 'invalid_request', type: 'invalid_request_error' });
    const noMessages = await test.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers,
      payload: { model: gatewayModels.openai, messages: [] },
    });
    expect(noMessages.json().error).toMatchObject({ code: 'invalid_request', param: 'messages' });
    const unknownRoute = await test.app.inject({ method: 'GET', url: '/v1/nothing', headers });
    expect(unknownRoute.statusCode).toBe(404);
    expect(unknownRoute.json().error.code).toBe('not_found');
  });

  it('a rejected key: 502 provider_rejected_key; a long 429: 429 with Retry-After', async () => {
    fakes.byProvider.openai.setBehavior({ kind: 'unauthorized' }, { times: 1 });
    const rejected = await error(
      clientFor(userToken).chat.completions.create({
        model: gatewayModels.openai,
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(rejected?.status).toBe(502);
    expect(rejected?.code).toBe('provider_rejected_key');

    fakes.byProvider.anthropic.setBehavior({ kind: 'rate_limited', retryAfterSeconds: 20 }, { times: 1 });
    const limited = await error(
      clientFor(userToken).chat.completions.create({
        model: gatewayModels.anthropic,
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited?.code).toBe('provider_rate_limited');
    expect(limited?.headers?.get('retry-after')).toBe('20');
  });

  it('retries once on a 5xx before the first byte, and a stream cut mid-way ends with an error event', async () => {
    fakes.byProvider.groq.setBehavior({ kind: 'server_error' }, { times: 1 });
    const completion = await clientFor(userToken).chat.completions.create({
      model: gatewayModels.groq,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.choices[0]?.message.content).toBe(defaultReplyFor('groq'));
    expect(fakes.byProvider.groq.requests).toHaveLength(2);

    fakes.byProvider.openai.setBehavior({ kind: 'cut' }, { times: 1 });
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: gatewayModels.openai, messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    const text = await response.text();
    expect(text).toContain('"content"');
    expect(text).toContain('"code":"provider_error"');
    expect(text).not.toContain('[DONE]');
  });

  it('times out a silent provider with 504 provider_timeout', async () => {
    fakes.byProvider.mistral.setBehavior({ kind: 'slow', delayMs: 5000 }, { times: 2 });
    const caught = await error(
      clientFor(userToken).chat.completions.create({
        model: gatewayModels.mistral,
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(caught?.status).toBe(504);
    expect(caught?.code).toBe('provider_timeout');
  });
});

describe('secrets', () => {
  it('never logs or stores a token or key in clear', async () => {
    const logs = test.logs.join('\n');
    const dump = await test.dump();
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(dump).not.toContain(secret);
    }
  });
});
