// Issue 10, item 3: a model id can never steer a call to another path of the provider. Every id
// is either refused with 400 invalid_request (param model) before any provider is called, or it
// reaches exactly the model's own endpoint on the fake: the request target as it came on the wire
// (nothing decoded or normalised), and for the providers that take the id in the body, that body.
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providers } from '../src/server/providers/registry.ts';
import { type FakeUpstreams, type RecordedRequest, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { allProviders, type KeyProvider, makeKey, saveEveryKey } from './helpers/keys.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let user: Client;
let token: string;

const messages = [{ role: 'user', content: 'hi' }];

/** The one request target each provider's chat call may have (the AI SDK always streams Gemini). */
function ownTarget(provider: KeyProvider, model: string): string {
  switch (provider) {
    case 'openai':
    case 'mistral':
      return '/v1/chat/completions';
    case 'groq':
      return '/openai/v1/chat/completions';
    case 'anthropic':
      return '/v1/messages';
    case 'google':
      return `/v1beta/models/${model}:streamGenerateContent?alt=sse`;
  }
}

type Route = 'v1' | 'v1-stream' | 'chat';

async function send(route: Route, provider: KeyProvider, model: string) {
  if (route === 'chat') return user.post('/api/chat', { provider, model, messages, stream: false });
  return test.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: { model: `${provider}/${model}`, messages, stream: route === 'v1-stream' },
  });
}

const chatCalls = (): RecordedRequest[] => fakes.requests().filter((request) => request.method === 'POST');

/** Sends one id and checks the property; says which way it went. */
async function check(route: Route, provider: KeyProvider, model: string): Promise<'refused' | 'reached'> {
  fakes.reset();
  const response = await send(route, provider, model);
  const calls = chatCalls();
  if (response.statusCode === 400) {
    const error = response.json().error;
    expect(error.code, `${route} ${provider} ${JSON.stringify(model)}`).toBe('invalid_request');
    // /v1 names the parameter; /api/chat's schema names the field in its issues.
    expect(error.param ?? error.issues?.[0]?.path).toBe('model');
    expect(calls, `${JSON.stringify(model)} was refused but still reached ${provider}`).toHaveLength(0);
    return 'refused';
  }
  expect(response.statusCode, `${route} ${provider} ${JSON.stringify(model)}: ${response.body.slice(0, 300)}`).toBe(
    200,
  );
  expect(calls).toHaveLength(1);
  expect(calls[0]?.target, `${route} ${provider} ${JSON.stringify(model)}`).toBe(ownTarget(provider, model));
  if (provider !== 'google') expect((calls[0]?.body as { model?: unknown } | undefined)?.model).toBe(model);
  return 'reached';
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_UPSTREAM_TIMEOUT_MS: '3000' });
  admin = await signUp(test.app);
  user = await signUp(test.app);
  await saveEveryKey(admin, 'global');
  const created = await user.post('/api/tokens', { name: 'ids' });
  token = created.json().token;
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

/** Ids the providers use today or plausibly will: all of them must keep working. */
const legitimate: Record<KeyProvider, string[]> = {
  openai: [
    'gpt-4o-2024-08-06',
    'ft:gpt-4o-mini:org::abc123',
    'ft:gpt-4o-mini-2024-07-18:my-org:custom_suffix:9abcDEF1',
  ],
  anthropic: ['claude-sonnet-4-5-20250929', 'claude-3-7-sonnet-latest'],
  google: ['gemini-2.5-flash-preview-09-2025', 'gemma-3-27b-it', 'gemini-2.0-flash-001'],
  mistral: ['mistral-large-latest', 'ft:open-mistral-7b:587a6b29:20240514:7e773925', 'mistral-large-2411'],
  groq: ['meta-llama/llama-4-scout-17b-16e-instruct', 'openai/gpt-oss-120b', 'qwen/qwen3-32b'],
};
for (const provider of providers) legitimate[provider.id].push(...provider.models.map((model) => model.id));

/** Hand-picked hostile ids, tried on every provider and route. */
const hostileTable = [
  '../../../upload/v1beta/files?',
  '../../../upload/v1beta/files?x=',
  'gemini-2.5-flash/../../../upload/v1beta/files',
  'tunedModels/my-model',
  'models/gemini-2.5-flash',
  'gemini-2.5-flash:generateContent?alt=',
  'gemini-2.5-flash:countTokens#',
  'gemini-2.5-flash#x',
  'gemini-2.5-flash?key=x',
  '%2e%2e%2f%2e%2e%2fupload',
  '..%2f..%2fupload',
  '%2E%2E/upload',
  'a%00b',
  '..',
  '.',
  '...',
  'a/../b',
  'a/./b',
  'a//b',
  '/a',
  'a/',
  'a/b/c',
  '..\\..\\upload',
  'a\\b',
  'gemini\u2024\u2024/upload',
  '\uFF0E\uFF0E\uFF0Fupload',
  'gemini\u3002\u3002',
  'a\u2215b',
  'gpt 4o',
  'gpt-4o\t',
  'gpt-4o\n',
  'gpt-4o\u0000',
  'gpt-4o\u007f',
  'gpt-4o\u200b',
  '-rf',
  ':streamGenerateContent',
  'a'.repeat(201),
];

describe('model ids: refused, or exactly the model’s own endpoint', () => {
  it('keeps the catalogue and plausible new ids working on every route', async () => {
    for (const provider of allProviders) {
      for (const model of legitimate[provider]) {
        for (const route of ['v1', 'v1-stream', 'chat'] as const) {
          expect(await check(route, provider, model), `${route} ${provider}/${model}`).toBe('reached');
        }
      }
    }
  });

  it('refuses the reported Google traversal before any provider call', async () => {
    for (const route of ['v1', 'v1-stream', 'chat'] as const) {
      expect(await check(route, 'google', '../../../upload/v1beta/files?')).toBe('refused');
    }
  });

  it('never reaches another path with the hand-picked hostile ids', async () => {
    for (const provider of allProviders) {
      for (const model of hostileTable) {
        for (const route of ['v1', 'chat'] as const) await check(route, provider, model);
      }
    }
  });

  it('never reaches another path with generated hostile ids (fast-check)', async () => {
    const pieces = [
      ...['..', '.', '/', '//', '../', '..\\', '\\', '%', '%2e', '%2E%2e', '%2f', '%2F', '%5c', '%00', '%3f', '%23'],
      ...['?', '#', ':', ';', '@', '&', '=', '+', ',', '!', '$', '*', "'", '"', '<', '>', '|', '^', '`', '~'],
      ...['{', '}', '[', ']', '(', ')', ' ', '\t', '\n', '\r', '\u0000', '\u001f', '\u007f', '\u0085', '\u00a0'],
      ...['\u2024', '\u2025', '\uFF0E', '\u3002', '\uFE52', '\u2215', '\uFF0F', '\u29F8', '\u200b', '\uFEFF', 'é'],
      ...['upload', 'v1beta', 'files', 'models', 'tunedModels', ':generateContent', ':streamGenerateContent'],
      ...['gemini-2.5-flash', 'gpt-4o', 'x', '1', '-', '_', 'ft:', 'a.b'],
    ];
    const id = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));
    const outcomes = { refused: 0, reached: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...allProviders),
        fc.constantFrom<Route>('v1', 'v1-stream', 'chat'),
        id,
        async (provider, route, model) => {
          outcomes[await check(route, provider, model)]++;
        },
      ),
      { numRuns: 400 },
    );
    // Both branches of the property were exercised, not just the refusal.
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.reached).toBeGreaterThan(0);
  });

  it('checks the id before the key: a bad id is a 400, even with no key for the provider', async () => {
    await admin.delete('/api/admin/keys/google');
    try {
      fakes.reset();
      const bad = await send('v1', 'google', '../x');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'invalid_request', param: 'model' });
      const chat = await send('chat', 'google', '../x');
      expect(chat.statusCode).toBe(400);
      expect(chat.json().error.code).toBe('invalid_request');
      const good = await send('v1', 'google', 'gemini-2.5-flash');
      expect(good.json().error.code).toBe('no_api_key');
    } finally {
      await admin.put('/api/admin/keys/google', { apiKey: makeKey.google() });
    }
  });

  it('conversations refuse a bad id when created, changed or used, and call no provider', async () => {
    const refused = async (response: { statusCode: number; json(): { error: { code: string } } }) => {
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    };
    await refused(await user.post('/api/conversations', { provider: 'google', model: '../../upload/v1beta/files?' }));
    const created = await user.post('/api/conversations', { provider: 'google', model: 'gemini-2.5-flash' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    await refused(await user.patch(`/api/conversations/${id}`, { model: 'a/b' }));
    await refused(await user.patch(`/api/conversations/${id}`, { provider: 'groq', model: 'a/b/c' }));
    await refused(await user.post(`/api/conversations/${id}/messages`, { content: 'hi', model: 'x%2f..' }));
    expect(chatCalls()).toHaveLength(0);
    // The conversation still holds its good model and still answers.
    const sent = await user.post(`/api/conversations/${id}/messages`, { content: 'hi' });
    expect(sent.statusCode).toBe(200);
    expect(chatCalls().map((call) => call.target)).toEqual([ownTarget('google', 'gemini-2.5-flash')]);
  });
});
