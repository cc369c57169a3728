// Issue 15, "budgets that help": a request the budget left cannot cover whole is capped to the
// output that fits (sent upstream, held, and said under the answer) instead of refused; below the
// shortest useful answer it is refused with the cheapest model that would fit; concurrent capped
// requests never spend past the limit; /v1's refusal carries the same details as /api/chat's; and
// the "left" figure is one number wherever it is read.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costMicrousd, type Price } from '../src/server/metering/cost.ts';
import { DEFAULT_MIN_USEFUL_OUTPUT_TOKENS } from '../src/server/metering/limit-policies.ts';
import { getProvider } from '../src/server/providers/registry.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { globalLedger, member, NO_LIMITS, recordHolds, setLimits, v1 } from './helpers/limits.ts';
import { parseSse } from './helpers/sse.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let holds: ReturnType<typeof recordHolds>;

const MODEL = 'gpt-4.1';
const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index}`).join(' ');

const modelCalls = () =>
  fakes.byProvider.openai.requests.filter(
    (request) => request.method === 'POST' && request.path.endsWith('/completions'),
  );
/** The output limit the provider's last request carried, whatever its name. */
function upstreamLimit(): unknown {
  const body = (modelCalls().at(-1)?.body ?? {}) as Record<string, unknown>;
  return body.max_completion_tokens ?? body.max_tokens;
}

function priceOf(model: string): Price {
  const price = test.app.metering.prices.priceAt('openai', model, new Date());
  if (!price) throw new Error(`the catalogue prices ${model}`);
  return price;
}

const cost = (model: string, inputTokens: number, outputTokens: number) =>
  costMicrousd({ inputTokens, outputTokens, cachedInputTokens: 0 }, priceOf(model));

const chatBody = (extra: Record<string, unknown> = {}) => ({
  provider: 'openai',
  model: MODEL,
  messages: [{ role: 'user', content: 'What is two and two?' }],
  stream: false,
  ...extra,
});

async function withDayBudget(dayMicrousd: number) {
  const user = await member(test);
  expect((await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayMicrousd } })).statusCode).toBe(200);
  return user;
}

/** The cap is the longest answer whose worst case fits: one token more would not. */
function expectLongestThatFits(model: string, room: number, inputTokens: number, cap: number) {
  expect(cost(model, inputTokens, cap)).toBeLessThanOrEqual(room);
  expect(cost(model, inputTokens, cap + 1)).toBeGreaterThan(room);
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app);
  expect((await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() })).statusCode).toBe(200);
  holds = recordHolds(test);
}, 180_000);

beforeEach(() => {
  fakes.reset();
  holds.length = 0;
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('a budget with money for a short answer only', () => {
  it('/api/chat: the answer is capped to what fits, sent upstream and held as such, and says so', async () => {
    // The default worst case (8,192 output tokens of gpt-4.1) is about $0.066: far more than this.
    const room = 10_000;
    const user = await withDayBudget(room);
    fakes.byProvider.openai.setReply(words(20));

    const answer = await user.client.post('/api/chat', chatBody());
    expect(answer.statusCode).toBe(200);
    const held = holds.at(-1);
    if (!held) throw new Error('the request was held');
    const cap = answer.json().capped?.outputTokens;
    expect(answer.json().capped).toEqual({ outputTokens: cap, reason: 'budget' });
    expect(cap).toBeGreaterThan(DEFAULT_MIN_USEFUL_OUTPUT_TOKENS);
    expect(cap).toBeLessThan(8_192);
    // What the provider was told is what was held, and the longest answer the money covers.
    expect(upstreamLimit()).toBe(cap);
    expect(held.outputTokens).toBe(cap);
    expect(held.microusd).toBe(cost(MODEL, held.inputTokens, cap));
    expectLongestThatFits(MODEL, room, held.inputTokens, cap);

    // Streamed, the done event carries it (once the first answer's cost replaced its hold).
    await test.app.metering.ledger.flush();
    const streamed = await user.client.post('/api/chat', chatBody({ stream: true }));
    expect(streamed.statusCode, streamed.body).toBe(200);
    const done = parseSse(streamed.body).find((event) => (event as { type?: string }).type === 'done') as {
      capped?: { outputTokens: number; reason: string };
    };
    expect(done.capped?.reason).toBe('budget');
    expect(done.capped?.outputTokens).toBe(upstreamLimit());

    // A caller's own shorter limit is kept, and nothing says capped.
    await test.app.metering.ledger.flush();
    const own = await v1(test, user.token, {
      model: `openai/${MODEL}`,
      messages: [{ role: 'user', content: 'Short.' }],
      max_tokens: 50,
    });
    expect(own.statusCode).toBe(200);
    expect(upstreamLimit()).toBe(50);
    expect(own.headers['x-webox-output-capped']).toBeUndefined();
  });

  it('/v1: the cap goes upstream, the answer may stop at length, and x-webox-output-capped says the cap', async () => {
    const room = 8_000;
    const user = await withDayBudget(room);
    fakes.byProvider.openai.setReply(words(5_000));
    const answer = await v1(test, user.token, {
      model: `openai/${MODEL}`,
      messages: [{ role: 'user', content: 'Tell me all.' }],
    });
    expect(answer.statusCode).toBe(200);
    const cap = Number(answer.headers['x-webox-output-capped']);
    expect(upstreamLimit()).toBe(cap);
    expect(answer.json().choices[0].finish_reason).toBe('length');
    expect(answer.json().usage.completion_tokens).toBe(cap);
    const held = holds.at(-1);
    if (!held) throw new Error('the request was held');
    expectLongestThatFits(MODEL, room, held.inputTokens, cap);
    // The answer cost what it was allowed to, within the budget.
    const charged = await globalLedger(test, user.id);
    expect(charged.cost).toBeLessThanOrEqual(room);

    // A client's max_tokens larger than what fits is capped too.
    const second = await withDayBudget(room);
    const asked = await v1(test, second.token, {
      model: `openai/${MODEL}`,
      messages: [{ role: 'user', content: 'Tell me all.' }],
      max_tokens: 4_000,
    });
    expect(asked.statusCode).toBe(200);
    expect(Number(asked.headers['x-webox-output-capped'])).toBe(upstreamLimit());
    expect(upstreamLimit()).toBeLessThan(4_000);
  });

  it('the shortest useful answer is an admin setting: above it a request is capped, below it refused', async () => {
    const defaults = (await admin.get('/api/admin/limits')).json().default;
    expect(defaults.minUsefulOutputTokens).toBe(DEFAULT_MIN_USEFUL_OUTPUT_TOKENS);
    const none = { global: NO_LIMITS, personal: NO_LIMITS };
    // Money for about 600 output tokens of gpt-4.1.
    const user = await withDayBudget(5_000);
    try {
      const set = await admin.put('/api/admin/limits/default', { ...none, minUsefulOutputTokens: 1_000 });
      expect(set.statusCode).toBe(200);
      expect(set.json().minUsefulOutputTokens).toBe(1_000);
      const refused = await user.client.post('/api/chat', chatBody());
      expect(refused.statusCode).toBe(429);
      expect(modelCalls()).toHaveLength(0);

      // Leaving it out keeps it; null gives the default back.
      expect((await admin.put('/api/admin/limits/default', none)).json().minUsefulOutputTokens).toBe(1_000);
      const reset = await admin.put('/api/admin/limits/default', { ...none, minUsefulOutputTokens: null });
      expect(reset.json().minUsefulOutputTokens).toBe(DEFAULT_MIN_USEFUL_OUTPUT_TOKENS);
      const capped = await user.client.post('/api/chat', chatBody());
      expect(capped.statusCode).toBe(200);
      expect(capped.json().capped.outputTokens).toBeGreaterThan(DEFAULT_MIN_USEFUL_OUTPUT_TOKENS);
      expect(capped.json().capped.outputTokens).toBeLessThan(1_000);
    } finally {
      await admin.put('/api/admin/limits/default', { ...none, minUsefulOutputTokens: null });
    }
    const invalid = await admin.put('/api/admin/limits/default', { ...none, minUsefulOutputTokens: 0 });
    expect(invalid.statusCode).toBe(400);
  });
});

describe('below the shortest useful answer', () => {
  /** The openai model whose shortest useful answer costs least, of those given. */
  function cheapest(models: string[], inputTokens: number) {
    return models
      .map((model) => ({ model, microusd: cost(model, inputTokens, DEFAULT_MIN_USEFUL_OUTPUT_TOKENS) }))
      .sort((a, b) => a.microusd - b.microusd)[0];
  }
  const openaiModels = () => getProvider('openai').models.map((model) => model.id);

  it('is refused with the quota details and the cheapest model that would fit, on /api/chat and /v1 alike', async () => {
    // 256 output tokens of gpt-4.1 cost $0.002: this is less.
    const room = 1_500;
    const user = await withDayBudget(room);
    const refused = await user.client.post('/api/chat', chatBody());
    expect(refused.statusCode).toBe(429);
    expect(modelCalls()).toHaveLength(0);
    const error = refused.json().error;
    const inputTokens = holds.at(-1)?.inputTokens ?? 0;
    expect(error).toMatchObject({
      code: 'quota_exceeded',
      quota: { source: 'global', period: 'day', unit: 'microusd', limit: room, remaining: room },
    });
    // What it needed at least: the shortest useful answer.
    expect(error.quota.requested).toBe(cost(MODEL, inputTokens, DEFAULT_MIN_USEFUL_OUTPUT_TOKENS));
    const expected = cheapest(openaiModels(), inputTokens);
    expect(expected?.microusd).toBeLessThanOrEqual(room);
    const name = getProvider('openai').models.find((model) => model.id === expected?.model)?.name;
    expect(error.suggestion).toEqual({ model: `openai/${expected?.model}`, name });

    // /v1: OpenAI's four fields, and the same details beside them.
    const gateway = await v1(test, user.token, { model: `openai/${MODEL}`, messages: chatBody().messages });
    expect(gateway.statusCode).toBe(429);
    const body = gateway.json().error;
    expect(body).toMatchObject({ type: 'rate_limit_error', code: 'quota_exceeded', param: null });
    expect(typeof body.message).toBe('string');
    expect(body.quota).toMatchObject({
      source: 'global',
      period: 'day',
      unit: 'microusd',
      limit: room,
      remaining: room,
    });
    expect(body.quota.requested).toBeGreaterThan(room);
    expect(body.suggestion).toEqual(error.suggestion);
    expect(modelCalls()).toHaveLength(0);

    // The suggestion, taken, answers.
    const taken = await user.client.post('/api/chat', chatBody({ model: expected?.model }));
    expect(taken.statusCode).toBe(200);
  });

  it('the suggestion respects what the user may use: a model the operator does not offer is never suggested', async () => {
    const user = await withDayBudget(1_500);
    const all = openaiModels();
    const first = cheapest(all, 10)?.model;
    const offered = all.filter((model) => model !== first && model !== MODEL).map((model) => `openai/${model}`);
    expect((await admin.put('/api/admin/models', { offered: [...offered, `openai/${MODEL}`] })).statusCode).toBe(200);
    try {
      const refused = await user.client.post('/api/chat', chatBody());
      expect(refused.statusCode).toBe(429);
      const inputTokens = holds.at(-1)?.inputTokens ?? 0;
      const expected = cheapest(
        all.filter((model) => model !== first && model !== MODEL),
        inputTokens,
      );
      expect(refused.json().error.suggestion?.model).toBe(`openai/${expected?.model}`);
    } finally {
      await admin.put('/api/admin/models', { offered: 'all' });
    }

    // With nothing that fits, the suggestion is null.
    const broke = await withDayBudget(50);
    const nothing = await broke.client.post('/api/chat', chatBody());
    expect(nothing.statusCode).toBe(429);
    expect(nothing.json().error.suggestion).toBeNull();
  });
});

describe('exactness', () => {
  it('60 concurrent requests capped to what is left never take the ledger past the limit', async () => {
    const room = 40_000;
    const user = await withDayBudget(room);
    // Long answers: each capped answer runs to its cap, and is charged for it.
    fakes.byProvider.openai.setReply(words(8_000));
    const payload = { model: `openai/${MODEL}`, messages: [{ role: 'user', content: 'Write at length.' }] };
    const answers = await Promise.all(Array.from({ length: 60 }, () => v1(test, user.token, payload)));
    const passed = answers.filter((answer) => answer.statusCode === 200);
    const refused = answers.filter((answer) => answer.statusCode === 429);
    expect(passed.length + refused.length).toBe(60);
    expect(passed.length).toBeGreaterThan(0);
    for (const answer of refused) expect(answer.json().error.code).toBe('quota_exceeded');
    // Every answer admitted was capped (the whole default answer never fits), and ran to its cap.
    for (const answer of passed) {
      const cap = Number(answer.headers['x-webox-output-capped']);
      expect(cap).toBeGreaterThanOrEqual(DEFAULT_MIN_USEFUL_OUTPUT_TOKENS);
      expect(answer.json().usage.completion_tokens).toBe(cap);
    }
    expect(modelCalls()).toHaveLength(passed.length);

    const charged = await globalLedger(test, user.id);
    expect(charged.cost).toBeLessThanOrEqual(room);
    expect(charged.requests).toBe(60);
    expect(await test.app.metering.quota.openHolds(user.id)).toBe(0);
    // What is left is less than the shortest useful answer: the next request is refused.
    const after = await v1(test, user.token, payload);
    expect(after.statusCode).toBe(429);
    const left = (await user.client.get('/api/limits')).json().left.global;
    expect(left.remaining).toBe(room - charged.cost);
    expect(left.remaining).toBeLessThan(cost(MODEL, holds.at(-1)?.inputTokens ?? 0, DEFAULT_MIN_USEFUL_OUTPUT_TOKENS));
  });
});

describe('one "left" figure', () => {
  it('GET /api/limits, the budget lines and the refusals on /api/chat and /v1 give the same left, held requests counted', async () => {
    const room = 3_000;
    const user = await withDayBudget(room);
    // One request in flight holds its worst case while the others are read and refused.
    fakes.byProvider.openai.setBehavior({ kind: 'slow', delayMs: 5_000 }, { times: 1 });
    const inFlight = v1(test, user.token, {
      model: `openai/${MODEL}`,
      messages: [{ role: 'user', content: 'Hold this.' }],
      max_tokens: 100,
    });
    while ((await test.app.metering.quota.openHolds(user.id)) === 0) await new Promise((done) => setImmediate(done));
    const held = holds.find((hold) => hold.userId === user.id && hold.outputTokens === 100);
    if (!held) throw new Error('the request in flight was held');

    const limits = (await user.client.get('/api/limits')).json();
    const line = limits.budgets.find((entry: { period: string }) => entry.period === 'day');
    expect(line).toMatchObject({ limit: room, spent: 0, held: held.microusd, remaining: room - held.microusd });
    expect(limits.left.global).toEqual(line);
    expect(limits.left.personal).toBeNull();

    const chat = await user.client.post('/api/chat', chatBody());
    expect(chat.statusCode).toBe(429);
    expect(chat.json().error.quota.remaining).toBe(line.remaining);
    const gateway = await v1(test, user.token, { model: `openai/${MODEL}`, messages: chatBody().messages });
    expect(gateway.statusCode).toBe(429);
    expect(gateway.json().error.quota.remaining).toBe(line.remaining);

    // Only the request in flight reached the provider; once it ends, left is the ledger's figure.
    expect(modelCalls()).toHaveLength(1);
    expect((await inFlight).statusCode).toBe(200);
    const charged = await globalLedger(test, user.id);
    const after = (await user.client.get('/api/limits')).json();
    expect(after.left.global).toMatchObject({ spent: charged.cost, held: 0, remaining: room - charged.cost });
  }, 30_000);
});
