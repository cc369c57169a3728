// The operator budget across two WeBox instances on one PostgreSQL (and Redis): /v1 traffic on both
// at once crosses the thresholds and each alert row exists exactly once (PostgreSQL's once key, not
// either instance's memory), and reaches the admin's webhook exactly once, signed, though both
// instances' delivery workers run; the hard cap holds whatever instance the requests arrive on.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/server/app.ts';
import { costMicrousd } from '../src/server/metering/cost.ts';
import { signUp } from './helpers/client.ts';
import { postgresUrl } from './helpers/database.ts';
import { twoInstancesOnPostgres } from './helpers/two-instances.ts';
import { startWebhookReceiver, verifyStandardWebhook, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const redisUrl = process.env.REDIS_URL;
const MODEL = 'gpt-4.1';
const body = JSON.stringify({
  model: `openai/${MODEL}`,
  messages: [{ role: 'user', content: 'Two instances, one budget.' }],
  max_tokens: 40,
});

const v1 = (app: App, token: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: body,
  });

async function settle(...apps: App[]) {
  for (const app of apps) await app.metering.ledger.flush();
  for (const app of apps) await app.detectors.settled();
}

describe.skipIf(!postgresUrl || !redisUrl)('the operator budget across two instances', () => {
  const instances = twoInstancesOnPostgres({
    REDIS_URL: redisUrl ?? '',
    WEBOX_REDIS_PREFIX: `webox-test-${randomBytes(6).toString('hex')}`,
  });

  const secret = 'whsec_' + randomBytes(24).toString('base64');
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const created = await instances().admin.post('/api/admin/alerts/webhooks', {
      name: 'Ops',
      url: receiver.url,
      secret,
    });
    expect(created.statusCode).toBe(201);
  });
  afterAll(async () => {
    await receiver?.close();
  });

  async function members(count: number) {
    const { first, second } = instances();
    return Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const client = await signUp(index % 2 === 0 ? first : second);
        return (await client.post('/api/tokens', { name: 'operator' })).json().token as string;
      }),
    );
  }

  async function daySpent() {
    const { first, second } = instances();
    await settle(first, second);
    return (await first.metering.operator.spent(first.metering.quota.periods())).dayMicrousd;
  }

  it('traffic on both instances crosses every threshold: each alert row exists once', async () => {
    const { first, second, admin } = instances();
    const tokens = await members(4);
    const price = first.metering.prices.priceAt('openai', MODEL, new Date());
    if (!price) throw new Error('the catalogue prices gpt-4.1');
    const probe = (await v1(first, tokens[0] ?? '')).json().usage;
    const oneRequest = costMicrousd(
      { inputTokens: probe.prompt_tokens, outputTokens: probe.completion_tokens, cachedInputTokens: 0 },
      price,
    );
    const limit = (await daySpent()) + 20 * oneRequest;
    const saved = await admin.put('/api/admin/operator-budget', {
      dayMicrousd: limit,
      monthMicrousd: null,
      thresholds: [25, 50, 75, 100],
      hardCap: false,
      spendJumpMultiple: null,
    });
    expect(saved.statusCode).toBe(200);

    // Four waves of requests on both instances at once, each wave written and checked by both.
    for (let wave = 0; wave < 4; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, index) => v1(index % 2 === 0 ? first : second, tokens[index % 4] ?? '')),
      );
      for (const answer of answers) expect(answer.statusCode).toBe(200);
      await settle(first, second);
    }
    expect(await daySpent()).toBeGreaterThanOrEqual(limit);
    const { rows } = await first.database.query<{ once_key: string; count: string }>(
      `select once_key, count(*) from alert where kind = 'operator_budget.threshold' group by once_key`,
      [],
    );
    const day = first.metering.quota.periods().day;
    expect(rows.map((row) => row.once_key).sort()).toEqual(
      [25, 50, 75, 100].map((threshold) => `operator_budget.threshold|day|${day}|${threshold}`).sort(),
    );
    for (const row of rows) expect(Number(row.count)).toBe(1);

    // Both instances' workers deliver at once, twice over: each alert reaches the webhook once.
    await Promise.all([first.alerts.deliverDue(), second.alerts.deliverDue()]);
    await Promise.all([first.alerts.deliverDue(), second.alerts.deliverDue()]);
    const thresholds = receiver.received.filter((post) => JSON.parse(post.body).kind === 'operator_budget.threshold');
    expect(thresholds.map((post) => JSON.parse(post.body).details.threshold).sort((a, b) => a - b)).toEqual([
      25, 50, 75, 100,
    ]);
    expect(new Set(thresholds.map((post) => post.headers['webhook-id'])).size).toBe(4);
    for (const post of thresholds) expect(verifyStandardWebhook(secret, post)).toBe(true);
  });

  it('the hard cap holds across both: 60 requests split over two instances never spend past it', async () => {
    const { first, second, admin } = instances();
    const tokens = await members(6);
    const price = first.metering.prices.priceAt('openai', MODEL, new Date());
    if (!price) throw new Error('the catalogue prices gpt-4.1');
    const probe = (await v1(second, tokens[1] ?? '')).json().usage;
    const oneRequest = costMicrousd(
      { inputTokens: probe.prompt_tokens, outputTokens: probe.completion_tokens, cachedInputTokens: 0 },
      price,
    );
    const cap = (await daySpent()) + 10 * oneRequest;
    const saved = await admin.put('/api/admin/operator-budget', {
      dayMicrousd: cap,
      monthMicrousd: null,
      thresholds: [100],
      hardCap: true,
      spendJumpMultiple: null,
    });
    expect(saved.statusCode).toBe(200);
    // The second instance reads the change through the bus before its next call.
    for (let attempt = 0; attempt < 100; attempt++) {
      const budget = second.metering.operator.cached() ?? (await second.metering.operator.current());
      if (budget.hardCap) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) => v1(index % 2 === 0 ? first : second, tokens[index % 6] ?? '')),
    );
    const passed = answers.filter((answer) => answer.statusCode === 200);
    const refused = answers.filter((answer) => answer.statusCode === 429);
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThanOrEqual(10);
    expect(passed.length + refused.length).toBe(60);
    for (const answer of refused) expect(answer.json().error.quota.source).toBe('operator');
    expect(await daySpent()).toBeLessThanOrEqual(cap);
  });
});
