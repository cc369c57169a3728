// Proves the fakes speak the wire formats the real AI SDK providers parse:
// each fake is driven by its provider's own @ai-sdk package, exactly as WeBox
// drives the real APIs, plus plain fetch for what the SDK does not cover
// (model lists, missing keys, unknown paths).

import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogle } from '@ai-sdk/google';
import { createGroq } from '@ai-sdk/groq';
import { createMistral } from '@ai-sdk/mistral';
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModel, LanguageModelUsage } from 'ai';
import { APICallError, generateText, streamText } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeProviderId, FakeUpstream, FakeUpstreams } from './index.ts';
import {
  defaultReplyFor,
  FAKE_PROVIDER_IDS,
  inputTokensFor,
  outputTokensFor,
  startFakeUpstream,
  startFakeUpstreams,
} from './index.ts';

// The SDK logs call warnings to the console by default; tests assert, they don't log.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const INSTRUCTIONS = 'You are a terse assistant.';
const PROMPT = 'Say hello to the test suite.';
const EXPECTED_INPUT_TOKENS = inputTokensFor([INSTRUCTIONS, PROMPT]);

interface SdkCase {
  name: string;
  provider: FakeProviderId;
  model: string;
  generatePath: string;
  streamPath: string;
  /** Whether the SDK surfaces the model id the upstream echoed (Gemini's answer has no `model`). */
  echoesModel: boolean;
  create(apiKey: string, baseURL: string): LanguageModel;
}

const SDK_CASES: SdkCase[] = [
  {
    name: 'openai chat completions (openai.chat)',
    provider: 'openai',
    model: 'gpt-4o-mini',
    generatePath: '/v1/chat/completions',
    streamPath: '/v1/chat/completions',
    echoesModel: true,
    create: (apiKey, baseURL) => createOpenAI({ apiKey, baseURL }).chat('gpt-4o-mini'),
  },
  {
    name: 'openai responses (openai(model))',
    provider: 'openai',
    model: 'gpt-4o-mini',
    generatePath: '/v1/responses',
    streamPath: '/v1/responses',
    echoesModel: true,
    create: (apiKey, baseURL) => createOpenAI({ apiKey, baseURL })('gpt-4o-mini'),
  },
  {
    name: 'anthropic messages',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    generatePath: '/v1/messages',
    streamPath: '/v1/messages',
    echoesModel: true,
    create: (apiKey, baseURL) => createAnthropic({ apiKey, baseURL })('claude-sonnet-4-5'),
  },
  {
    name: 'google generateContent',
    provider: 'google',
    model: 'gemini-2.5-flash',
    generatePath: '/v1beta/models/gemini-2.5-flash:generateContent',
    streamPath: '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
    echoesModel: false,
    create: (apiKey, baseURL) => createGoogle({ apiKey, baseURL })('gemini-2.5-flash'),
  },
  {
    name: 'mistral chat completions',
    provider: 'mistral',
    model: 'mistral-small-latest',
    generatePath: '/v1/chat/completions',
    streamPath: '/v1/chat/completions',
    echoesModel: true,
    create: (apiKey, baseURL) => createMistral({ apiKey, baseURL })('mistral-small-latest'),
  },
  {
    name: 'groq chat completions',
    provider: 'groq',
    model: 'llama-3.3-70b-versatile',
    generatePath: '/openai/v1/chat/completions',
    streamPath: '/openai/v1/chat/completions',
    echoesModel: true,
    create: (apiKey, baseURL) => createGroq({ apiKey, baseURL })('llama-3.3-70b-versatile'),
  },
];

interface StreamOutcome {
  text: string;
  deltaCount: number;
  /** Errors from `error` parts, `onError` and fullStream throwing (the same error may appear twice). */
  errors: unknown[];
  /** The `finish` part's total usage, when the stream finished. */
  usage: LanguageModelUsage | undefined;
  modelId: string | undefined;
}

/** Runs streamText to completion, never throwing: what went wrong is in `errors`. */
async function runStream(model: LanguageModel): Promise<StreamOutcome> {
  const outcome: StreamOutcome = { text: '', deltaCount: 0, errors: [], usage: undefined, modelId: undefined };
  const result = streamText({
    model,
    instructions: INSTRUCTIONS,
    prompt: PROMPT,
    maxRetries: 0,
    onError: ({ error }) => {
      outcome.errors.push(error);
    },
  });
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') {
        outcome.text += part.text;
        outcome.deltaCount += 1;
      } else if (part.type === 'error') {
        outcome.errors.push(part.error);
      } else if (part.type === 'finish-step') {
        outcome.modelId = part.response.modelId;
      } else if (part.type === 'finish') {
        outcome.usage = part.totalUsage;
      }
    }
  } catch (error) {
    // A connection that dies mid-stream is not an `error` part: the SDK makes
    // fullStream itself throw (and skips onError).
    outcome.errors.push(error);
  }
  return outcome;
}

function runGenerate(model: LanguageModel) {
  return generateText({ model, instructions: INSTRUCTIONS, prompt: PROMPT, maxRetries: 0 });
}

/** The APICallError a failed call threw (generateText) or streamed (streamText). */
async function apiCallError(promise: Promise<unknown>): Promise<APICallError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(APICallError.isInstance(error), `expected an APICallError, got ${String(error)}`).toBe(true);
  return error as APICallError;
}

function firstApiCallError(errors: unknown[]): APICallError {
  const error = errors.find((candidate) => APICallError.isInstance(candidate));
  expect(error, `expected an APICallError among ${errors.map(String).join(', ')}`).toBeDefined();
  return error as APICallError;
}

let fakes: FakeUpstreams;

beforeAll(async () => {
  fakes = await startFakeUpstreams();
});

afterAll(async () => {
  await fakes?.close();
});

beforeEach(() => {
  fakes.reset();
});

describe('startFakeUpstreams', () => {
  it('exposes one base URL per provider, with the version path, as WEBOX_<PROVIDER>_BASE_URL', () => {
    expect(Object.keys(fakes.byProvider).sort()).toEqual([...FAKE_PROVIDER_IDS].sort());
    expect(fakes.baseUrls.openai).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(fakes.baseUrls.anthropic).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(fakes.baseUrls.google).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1beta$/);
    expect(fakes.baseUrls.mistral).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(fakes.baseUrls.groq).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/openai\/v1$/);
    expect(fakes.env).toEqual({
      WEBOX_OPENAI_BASE_URL: fakes.baseUrls.openai,
      WEBOX_ANTHROPIC_BASE_URL: fakes.baseUrls.anthropic,
      WEBOX_GOOGLE_BASE_URL: fakes.baseUrls.google,
      WEBOX_MISTRAL_BASE_URL: fakes.baseUrls.mistral,
      WEBOX_GROQ_BASE_URL: fakes.baseUrls.groq,
    });
    for (const id of FAKE_PROVIDER_IDS) expect(fakes.byProvider[id].baseUrl).toBe(fakes.baseUrls[id]);
  });

  it('collects every provider’s requests in arrival order', async () => {
    await fetch(`${fakes.baseUrls.groq}/models`, { headers: { authorization: 'Bearer gsk-1' } });
    await fetch(`${fakes.baseUrls.google}/models?key=g-1`);
    expect(fakes.requests().map((r) => [r.provider, r.apiKey])).toEqual([
      ['groq', 'gsk-1'],
      ['google', 'g-1'],
    ]);
  });
});

describe.each(SDK_CASES)('$name through the AI SDK', (c) => {
  const upstream = (): FakeUpstream => fakes.byProvider[c.provider];
  const model = (apiKey = `key-${c.provider}-ok`) => c.create(apiKey, upstream().baseUrl);
  const reply = defaultReplyFor(c.provider);

  it('generateText gets the reply, the usage and records the exact key', async () => {
    const apiKey = `key-${c.provider}-generate-Zx9`;
    const result = await runGenerate(model(apiKey));

    expect(result.text).toBe(reply);
    expect(result.usage.inputTokens).toBe(EXPECTED_INPUT_TOKENS);
    expect(result.usage.outputTokens).toBe(outputTokensFor(reply));
    if (c.echoesModel) expect(result.response.modelId).toBe(c.model);

    const [request, ...others] = upstream().requests;
    expect(others).toHaveLength(0);
    expect(request).toMatchObject({ provider: c.provider, method: 'POST', path: c.generatePath, apiKey });
    if (c.provider === 'anthropic') expect(request?.headers['anthropic-version']).toBe('2023-06-01');
    if (c.provider === 'google') expect(request?.headers['x-goog-api-key']).toBe(apiKey);
  });

  it('streamText gets the reply in several deltas, then the usage', async () => {
    const apiKey = `key-${c.provider}-stream-Q7`;
    const outcome = await runStream(model(apiKey));

    expect(outcome.errors).toEqual([]);
    expect(outcome.text).toBe(reply);
    expect(outcome.deltaCount).toBeGreaterThanOrEqual(3);
    expect(outcome.usage?.inputTokens).toBe(EXPECTED_INPUT_TOKENS);
    expect(outcome.usage?.outputTokens).toBe(outputTokensFor(reply));
    if (c.echoesModel) expect(outcome.modelId).toBe(c.model);

    const request = upstream().requests[0];
    expect(request).toMatchObject({ path: c.streamPath, apiKey });
    if (c.provider === 'google') expect(request?.query).toEqual({ alt: 'sse' });
  });

  it('setReply changes what both modes answer', async () => {
    const text = 'Custom words for this one test, with seven more words here.';
    upstream().setReply(text);
    const generated = await runGenerate(model());
    const streamed = await runStream(model());
    expect(generated.text).toBe(text);
    expect(generated.usage.outputTokens).toBe(outputTokensFor(text));
    expect(streamed.text).toBe(text);
    expect(streamed.usage?.outputTokens).toBe(outputTokensFor(text));
  });

  it('the output limit the SDK sends cuts the reply there, and usage counts what was written', async () => {
    upstream().setReply('one two three four five six seven eight');
    const generated = await generateText({ model: model(), prompt: PROMPT, maxOutputTokens: 3, maxRetries: 0 });
    expect(generated.text).toBe('one two three');
    expect(generated.usage.outputTokens).toBe(3);
    expect(generated.finishReason).toBe('length');
  });

  it('a key in rejectKeys gets a 401 in the provider’s error format, and is recorded', async () => {
    const apiKey = `key-${c.provider}-revoked`;
    upstream().rejectKeys.add(apiKey);

    const error = await apiCallError(runGenerate(model(apiKey)));
    expect(error.statusCode).toBe(401);
    // `data` is only set when the body parsed against the SDK's own error schema.
    expect(error.data).toBeDefined();
    expect(error.isRetryable).toBe(false);

    const streamed = await runStream(model(apiKey));
    expect(firstApiCallError(streamed.errors).statusCode).toBe(401);
    expect(streamed.text).toBe('');

    expect(upstream().requests.map((r) => r.apiKey)).toEqual([apiKey, apiKey]);
  });

  it('rate_limited answers 429 with Retry-After, for `times` requests only', async () => {
    upstream().setBehavior({ kind: 'rate_limited', retryAfterSeconds: 7 }, { times: 1 });

    const error = await apiCallError(runGenerate(model()));
    expect(error.statusCode).toBe(429);
    expect(error.responseHeaders?.['retry-after']).toBe('7');
    expect(error.data).toBeDefined();

    const after = await runGenerate(model());
    expect(after.text).toBe(reply);
  });

  it('unauthorized, forbidden, bad_request and server_error answer 401, 403, 400 and 500', async () => {
    const expectations = [
      [{ kind: 'unauthorized' }, 401],
      [{ kind: 'forbidden' }, 403],
      [{ kind: 'bad_request', message: 'max_tokens is too large for this model' }, 400],
      [{ kind: 'server_error' }, 500],
    ] as const;
    for (const [behavior, status] of expectations) {
      upstream().setBehavior(behavior, { times: 1 });
      const error = await apiCallError(runGenerate(model()));
      expect(error.statusCode).toBe(status);
      expect(error.data).toBeDefined();
      if (behavior.kind === 'bad_request') expect(error.message).toContain(behavior.message);
    }
  });

  it('cut makes a stream stop early with an error and no usage', async () => {
    upstream().setBehavior({ kind: 'cut' });
    const outcome = await runStream(model());

    expect(outcome.deltaCount).toBeGreaterThanOrEqual(1);
    expect(outcome.text.length).toBeLessThan(reply.length);
    expect(reply.startsWith(outcome.text)).toBe(true);
    expect(outcome.errors.length).toBeGreaterThan(0);
    expect(outcome.usage).toBeUndefined();
  });

  it('cut makes a non-streamed call fail', async () => {
    upstream().setBehavior({ kind: 'cut' }, { times: 1 });
    await expect(runGenerate(model())).rejects.toThrow();
    expect((await runGenerate(model())).text).toBe(reply);
  });

  it('slow waits before answering, then answers ok', async () => {
    upstream().setBehavior({ kind: 'slow', delayMs: 150 }, { times: 1 });
    const started = performance.now();
    const outcome = await runStream(model());
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(outcome.text).toBe(reply);
  });
});

// ---------------------------------------------------------------------------
// Plain HTTP: model lists, auth headers, missing keys, unknown paths.

interface HttpCase {
  provider: FakeProviderId;
  /** Headers carrying `apiKey` the way the provider's API expects it. */
  auth(apiKey: string): Record<string, string>;
  modelIds(body: unknown): string[];
}

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });
const listIds = (body: unknown) => (body as { data: { id: string; object: string }[] }).data.map((m) => m.id);

const HTTP_CASES: HttpCase[] = [
  {
    provider: 'openai',
    auth: bearer,
    modelIds: (body) => {
      expect(body).toMatchObject({
        object: 'list',
        data: expect.arrayContaining([expect.objectContaining({ object: 'model' })]),
      });
      return listIds(body);
    },
  },
  {
    provider: 'anthropic',
    auth: (apiKey) => ({ 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' }),
    modelIds: (body) => {
      expect(body).toMatchObject({
        has_more: false,
        data: expect.arrayContaining([expect.objectContaining({ type: 'model' })]),
      });
      return listIds(body);
    },
  },
  {
    provider: 'google',
    auth: (apiKey) => ({ 'x-goog-api-key': apiKey }),
    modelIds: (body) => (body as { models: { name: string }[] }).models.map((m) => m.name),
  },
  {
    provider: 'mistral',
    auth: bearer,
    modelIds: (body) => {
      expect(body).toMatchObject({ object: 'list' });
      return listIds(body);
    },
  },
  {
    provider: 'groq',
    auth: bearer,
    modelIds: (body) => {
      expect(body).toMatchObject({ object: 'list' });
      return listIds(body);
    },
  },
];

describe.each(HTTP_CASES)('$provider over plain HTTP', (c) => {
  const upstream = (): FakeUpstream => fakes.byProvider[c.provider];
  const url = (path: string) => `${upstream().baseUrl}${path}`;

  it('lists models with the provider’s auth header', async () => {
    const response = await fetch(url('/models'), { headers: c.auth('list-key') });
    expect(response.status).toBe(200);
    const ids = c.modelIds(await response.json());
    expect(ids.length).toBeGreaterThan(0);
    if (c.provider === 'google') expect(ids.every((id) => id.startsWith('models/gemini-'))).toBe(true);
    expect(upstream().requests[0]).toMatchObject({ method: 'GET', apiKey: 'list-key', body: null });
  });

  it('refuses to list models for a rejected key, and without a key', async () => {
    upstream().rejectKeys.add('revoked-key');
    const rejected = await fetch(url('/models'), { headers: c.auth('revoked-key') });
    expect(rejected.status).toBe(401);
    const { 'x-api-key': _key, 'x-goog-api-key': _googKey, authorization: _authorization, ...noKey } = c.auth('x');
    const missing = await fetch(url('/models'), { headers: noKey });
    expect(missing.status).toBe(401);
    expect(upstream().requests.map((r) => r.apiKey)).toEqual(['revoked-key', null]);
  });

  it('answers an unknown path with 404 in the provider’s error format, and records it', async () => {
    const response = await fetch(url('/no-such-endpoint'), { method: 'POST', headers: c.auth('k'), body: '{}' });
    expect(response.status).toBe(404);
    const body = (await response.json()) as Record<string, unknown>;
    if (c.provider === 'anthropic') expect(body).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    else if (c.provider === 'mistral') expect(body).toMatchObject({ object: 'error' });
    else expect(body).toHaveProperty('error.message');
    expect(upstream().requests).toHaveLength(1);
  });

  it('applies behaviours to model lists too', async () => {
    upstream().setBehavior({ kind: 'server_error' }, { times: 1 });
    expect((await fetch(url('/models'), { headers: c.auth('k') })).status).toBe(500);
    expect((await fetch(url('/models'), { headers: c.auth('k') })).status).toBe(200);
  });
});

describe('wire details', () => {
  it('google also takes the key from ?key=', async () => {
    const response = await fetch(`${fakes.baseUrls.google}/models/gemini-2.5-flash:generateContent?key=query-key`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
    });
    expect(response.status).toBe(200);
    expect(fakes.byProvider.google.requests[0]).toMatchObject({ apiKey: 'query-key', query: { key: 'query-key' } });
  });

  it('anthropic requires anthropic-version, like the real API', async () => {
    const response = await fetch(`${fakes.baseUrls.anthropic}/models`, { headers: { 'x-api-key': 'k' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('openai streams usage only when stream_options.include_usage is set, then [DONE]', async () => {
    const send = (includeUsage: boolean) =>
      fetch(`${fakes.baseUrls.openai}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Hi' }],
          stream: true,
          ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
        }),
      }).then((r) => r.text());
    const withUsage = await send(true);
    const withoutUsage = await send(false);
    expect(withUsage).toContain('"choices":[],"usage":{"prompt_tokens":1,');
    expect(withUsage.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(withoutUsage).not.toContain('prompt_tokens');
    expect(withoutUsage.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('openai and mistral write n answers and bill each one; groq refuses n > 1', async () => {
    const send = (provider: 'openai' | 'mistral' | 'groq') =>
      fetch(`${fakes.baseUrls[provider]}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], n: 3, max_tokens: 2 }),
      });
    for (const provider of ['openai', 'mistral'] as const) {
      fakes.byProvider[provider].setReply('one two three');
      const answer = (await (await send(provider)).json()) as {
        choices: Array<{ message: { content: string }; finish_reason: string }>;
        usage: { completion_tokens: number };
      };
      expect(answer.choices.map((choice) => choice.message.content)).toEqual(['one two', 'one two', 'one two']);
      expect(answer.choices[0]?.finish_reason).toBe('length');
      expect(answer.usage.completion_tokens).toBe(6);
    }
    expect((await send('groq')).status).toBe(400);
  });

  it('mistral reads max_tokens only, as its API does', async () => {
    fakes.byProvider.mistral.setReply('one two three four');
    const response = await fetch(`${fakes.baseUrls.mistral}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 1 }),
    });
    expect(((await response.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(4);
  });

  it('a provider started alone works the same and closes cleanly', async () => {
    const single = await startFakeUpstream('mistral');
    try {
      const result = await runGenerate(
        createMistral({ apiKey: 'solo', baseURL: single.baseUrl })('mistral-large-latest'),
      );
      expect(result.text).toBe(defaultReplyFor('mistral'));
      expect(single.requests.map((r) => r.apiKey)).toEqual(['solo']);
    } finally {
      await single.close();
    }
  });
});
