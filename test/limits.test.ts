// Budgets and rate limits, on the embedded database and (second pass) on PostgreSQL with Redis:
// a budget holds under 100 concurrent requests, refusals say which limit, how much is left and
// when it resets, orphaned holds are charged once, rate-limit headers and Retry-After are right,
// the numbers users read match the ledger, and sign-in guessing is throttled.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADDRESS_FAILURES, createSignInThrottle } from '../src/server/auth/sign-in-throttle.ts';
import { DEFAULT_MAX_OUTPUT_TOKENS, worstCaseInputTokens } from '../src/server/metering/admission.ts';
import { costMicrousd } from '../src/server/metering/cost.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signIn, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { globalLedger, member, NO_LIMITS, setLimits, v1 } from './helpers/limits.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;

const MODEL = 'gpt-4.1';

const completionBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: `openai/${MODEL}`, messages: [{ role: 'user', content: 'Hold my budget.' }], ...extra });

const openaiCalls = () => fakes.byProvider.openai.requests.filter((request) => request.path.endsWith('/completions'));
const sentBody = (index: number) => (openaiCalls()[index]?.body ?? {}) as Record<string, unknown>;

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_QUOTA_HOLD_TTL_MS: '1500' });
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('budgets on the global keys', () => {
  it('100 concurrent requests against a budget covering exactly 10: at most 10 reach the provider, the ledger is their cost, nothing stays held', async () => {
    const user = await member(test);
    const payload = completionBody({ max_tokens: 40 });
    const price = test.app.metering.prices.priceAt('openai', MODEL, new Date());
    if (!price) throw new Error('the catalogue prices gpt-4.1');
    // What one such request really costs (a probe by another user: the fake answers alike).
    const probe = (await v1(test, (await member(test)).token, payload)).json().usage;
    const oneRequest = costMicrousd(
      { inputTokens: probe.prompt_tokens, outputTokens: probe.completion_tokens, cachedInputTokens: 0 },
      price,
    );
    const worstCase = costMicrousd(
      { inputTokens: worstCaseInputTokens(Buffer.byteLength(payload), 1), outputTokens: 40, cachedInputTokens: 0 },
      price,
    );
    expect(worstCase).toBeGreaterThanOrEqual(oneRequest);
    fakes.reset();
    expect(
      (await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayMicrousd: 10 * oneRequest } })).statusCode,
    ).toBe(200);

    const answers = await Promise.all(Array.from({ length: 100 }, () => v1(test, user.token, payload)));
    const passed = answers.filter((answer) => answer.statusCode === 200);
    const refused = answers.filter((answer) => answer.statusCode === 429);
    // Each admitted request held its worst case, released only as its real cost was charged.
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThanOrEqual(10);
    expect(passed.length + refused.length).toBe(100);
    expect(openaiCalls()).toHaveLength(passed.length);
    for (const answer of refused) expect(answer.json().error.code).toBe('quota_exceeded');

    // The ledger holds exactly what the answers cost, at the catalogue's price.
    const expected = passed.reduce((sum, answer) => {
      const usage = answer.json().usage;
      return (
        sum +
        costMicrousd(
          { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, cachedInputTokens: 0 },
          price,
        )
      );
    }, 0);
    const charged = await globalLedger(test, user.id);
    expect(charged.cost).toBe(expected);
    expect(charged.cost).toBe(passed.length * oneRequest);
    expect(charged.cost).toBeLessThanOrEqual(10 * oneRequest);
    expect(await test.app.metering.quota.openHolds(user.id)).toBe(0);

    // What the user reads is the ledger's figure.
    const mine = (await user.client.get('/api/limits')).json();
    const line = mine.budgets.find((entry: { period: string; unit: string }) => entry.period === 'day');
    expect(line).toMatchObject({
      source: 'global',
      unit: 'microusd',
      limit: 10 * oneRequest,
      spent: expected,
      held: 0,
    });
    expect(line.remaining).toBe(10 * oneRequest - expected);
  });

  it('a refusal names the limit, what is left and when it resets, and is not retried by OpenAI clients', async () => {
    const user = await member(test);
    await setLimits(admin, user.id, { global: { ...NO_LIMITS, monthTokens: 100 }, requestsPerMinute: 50 });
    const answer = await v1(test, user.token, completionBody({ max_tokens: 500 }));
    expect(answer.statusCode).toBe(429);
    const error = answer.json().error;
    expect(error.code).toBe('quota_exceeded');
    expect(error.type).toBe('rate_limit_error');
    expect(error.message).toMatch(/monthly token budget on the shared \(global\) keys/);
    expect(error.message).toMatch(/100 tokens left/);
    expect(openaiCalls()).toHaveLength(0);

    // The month resets at midnight on the 1st, in the operator's time zone (UTC here).
    const now = new Date();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(error.message).toContain(nextMonth.toISOString());
    const retryAfter = Number(answer.headers['retry-after']);
    expect(Math.abs(retryAfter - (nextMonth.getTime() - Date.now()) / 1000)).toBeLessThan(5);
    expect(answer.headers['x-should-retry']).toBe('false');
    // The request was counted against the minute, and the headers say so.
    expect(answer.headers['x-ratelimit-limit']).toBe('50');
    expect(answer.headers['x-ratelimit-remaining']).toBe('49');

    // On the API's own error shape, the details are fields.
    await user.client.put('/api/keys/openai', { apiKey: makeKey.openai() });
    await user.client.delete('/api/keys/openai');
    const chat = await user.client.post('/api/chat', {
      provider: 'openai',
      model: MODEL,
      messages: [{ role: 'user', content: 'x'.repeat(200) }],
    });
    expect(chat.statusCode).toBe(429);
    expect(chat.json().error).toMatchObject({
      code: 'quota_exceeded',
      quota: { source: 'global', period: 'month', unit: 'tokens', limit: 100, remaining: 100 },
    });
    expect(chat.json().error.quota.requested).toBeGreaterThan(100);
  });

  it('a budgeted request without max_tokens is capped upstream, so its hold is a real bound', async () => {
    const user = await member(test);
    await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens: 1_000_000 } });
    expect((await v1(test, user.token, completionBody())).statusCode).toBe(200);
    expect(sentBody(0).max_completion_tokens).toBe(DEFAULT_MAX_OUTPUT_TOKENS);

    // The client's own limit is kept, sent once under OpenAI's current name (which counts reasoning).
    expect((await v1(test, user.token, completionBody({ max_tokens: 64 }))).statusCode).toBe(200);
    const sent = sentBody(1);
    expect(sent.max_completion_tokens).toBe(64);
    expect(sent.max_tokens).toBeUndefined();

    // Without a budget nothing is added.
    const free = await member(test);
    expect((await v1(test, free.token, completionBody())).statusCode).toBe(200);
    expect(sentBody(2).max_completion_tokens).toBeUndefined();
  });

  it('the default budget applies to everyone until an admin overrides it; personal keys are not limited by it', async () => {
    const user = await member(test);
    const owner = await member(test, { personalKey: 'openai' });
    const saved = await admin.put('/api/admin/limits/default', {
      global: { ...NO_LIMITS, dayTokens: 10 },
      personal: NO_LIMITS,
    });
    try {
      expect(saved.statusCode).toBe(200);
      expect(saved.json().budgets.global.dayTokens).toBe(10);
      expect((await v1(test, user.token, completionBody())).json().error.code).toBe('quota_exceeded');
      // The owner of a personal key pays for it: no budget applies by default.
      expect((await v1(test, owner.token, completionBody())).statusCode).toBe(200);

      // An override replaces the default for that user; null gives it back.
      await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens: 1_000_000 } });
      expect((await v1(test, user.token, completionBody())).statusCode).toBe(200);
      const view = (await admin.get(`/api/admin/users/${user.id}/limits`)).json();
      expect(view.override.global.dayTokens).toBe(1_000_000);
      await setLimits(admin, user.id, {});
      expect((await v1(test, user.token, completionBody())).json().error.code).toBe('quota_exceeded');

      // Limits on personal keys, when the admin sets them, hold the same way.
      await setLimits(admin, owner.id, { personal: { ...NO_LIMITS, dayTokens: 5 } });
      const personal = await v1(test, owner.token, completionBody());
      expect(personal.statusCode).toBe(429);
      expect(personal.json().error.message).toMatch(/your personal keys/);
    } finally {
      await admin.put('/api/admin/limits/default', { global: NO_LIMITS, personal: NO_LIMITS });
    }
  });

  it('a model with no price cannot be charged against a money budget', async () => {
    const user = await member(test);
    await setLimits(admin, user.id, { global: { ...NO_LIMITS, monthMicrousd: 1_000_000 } });
    const answer = await v1(test, user.token, completionBody({ model: 'openai/gpt-unlisted' }));
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.code).toBe('unpriced_model');
    expect(openaiCalls()).toHaveLength(0);
  });

  it('an orphaned hold is charged once at its worst case; a hold whose request was metered is only released', async () => {
    const user = await member(test);
    const insertHold = (requestId: string) =>
      test.app.database.query(
        `insert into quota_hold (request_id, user_id, endpoint, provider, model, key_source, input_tokens,
           output_tokens, microusd, expires_at)
         values ($1, $2, 'gateway', 'openai', $3, 'global', 100, 200, 1234, now() - interval '1 second')`,
        [requestId, user.id, MODEL],
      );
    await insertHold('orphan-1');
    // A request whose usage row made it to the ledger but whose hold outlived it (a crash between the two).
    test.app.metering.ledger.record({
      requestId: 'metered-1',
      userId: user.id,
      endpoint: 'gateway',
      provider: 'openai',
      model: MODEL,
      keySource: 'global',
      tokens: { inputTokens: 10, outputTokens: 10, cachedInputTokens: 0 },
      status: 200,
    });
    await test.app.metering.ledger.flush();
    await insertHold('metered-1');
    const before = await globalLedger(test, user.id);

    await test.app.metering.quota.sweep();
    await test.app.metering.quota.sweep();
    expect(await test.app.metering.quota.openHolds(user.id)).toBe(0);
    const after = await globalLedger(test, user.id);
    expect(after.requests).toBe(before.requests + 1);
    expect(after.cost).toBe(before.cost + 1234);
    const orphan = await test.app.database.query<{ estimated: boolean; error_code: string; cost_microusd: string }>(
      `select estimated, error_code, cost_microusd from usage_event where request_id = 'orphan-1'`,
      [],
    );
    expect(orphan.rows[0]).toMatchObject({ estimated: true, error_code: 'hold_expired' });
    expect(Number(orphan.rows[0]?.cost_microusd)).toBe(1234);
  });

  it('a hold is kept alive while its request runs, however long past the expiry that is', async () => {
    const user = await member(test);
    await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens: 1_000_000 } });
    fakes.byProvider.openai.setBehavior({ kind: 'slow', delayMs: 3_000 }, { times: 1 });
    const slow = v1(test, user.token, completionBody({ max_tokens: 10 }));
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    await test.app.metering.quota.sweep();
    expect(await test.app.metering.quota.openHolds(user.id)).toBe(1);
    expect((await slow).statusCode).toBe(200);
    const charged = await globalLedger(test, user.id);
    expect(charged.requests).toBe(1);
    expect(await test.app.metering.quota.openHolds(user.id)).toBe(0);
    const row = await test.app.database.query<{ estimated: boolean }>(
      'select estimated from usage_event where user_id = $1',
      [user.id],
    );
    expect(row.rows[0]?.estimated).toBe(false);
  });
});

describe('rate limits', () => {
  it('counts requests per minute, says so on every answer, and refuses with Retry-After', async () => {
    const user = await member(test);
    await setLimits(admin, user.id, { requestsPerMinute: 3 });
    const remaining: string[] = [];
    for (let index = 0; index < 3; index++) {
      const answer = await v1(test, user.token, completionBody());
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['x-ratelimit-limit']).toBe('3');
      const reset = Number(answer.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
      remaining.push(String(answer.headers['x-ratelimit-remaining']));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await v1(test, user.token, completionBody({ stream: true }));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'rate_limited', type: 'rate_limit_error' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(refused.headers['x-ratelimit-reset']).toBe(String(retryAfter));
    expect(openaiCalls()).toHaveLength(3);

    // Answers that call no model carry the window too, without counting.
    const models = await test.app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(models.statusCode).toBe(200);
    expect(models.headers['x-ratelimit-limit']).toBe('3');
    expect(models.headers['x-ratelimit-remaining']).toBe('0');
    const refusedChat = await user.client.post('/api/chat', {
      provider: 'openai',
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(refusedChat.statusCode).toBe(429);
    expect(refusedChat.json().error.code).toBe('rate_limited');
  });

  it('streams carry the headers, and an access token with its own limit is held to it', async () => {
    const user = await member(test);
    await setLimits(admin, user.id, { requestsPerMinute: 100 });
    const scripted = (await user.client.post('/api/tokens', { name: 'cron', requestsPerMinute: 2 })).json();
    expect(scripted.requestsPerMinute).toBe(2);
    const stream = await v1(test, scripted.token, completionBody({ stream: true }));
    expect(stream.statusCode).toBe(200);
    expect(stream.headers['content-type']).toMatch(/text\/event-stream/);
    expect(stream.headers['x-ratelimit-limit']).toBe('2');
    expect(stream.headers['x-ratelimit-remaining']).toBe('1');
    expect((await v1(test, scripted.token, completionBody())).statusCode).toBe(200);
    const refused = await v1(test, scripted.token, completionBody());
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(/this access token allows 2 per minute/);
    // The owner's other tokens still have the owner's minute.
    const other = await v1(test, user.token, completionBody());
    expect(other.statusCode).toBe(200);
    expect(other.headers['x-ratelimit-limit']).toBe('100');
    expect(other.headers['x-ratelimit-remaining']).toBe('96');
  });

  it('counts tokens per minute from the answers', async () => {
    const user = await member(test);
    await setLimits(admin, user.id, { tokensPerMinute: 5 });
    const first = await v1(test, user.token, completionBody());
    expect(first.statusCode).toBe(200);
    expect(first.json().usage.total_tokens).toBeGreaterThan(5);
    const second = await v1(test, user.token, completionBody());
    expect(second.statusCode).toBe(429);
    expect(second.json().error.code).toBe('rate_limited');
    expect(second.json().error.message).toMatch(/5 tokens per minute/);
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

describe('limits API', () => {
  it('each user reads their own limits; only admins read or set anyone else’s', async () => {
    const user = await member(test);
    const mine = (await user.client.get('/api/limits')).json();
    expect(mine).toEqual({
      budgets: [],
      left: { global: null, personal: null },
      rateLimits: { requestsPerMinute: 1_000_000, tokensPerMinute: null },
      timezone: 'UTC',
    });
    expect((await anonymous(test.app).get('/api/limits')).statusCode).toBe(401);
    for (const [method, url] of [
      ['GET', '/api/admin/limits'],
      ['PUT', '/api/admin/limits/default'],
      ['GET', `/api/admin/users/${user.id}/limits`],
      ['PUT', `/api/admin/users/${user.id}/limits`],
    ] as const) {
      expect((await user.client.request({ method, url, payload: {} })).statusCode).toBe(403);
      expect((await anonymous(test.app).request({ method, url, payload: {} })).statusCode).toBe(401);
    }
    expect((await setLimits(admin, 'no-such-user', {})).statusCode).toBe(404);
    const bad = await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayMicrousd: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');

    await setLimits(admin, user.id, { global: { ...NO_LIMITS, monthMicrousd: 5_000_000 }, requestsPerMinute: 30 });
    const overview = (await admin.get('/api/admin/limits')).json();
    expect(overview.store).toBe(process.env.REDIS_URL ? 'redis' : 'memory');
    const row = overview.users.find((entry: { userId: string }) => entry.userId === user.id);
    expect(row).toMatchObject({
      effective: { global: { monthMicrousd: 5_000_000 }, personal: null },
      requestsPerMinute: 30,
      spentGlobal: { dayMicrousd: 0, monthMicrousd: 0 },
    });
  });
});

describe('sign-in throttling', () => {
  it('locks an account after 10 failed attempts, from whatever address, and a success clears the count', async () => {
    const victim = await signUp(test.app);
    const attempt = (password: string, address: string) =>
      test.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        remoteAddress: address,
        headers: { origin: test.app.config.publicUrl },
        payload: { email: victim.email, password },
      });
    // A success in the middle resets the count.
    for (let index = 0; index < 5; index++)
      expect((await attempt('wrong-password', `10.9.0.${index}`)).statusCode).toBe(401);
    expect((await attempt(victim.password, '10.9.1.1')).statusCode).toBe(200);
    for (let index = 0; index < 10; index++)
      expect((await attempt('wrong-password', `10.9.2.${index}`)).statusCode).toBe(401);
    const locked = await attempt(victim.password, '10.9.3.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
    // Other accounts are not locked.
    const other = await signUp(test.app);
    expect((await signIn(test.app, other.email, other.password)).response.statusCode).toBe(200);
  });

  it('throttles one address trying many accounts', async () => {
    const attempt = (email: string) =>
      test.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        remoteAddress: '10.8.0.1',
        headers: { origin: test.app.config.publicUrl },
        payload: { email, password: 'not-the-password' },
      });
    // 49 failures already counted this hour (better-auth's own limit of 10 a minute per address
    // would stop a test sending them all), then the 50th and the 51st attempt.
    const throttle = createSignInThrottle(test.app.metering.rates);
    for (let index = 0; index < ADDRESS_FAILURES - 1; index++) await throttle.failed(null, '10.8.0.1');
    expect((await attempt('nobody-1@example.com')).statusCode).toBe(401);
    const refused = await attempt('nobody-2@example.com');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('TOO_MANY_ATTEMPTS');
    // Another address is not affected.
    const elsewhere = await test.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      remoteAddress: '10.8.0.2',
      headers: { origin: test.app.config.publicUrl },
      payload: { email: 'nobody-3@example.com', password: 'not-the-password' },
    });
    expect(elsewhere.statusCode).toBe(401);
  });
});

describe('request ids', () => {
  it('every answer has a fresh id, and a client-sent one cannot make the ledger skip a row', async () => {
    const user = await member(test);
    const first = await v1(test, user.token, completionBody(), { 'x-request-id': 'replayed' });
    const second = await v1(test, user.token, completionBody(), { 'x-request-id': 'replayed' });
    expect(first.headers['x-request-id']).not.toBe('replayed');
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    expect((await globalLedger(test, user.id)).requests).toBe(2);
    const rows = await test.app.database.db.execute(
      sql`select count(*) as n from usage_event where request_id = 'replayed'`,
    );
    expect(Number((rows as unknown as { rows: Array<{ n: string }> }).rows[0]?.n)).toBe(0);
  });
});
