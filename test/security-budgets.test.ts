// Issue 10, item 5: a budget's hold bounds what the provider bills. Every parameter that multiplies
// or extends the output (n, each alias of the output limit, a prediction) is counted in the hold or
// refused; exactly one output limit goes upstream, in the provider's own name, equal to the one
// held; an impossible limit is a 400, never a 500. The fakes bill as the real APIs do: each answer
// of `n`, cut at the limit their own API reads.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_OUTPUT_TOKENS, worstCaseInputTokens } from '../src/server/metering/admission.ts';
import { costMicrousd } from '../src/server/metering/cost.ts';
import { getProvider } from '../src/server/providers/registry.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { allProviders, type KeyProvider, makeKey } from './helpers/keys.ts';
import { globalLedger, type Member, member, NO_LIMITS, recordHolds, setLimits, v1 } from './helpers/limits.ts';
import { parseSse } from './helpers/sse.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let holds: ReturnType<typeof recordHolds>;

const models: Record<KeyProvider, string> = {
  openai: 'gpt-4.1',
  anthropic: 'claude-haiku-4-5',
  google: 'gemini-2.5-flash',
  mistral: 'mistral-small-latest',
  groq: 'llama-3.3-70b-versatile',
};
/** Where each provider's API reads the output limit (the gateway's wire). */
const wireLimitName: Record<KeyProvider, string> = {
  openai: 'max_completion_tokens',
  groq: 'max_completion_tokens',
  mistral: 'max_tokens',
  anthropic: 'max_tokens',
  google: 'generationConfig.maxOutputTokens',
};
const LIMIT_ALIASES = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'];
const INT32_MAX = 2 ** 31 - 1;
const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index}`).join(' ');

const ask = (provider: KeyProvider, extra: Record<string, unknown> = {}) => ({
  model: `${provider}/${models[provider]}`,
  messages: [{ role: 'user', content: 'Bound my bill.' }],
  ...extra,
});

const modelCalls = (provider: KeyProvider) =>
  fakes.byProvider[provider].requests.filter((request) => request.method === 'POST');

/** Every output limit the provider's last request carried, by name. */
function upstreamLimits(provider: KeyProvider): Record<string, unknown> {
  const body = (modelCalls(provider).at(-1)?.body ?? {}) as Record<string, unknown>;
  const found: Record<string, unknown> = {};
  for (const name of LIMIT_ALIASES) if (body[name] !== undefined && body[name] !== null) found[name] = body[name];
  const generation = (body.generationConfig as { maxOutputTokens?: unknown } | undefined)?.maxOutputTokens;
  if (generation !== undefined) found['generationConfig.maxOutputTokens'] = generation;
  return found;
}

async function budgeted(dayTokens = 10_000_000): Promise<Member> {
  const user = await member(test);
  expect((await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens } })).statusCode).toBe(200);
  return user;
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app);
  for (const provider of allProviders) {
    expect((await admin.put(`/api/admin/keys/${provider}`, { apiKey: makeKey[provider]() })).statusCode).toBe(200);
  }
  holds = recordHolds(test);
});

beforeEach(() => {
  fakes.reset();
  holds.length = 0;
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('n: every answer is held', () => {
  it('n: 100 with max_tokens: 100 against 1,000 tokens is refused before the provider; n: 3 is held as three answers', async () => {
    fakes.byProvider.openai.setReply(words(150));
    const user = await budgeted(1_000);
    const refused = await v1(test, user.token, ask('openai', { n: 100, max_tokens: 100 }));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('quota_exceeded');
    // Held as a hundred answers of 100 tokens (and the prompt).
    expect(refused.json().error.message).toMatch(/may use up to 10,\d{3} tokens/);
    expect(modelCalls('openai')).toHaveLength(0);

    const three = await v1(test, user.token, ask('openai', { n: 3, max_tokens: 100 }));
    expect(three.statusCode).toBe(200);
    expect(three.json().choices).toHaveLength(3);
    expect(holds.at(-1)?.outputTokens).toBe(300);
    expect(upstreamLimits('openai')).toEqual({ max_completion_tokens: 100 });
    const charged = await globalLedger(test, user.id);
    expect(charged.tokens).toBe(three.json().usage.total_tokens);
    expect(charged.tokens).toBeGreaterThan(300);
    expect(charged.tokens).toBeLessThanOrEqual((holds.at(-1)?.inputTokens ?? 0) + 300);
  });

  it('n outside 1…128, or not an integer, is a 400 naming n', async () => {
    const user = await budgeted();
    for (const n of [0, -1, 1.5, '2', 129, 2 ** 31, true]) {
      const answer = await v1(test, user.token, ask('openai', { n, max_tokens: 5 }));
      expect(answer.statusCode, `n: ${JSON.stringify(n)}`).toBe(400);
      expect(answer.json().error).toMatchObject({ code: 'invalid_request', param: 'n' });
    }
    expect(modelCalls('openai')).toHaveLength(0);
  });

  it('100 concurrent n: 50 requests never take the ledger past the budget', async () => {
    fakes.byProvider.openai.setReply(words(12));
    const probe = await v1(test, (await member(test)).token, ask('openai', { n: 50, max_tokens: 4 }));
    expect(probe.json().usage.completion_tokens).toBe(200);
    const price = test.app.metering.prices.priceAt('openai', models.openai, new Date());
    if (!price) throw new Error('the catalogue prices gpt-4.1');
    const payload = JSON.stringify(ask('openai', { n: 50, max_tokens: 4 }));
    const worstCase = worstCaseInputTokens(Buffer.byteLength(payload), 1) + 50 * 4;
    const oneRequest = costMicrousd(
      { inputTokens: probe.json().usage.prompt_tokens, outputTokens: 200, cachedInputTokens: 0 },
      price,
    );
    // Room for ten worst cases, in money and in tokens.
    const user = await member(test);
    const budget = {
      ...NO_LIMITS,
      dayTokens: 10 * worstCase,
      dayMicrousd: 10 * costMicrousd({ inputTokens: worstCase - 200, outputTokens: 200, cachedInputTokens: 0 }, price),
    };
    expect((await setLimits(admin, user.id, { global: budget })).statusCode).toBe(200);
    fakes.reset();
    fakes.byProvider.openai.setReply(words(12));

    const answers = await Promise.all(Array.from({ length: 100 }, () => v1(test, user.token, payload)));
    const passed = answers.filter((answer) => answer.statusCode === 200);
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThanOrEqual(10);
    expect(answers.filter((answer) => answer.statusCode === 429)).toHaveLength(100 - passed.length);
    expect(modelCalls('openai')).toHaveLength(passed.length);

    const charged = await globalLedger(test, user.id);
    expect(charged.tokens).toBeLessThanOrEqual(budget.dayTokens);
    expect(charged.cost).toBeLessThanOrEqual(budget.dayMicrousd);
    expect(charged.cost).toBe(passed.length * oneRequest);
    expect(await test.app.metering.quota.openHolds(user.id)).toBe(0);
  });
});

describe('the output limit sent is the one held', () => {
  for (const provider of allProviders) {
    it(`${provider}: whatever aliases the client sends, one limit goes upstream in ${wireLimitName[provider]}, equal to the hold`, async () => {
      fakes.byProvider[provider].setReply(words(80));
      const user = await budgeted();
      const variants: Array<Record<string, unknown>> = [
        { max_tokens: 50 },
        { max_completion_tokens: 50 },
        { max_output_tokens: 50 },
        { max_tokens: 50, max_completion_tokens: 50 },
      ];
      for (const variant of variants) {
        holds.length = 0;
        const answer = await v1(test, user.token, ask(provider, variant));
        expect(answer.statusCode, JSON.stringify(variant)).toBe(200);
        expect(holds).toHaveLength(1);
        expect(holds[0]?.outputTokens).toBe(50);
        expect(upstreamLimits(provider)).toEqual({ [wireLimitName[provider]]: 50 });
        // The provider stopped where the hold stopped.
        expect(answer.json().usage.completion_tokens).toBe(50);
      }

      // No limit: WeBox's cap goes upstream, and is what was held.
      holds.length = 0;
      expect((await v1(test, user.token, ask(provider))).statusCode).toBe(200);
      expect(holds[0]?.outputTokens).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
      expect(upstreamLimits(provider)).toEqual({ [wireLimitName[provider]]: DEFAULT_MAX_OUTPUT_TOKENS });

      // Without a budget nothing is held or added, and the client's limit still goes in the provider's name.
      const free = await member(test);
      expect((await v1(test, free.token, ask(provider, { max_completion_tokens: 20 }))).statusCode).toBe(200);
      expect(upstreamLimits(provider)).toEqual({ [wireLimitName[provider]]: 20 });
    });

    it(`${provider}: two different limits are a 400, and nothing reaches the provider`, async () => {
      const user = await budgeted();
      for (const conflict of [
        { max_completion_tokens: 5, max_tokens: 50_000 },
        { max_tokens: 5, max_completion_tokens: 50_000 },
        { max_tokens: 5, max_output_tokens: 6 },
      ]) {
        const answer = await v1(test, user.token, ask(provider, conflict));
        expect(answer.statusCode, JSON.stringify(conflict)).toBe(400);
        expect(answer.json().error.code).toBe('invalid_request');
        expect(LIMIT_ALIASES).toContain(answer.json().error.param);
      }
      expect(modelCalls(provider)).toHaveLength(0);
    });

    it(`${provider}: a limit above the model's maximum, or of 2^31 and more, is a 400 naming it, not a 500`, async () => {
      const user = await budgeted();
      const free = await member(test);
      const maximum = getProvider(provider).models.find((model) => model.id === models[provider])?.maxOutputTokens;
      expect(maximum).toBeGreaterThan(DEFAULT_MAX_OUTPUT_TOKENS);
      for (const token of [user.token, free.token]) {
        for (const [name, value] of [
          ['max_tokens', (maximum ?? 0) + 1],
          ['max_completion_tokens', 2 ** 31],
          ['max_tokens', 2 ** 53],
          ['max_output_tokens', 1e300],
          ['max_tokens', 0],
          ['max_tokens', -5],
          ['max_tokens', 2.5],
          ['max_completion_tokens', '100'],
        ] as const) {
          const answer = await v1(test, token, ask(provider, { [name]: value }));
          expect(answer.statusCode, `${name}: ${value}`).toBe(400);
          expect(answer.json().error).toMatchObject({ code: 'invalid_request', param: name });
        }
      }
      expect(modelCalls(provider)).toHaveLength(0);
      // The model's own maximum is allowed.
      expect((await v1(test, user.token, ask(provider, { max_tokens: maximum }))).statusCode).toBe(200);
      expect(upstreamLimits(provider)).toEqual({ [wireLimitName[provider]]: maximum });
    });
  }

  it('a model outside the catalogue is bounded by 2^31 and by the budget itself', async () => {
    const user = await budgeted(1_000_000);
    const unlisted = (extra: Record<string, unknown>) => ask('openai', { model: 'openai/gpt-unlisted', ...extra });
    const tooBig = await v1(test, user.token, unlisted({ max_tokens: 2 ** 31 }));
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().error).toMatchObject({ code: 'invalid_request', param: 'max_tokens' });
    // n times the limit must stay countable too.
    const multiplied = await v1(test, user.token, unlisted({ max_tokens: INT32_MAX, n: 2 }));
    expect(multiplied.statusCode).toBe(400);
    expect(multiplied.json().error).toMatchObject({ code: 'invalid_request', param: 'n' });
    expect(modelCalls('openai')).toHaveLength(0);
    // The largest the database can hold: capped to what the budget holds, not overflowed.
    const overBudget = await v1(test, user.token, unlisted({ max_tokens: INT32_MAX }));
    expect(overBudget.statusCode).toBe(200);
    const cap = Number(overBudget.headers['x-webox-output-capped']);
    expect(cap).toBeGreaterThan(900_000);
    expect(cap).toBeLessThan(1_000_000);
    expect(upstreamLimits('openai')).toEqual({ max_completion_tokens: cap });
    // Within the budget it passes, with that limit upstream, once the capped call's hold is released
    // (the ledger's write releases it; until then nearly the whole budget is held).
    await test.app.metering.ledger.flush();
    expect((await v1(test, user.token, unlisted({ max_tokens: 200_000 }))).statusCode).toBe(200);
    expect(upstreamLimits('openai')).toEqual({ max_completion_tokens: 200_000 });
  });
});

describe('other output the provider bills', () => {
  it('a prediction is held as output (its rejected tokens are billed), per answer', async () => {
    const user = await budgeted(5_000);
    const prediction = { type: 'content', content: 'p'.repeat(6_000) };
    const refused = await v1(test, user.token, ask('openai', { max_tokens: 10, prediction }));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('quota_exceeded');
    expect(modelCalls('openai')).toHaveLength(0);
    const small = { type: 'content', content: 'p'.repeat(100) };
    expect((await v1(test, user.token, ask('mistral', { max_tokens: 10, n: 2, prediction: small }))).statusCode).toBe(
      200,
    );
    expect(holds.at(-1)?.outputTokens).toBeGreaterThanOrEqual(2 * (10 + 100));
  });

  it('audio output and web search, which the price book cannot bound, are refused on budgeted requests only', async () => {
    // On personal keys: the global keys refuse them for everyone (test/security-priced-extras.test.ts).
    const user = await member(test);
    expect((await user.client.put('/api/keys/openai', { apiKey: makeKey.openai() })).statusCode).toBe(200);
    expect((await setLimits(admin, user.id, { personal: { ...NO_LIMITS, dayTokens: 10_000_000 } })).statusCode).toBe(
      200,
    );
    const free = await member(test);
    expect((await free.client.put('/api/keys/openai', { apiKey: makeKey.openai() })).statusCode).toBe(200);
    for (const [param, extra] of [
      ['audio', { audio: { voice: 'alloy', format: 'wav' } }],
      ['modalities', { modalities: ['text', 'audio'] }],
      ['web_search_options', { web_search_options: {} }],
    ] as const) {
      const answer = await v1(test, user.token, ask('openai', { max_tokens: 10, ...extra }));
      expect(answer.statusCode, param).toBe(400);
      expect(answer.json().error).toMatchObject({ code: 'invalid_request', param });
      expect((await v1(test, free.token, ask('openai', { max_tokens: 10, ...extra }))).statusCode).toBe(200);
    }
    expect(modelCalls('openai')).toHaveLength(3);
  });
});

describe('the web chat and conversations send the cap they hold', () => {
  const onlyLimit = (provider: KeyProvider) => {
    const found = Object.values(upstreamLimits(provider));
    expect(found, JSON.stringify(upstreamLimits(provider))).toHaveLength(1);
    return found[0];
  };

  for (const provider of allProviders) {
    it(`${provider}: /api/chat on a budget sends exactly the held cap`, async () => {
      const user = await budgeted();
      const answer = await user.client.post('/api/chat', {
        provider,
        model: models[provider],
        messages: [{ role: 'user', content: 'Bound my bill.' }],
      });
      expect(answer.statusCode).toBe(200);
      expect(parseSse(answer.body).at(-1)).toMatchObject({ type: 'done' });
      expect(holds).toHaveLength(1);
      expect(holds[0]?.outputTokens).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
      expect(onlyLimit(provider)).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
    });
  }

  it('a conversation turn on a budget sends exactly the held cap', async () => {
    const user = await budgeted();
    const created = await user.client.post('/api/conversations', { provider: 'mistral', model: models.mistral });
    expect(created.statusCode).toBe(201);
    const turn = await user.client.post(`/api/conversations/${created.json().id}/messages`, { content: 'Hello.' });
    expect(turn.statusCode).toBe(200);
    expect(parseSse(turn.body).at(-1)).toMatchObject({ type: 'done' });
    expect(holds.at(-1)?.outputTokens).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
    expect(onlyLimit('mistral')).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
  });
});
