// The operator budget on the global keys and the detectors that raise alerts: the settings (admin
// only, validated, audited), the thresholds crossed by real /v1 traffic (one alert each, once), the
// hard cap (429 quota_exceeded with quota.source 'operator' for global-key traffic, exact under 60
// concurrent requests, personal keys going on), refused and rate-limited global keys (no key in any
// alert, in any encoding), a refused personal key (its owner told, the chat naming their key), a
// failed subscription payment (a signed Stripe webhook) and a user's hour of spend that jumps.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../src/server/app.ts';
import { RATE_LIMIT_STREAK } from '../src/server/detectors/key-watch.ts';
import { costMicrousd } from '../src/server/metering/cost.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { keyEncodings, makeKey } from './helpers/keys.ts';
import { member, v1 } from './helpers/limits.ts';
import { deliver, startBilling, subscriber } from './helpers/stripe-billing.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;

const MODEL = 'gpt-4.1';
const body = (extra: Record<string, unknown> = {}) => ({
  model: `openai/${MODEL}`,
  messages: [{ role: 'user', content: 'Count the operator budget.' }],
  max_tokens: 40,
  ...extra,
});

const NO_BUDGET = { dayMicrousd: null, monthMicrousd: null, thresholds: [50, 80, 100], hardCap: false };
const setBudget = (settings: Record<string, unknown>) =>
  admin.put('/api/admin/operator-budget', { ...NO_BUDGET, spendJumpMultiple: null, ...settings });

/** Everything the detectors started is done (the ledger written, its checks and raises ended). */
async function settle(app: App) {
  await app.metering.ledger.flush();
  await app.detectors.settled();
}

/** Waits for alerts raised off the call's path (a key's fingerprint, then the insert). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt >= 100) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const alertsOf = async (app: App, kind: string) =>
  (await app.alerts.latest('admins', null, 200)).filter((row) => row.kind === kind);

async function daySpent(app: App) {
  await app.metering.ledger.flush();
  return (await app.metering.operator.spent(app.metering.quota.periods())).dayMicrousd;
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_RATE_LIMIT_RPM: '100000' });
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('the operator budget settings', () => {
  it('are for admins only, validated, answered with the spend, and audited in their transaction', async () => {
    const user = await member(test);
    expect((await user.client.get('/api/admin/operator-budget')).statusCode).toBe(403);
    expect(
      (await user.client.put('/api/admin/operator-budget', { ...NO_BUDGET, spendJumpMultiple: null })).statusCode,
    ).toBe(403);

    const initial = (await admin.get('/api/admin/operator-budget')).json();
    expect(initial).toMatchObject({
      dayMicrousd: null,
      monthMicrousd: null,
      thresholds: [50, 80, 100],
      hardCap: false,
    });
    expect(initial.spent).toEqual({ dayMicrousd: expect.any(Number), monthMicrousd: expect.any(Number) });

    for (const bad of [
      { thresholds: [50, 50] },
      { thresholds: [0] },
      { thresholds: [101] },
      { dayMicrousd: -1 },
      { dayMicrousd: 1.5 },
      { spendJumpMultiple: 1 },
      { hardCap: 'yes' },
    ]) {
      expect((await setBudget(bad)).statusCode, JSON.stringify(bad)).toBe(400);
    }

    const saved = await setBudget({ monthMicrousd: 5_000_000, thresholds: [90, 25], spendJumpMultiple: 4 });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ monthMicrousd: 5_000_000, thresholds: [25, 90], spendJumpMultiple: 4 });
    expect((await admin.get('/api/admin/operator-budget')).json().thresholds).toEqual([25, 90]);
    const { rows } = await test.app.database.query<{ details: Record<string, unknown> }>(
      `select details from audit_event where action = 'operator_budget.changed' order by at desc limit 1`,
      [],
    );
    expect(rows[0]?.details).toMatchObject({ monthMicrousd: 5_000_000, thresholds: '25,90', hardCap: false });
    await setBudget({});
  });
});

describe('thresholds', () => {
  it('real /v1 traffic past 50, 80 and 100 % of the day raises one alert each, once', async () => {
    const user = await member(test);
    const price = test.app.metering.prices.priceAt('openai', MODEL, new Date());
    if (!price) throw new Error('the catalogue prices gpt-4.1');
    const probe = (await v1(test, user.token, body())).json().usage;
    const oneRequest = costMicrousd(
      { inputTokens: probe.prompt_tokens, outputTokens: probe.completion_tokens, cachedInputTokens: 0 },
      price,
    );
    await settle(test.app);
    const limit = (await daySpent(test.app)) + 10 * oneRequest;
    expect((await setBudget({ dayMicrousd: limit })).statusCode).toBe(200);

    const counts = async () => {
      await settle(test.app);
      return (await alertsOf(test.app, 'operator_budget.threshold'))
        .map((row) => row.details.threshold)
        .sort((a, b) => Number(a) - Number(b));
    };
    for (let call = 0; call < 5; call++) expect((await v1(test, user.token, body())).statusCode).toBe(200);
    expect(await counts()).toEqual([50]);
    for (let call = 0; call < 3; call++) expect((await v1(test, user.token, body())).statusCode).toBe(200);
    expect(await counts()).toEqual([50, 80]);
    // Past the limit (no hard cap: traffic goes on), and again: still one alert per threshold.
    for (let call = 0; call < 4; call++) expect((await v1(test, user.token, body())).statusCode).toBe(200);
    expect(await counts()).toEqual([50, 80, 100]);
    expect((await v1(test, user.token, body())).statusCode).toBe(200);
    expect(await counts()).toEqual([50, 80, 100]);

    const [top] = (await alertsOf(test.app, 'operator_budget.threshold')).filter(
      (row) => row.details.threshold === 100,
    );
    const day = test.app.metering.quota.periods().day;
    expect(top?.onceKey).toBe(`operator_budget.threshold|day|${day}|100`);
    expect(top).toMatchObject({ audience: 'admins', severity: 'critical' });
    expect(top?.details).toMatchObject({ period: 'day', limitMicrousd: limit });
    expect(Number(top?.details.spentMicrousd)).toBeGreaterThanOrEqual(limit);
    await setBudget({});
  });

  it("a user passing 80 % and 100 % of their own budget: admins are told once each, with the user's e-mail", async () => {
    const user = await member(test);
    const email = (await user.client.get('/api/me')).json().email as string;
    const budget = (monthTokens: number) =>
      admin.put(`/api/admin/users/${user.id}/limits`, {
        global: { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens },
        personal: null,
        requestsPerMinute: null,
        tokensPerMinute: null,
      });
    await budget(700);
    const mine = async () => {
      await settle(test.app);
      return (await alertsOf(test.app, 'user_budget.threshold'))
        .filter((row) => row.subjectUserId === user.id)
        .map((row) => row.details);
    };
    // Calls of a dozen tokens (each holding ~115), until the month passes 80 % of its 700.
    for (let call = 0; call < 60 && (await mine()).length === 0; call++) {
      expect((await v1(test, user.token, body({ max_tokens: 20 }))).statusCode).toBe(200);
    }
    expect(await mine()).toEqual([{ period: 'month', threshold: 80, userEmail: email }]);
    expect((await v1(test, user.token, body({ max_tokens: 20 }))).statusCode).toBe(200);
    expect(await mine()).toHaveLength(1);

    // The admin lowers the budget below what was spent: the next call is refused, and it is used up.
    const spent = (await user.client.get('/api/limits')).json().budgets[0].spent as number;
    await budget(spent - 1);
    expect((await v1(test, user.token, body({ max_tokens: 20 }))).statusCode).toBe(429);
    const raised = await mine();
    expect(raised.map((details) => details.threshold).sort((a, b) => Number(a) - Number(b))).toEqual([80, 100]);
    expect((await alertsOf(test.app, 'user_budget.threshold')).every((row) => row.audience === 'admins')).toBe(true);
  });
});

describe('the hard cap', () => {
  it('60 concurrent global-key requests never spend past it; refusals say quota.source operator; personal keys go on', async () => {
    const price = test.app.metering.prices.priceAt('openai', MODEL, new Date());
    if (!price) throw new Error('the catalogue prices gpt-4.1');
    const users = await Promise.all(Array.from({ length: 6 }, () => member(test)));
    const probe = (await v1(test, users[0]?.token ?? '', body())).json().usage;
    const oneRequest = costMicrousd(
      { inputTokens: probe.prompt_tokens, outputTokens: probe.completion_tokens, cachedInputTokens: 0 },
      price,
    );
    const before = await daySpent(test.app);
    const cap = before + 10 * oneRequest;
    expect((await setBudget({ dayMicrousd: cap, hardCap: true })).statusCode).toBe(200);
    fakes.reset();

    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) => v1(test, users[index % users.length]?.token ?? '', body())),
    );
    const passed = answers.filter((answer) => answer.statusCode === 200);
    const refused = answers.filter((answer) => answer.statusCode === 429);
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThanOrEqual(10);
    expect(passed.length + refused.length).toBe(60);
    const upstream = fakes.byProvider.openai.requests.filter((request) => request.path.endsWith('/completions'));
    expect(upstream).toHaveLength(passed.length);
    for (const answer of refused) {
      const error = answer.json().error;
      expect(error.code).toBe('quota_exceeded');
      expect(error.quota).toMatchObject({ source: 'operator', period: 'day', unit: 'microusd', limit: cap });
      expect(answer.headers['x-should-retry']).toBe('false');
    }
    expect(await daySpent(test.app)).toBeLessThanOrEqual(cap);
    expect(await test.app.metering.quota.openHolds()).toBe(0);

    // The web chat is paused too, with the operator's refusal.
    const chat = await users[1]?.client.post('/api/chat', {
      provider: 'openai',
      model: MODEL,
      messages: [{ role: 'user', content: 'Still there?' }],
    });
    expect(chat?.statusCode).toBe(429);
    expect(chat?.json().error.quota.source).toBe('operator');
    // And conversations.
    const conversation = (
      await users[1]?.client.post('/api/conversations', { provider: 'openai', model: MODEL })
    )?.json() as { id: string };
    const turn = await users[1]?.client.post(`/api/conversations/${conversation.id}/messages`, { content: 'Hello?' });
    expect(turn?.statusCode).toBe(429);
    expect(turn?.json().error).toMatchObject({ code: 'quota_exceeded', quota: { source: 'operator' } });

    // A personal key is not the operator's to pause.
    const own = await member(test, { personalKey: 'openai' });
    expect((await v1(test, own.token, body())).statusCode).toBe(200);

    // The refusal at the cap is the day's 100 % alert.
    const day = test.app.metering.quota.periods().day;
    await settle(test.app);
    expect((await alertsOf(test.app, 'operator_budget.threshold')).map((row) => row.onceKey)).toContain(
      `operator_budget.threshold|day|${day}|100`,
    );
    await setBudget({});
    expect((await v1(test, users[2]?.token ?? '', body())).statusCode).toBe(200);
  });
});

describe('keys the providers refuse', () => {
  it('a refused global key raises global_key.rejected once, naming the provider; no alert holds the key in any encoding', async () => {
    const canary = makeKey.anthropic();
    await admin.put('/api/admin/keys/anthropic', { apiKey: canary });
    const user = await member(test);
    fakes.byProvider.anthropic.setBehavior({ kind: 'unauthorized' });
    const anthropic = { ...body(), model: 'anthropic/claude-sonnet-4-5' };
    for (let call = 0; call < 3; call++) {
      const answer = await v1(test, user.token, anthropic);
      expect(answer.statusCode).toBe(502);
      expect(answer.json().error.code).toBe('provider_rejected_key');
    }
    const rows = await eventually(
      () => alertsOf(test.app, 'global_key.rejected'),
      (found) => found.length > 0,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: 'anthropic', severity: 'critical', audience: 'admins' });
    expect(rows[0]?.details).toEqual({ status: 401 });

    const { rows: dump } = await test.app.database.query('select * from alert', []);
    const text = JSON.stringify(dump);
    for (const [encoding, form] of Object.entries(keyEncodings(canary))) {
      expect(text.includes(form), encoding).toBe(false);
    }

    // A replaced key refused again is another key: raised again.
    await admin.put('/api/admin/keys/anthropic', { apiKey: makeKey.anthropic() });
    await v1(test, user.token, anthropic);
    expect(
      await eventually(
        async () => (await alertsOf(test.app, 'global_key.rejected')).length,
        (count) => count === 2,
      ),
    ).toBe(2);
  });

  it(`a global key answering 429 ${RATE_LIMIT_STREAK} times in a row raises global_key.rate_limited once`, async () => {
    await admin.put('/api/admin/keys/mistral', { apiKey: makeKey.mistral() });
    const user = await member(test);
    fakes.byProvider.mistral.setBehavior({ kind: 'rate_limited', retryAfterSeconds: 0 });
    const mistral = { ...body(), model: 'mistral/mistral-small-latest' };
    for (let call = 0; call < RATE_LIMIT_STREAK - 1; call++) {
      expect((await v1(test, user.token, mistral)).statusCode).toBe(429);
    }
    // Raising is asynchronous: give what the streak so far would have raised its chance.
    await settle(test.app);
    expect(await alertsOf(test.app, 'global_key.rate_limited')).toHaveLength(0);
    expect((await v1(test, user.token, mistral)).statusCode).toBe(429);
    const rows = await eventually(
      () => alertsOf(test.app, 'global_key.rate_limited'),
      (found) => found.length > 0,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: 'mistral', details: { count: RATE_LIMIT_STREAK } });
    // The same hour: the streak going on raises nothing more.
    await v1(test, user.token, mistral);
    await settle(test.app);
    expect(await alertsOf(test.app, 'global_key.rate_limited')).toHaveLength(1);
  });

  it("a refused personal key tells its owner, and the chat's error names their key, not the global one", async () => {
    const own = await member(test, { personalKey: 'openai' });
    fakes.byProvider.openai.setBehavior({ kind: 'unauthorized' });
    const chat = await own.client.post('/api/chat', {
      provider: 'openai',
      model: MODEL,
      messages: [{ role: 'user', content: 'Is my key fine?' }],
    });
    expect(chat.statusCode).toBe(502);
    expect(chat.json().error).toMatchObject({ code: 'provider_rejected_key', source: 'personal', provider: 'openai' });
    const rows = await eventually(
      () => test.app.alerts.latest('user', own.id, 10),
      (found) => found.length > 0,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'personal_key.rejected', subjectUserId: own.id, provider: 'openai' });
    // Not the admins' alert, and not the global key's.
    expect((await alertsOf(test.app, 'global_key.rejected')).some((row) => row.provider === 'openai')).toBe(false);
  });
});

describe('spend that jumps', () => {
  it("a user's hour on the global keys past the multiple of their usual hour raises spend.jump once", async () => {
    const user = await member(test);
    expect((await setBudget({ spendJumpMultiple: 5 })).statusCode).toBe(200);
    const insert = (at: Date, cost: number) =>
      test.app.database.query(
        `insert into usage_event (request_id, user_id, endpoint, provider, model, key_source, cost_microusd, status, created_at)
         values ($1, $2, 'gateway', 'openai', $3, 'global', $4, 200, $5)`,
        [randomUUID(), user.id, MODEL, cost, at.toISOString()],
      );
    // The usual hour: 0.40 $ in each of three hours of the days before.
    for (const daysAgo of [1, 2, 3]) await insert(new Date(Date.now() - daysAgo * 86_400_000), 400_000);
    // This hour: 3 $ already, then a real call that the ledger writes.
    await insert(new Date(), 3_000_000);
    expect((await v1(test, user.token, body())).statusCode).toBe(200);
    await settle(test.app);
    const rows = (await alertsOf(test.app, 'spend.jump')).filter((row) => row.subjectUserId === user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toMatchObject({ usualHourMicrousd: 400_000 });
    expect(Number(rows[0]?.details.hourMicrousd)).toBeGreaterThan(3_000_000);
    expect(Number(rows[0]?.details.multiple)).toBeGreaterThan(5);

    // Under the multiple: a user whose hour is like their usual one raises nothing.
    const steady = await member(test);
    await test.app.database.query(
      `insert into usage_event (request_id, user_id, endpoint, provider, model, key_source, cost_microusd, status, created_at)
       values ($1, $2, 'gateway', 'openai', $3, 'global', 2000000, 200, $4)`,
      [randomUUID(), steady.id, MODEL, new Date(Date.now() - 86_400_000).toISOString()],
    );
    expect((await v1(test, steady.token, body())).statusCode).toBe(200);
    await settle(test.app);
    expect((await alertsOf(test.app, 'spend.jump')).some((row) => row.subjectUserId === steady.id)).toBe(false);
    await setBudget({});
  });
});

describe('a subscription that fails to pay', () => {
  it('a signed invoice.payment_failed raises subscription.payment_failed once per invoice', async () => {
    const billing = await startBilling();
    try {
      const app = billing.test.app;
      const paying = await subscriber(app, billing);
      for (const event of paying.events) expect((await deliver(app, billing.stripe, event)).statusCode).toBe(200);
      const [failed] = billing.stripe.failPayment(paying.subscription.id as string);
      if (!failed) throw new Error('the fake made no invoice.payment_failed');
      expect((await deliver(app, billing.stripe, failed)).statusCode).toBe(200);
      // A second delivery of the same event applies nothing and raises nothing.
      expect((await deliver(app, billing.stripe, failed)).statusCode).toBe(200);
      const rows = await alertsOf(app, 'subscription.payment_failed');
      expect(rows).toHaveLength(1);
      const invoice = (failed.data as { object: { id: string } }).object.id;
      expect(rows[0]).toMatchObject({ onceKey: `subscription.payment_failed|${invoice}`, subjectUserId: paying.id });
      expect(rows[0]?.details.userEmail).toBe((await paying.client.get('/api/me')).json().email);
    } finally {
      await billing.test.close();
      await billing.stripe.close();
    }
  });
});
