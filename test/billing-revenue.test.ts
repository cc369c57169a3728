// The revenue view, GET /api/admin/billing/revenue (DESIGN §6 "Billing"): invoices paid in the range
// (days in WEBOX_TIMEZONE), each once, per currency and per user; monthly recurring revenue from the
// subscriptions that give access, a yearly price as a twelfth; subscribers per plan; each user's
// plan, status and cost on the global keys from the usage ledger. The rows Stripe's webhooks will
// write are inserted here directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingInvoice, subscription } from '../src/server/db/schema/billing.ts';
import { dayIn } from '../src/server/metering/periods.ts';
import type { RevenueView } from '../src/shared/billing.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { globalLedger, type Member, member, v1 } from './helpers/limits.ts';

const TIMEZONE = 'Europe/Paris';
const MARCH = '/api/admin/billing/revenue?from=2026-03-01&to=2026-03-31';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let pro: { id: string; name: string };
let team: { id: string; name: string };
let retired: { id: string; name: string };
const NAMES = ['monthly', 'yearly', 'late', 'gone', 'trial', 'granted', 'own', 'started'] as const;
const people = {} as Record<(typeof NAMES)[number], Member>;

let sequence = 0;
async function subscribe(
  who: Member,
  fields: {
    planId?: string | null;
    status: string;
    interval?: 'month' | 'year';
    amount?: number;
    currency?: string;
    cancelAtPeriodEnd?: boolean;
  },
) {
  sequence += 1;
  await test.app.database.db.insert(subscription).values({
    id: `sub_${sequence}`,
    userId: who.id,
    stripeCustomerId: `cus_${who.id}`,
    planId: fields.planId ?? null,
    interval: fields.interval ?? 'month',
    amount: fields.amount ?? null,
    currency: fields.currency ?? null,
    status: fields.status,
    cancelAtPeriodEnd: fields.cancelAtPeriodEnd ?? false,
    sourceCreated: sequence,
  });
}
async function invoice(who: Member, amountPaid: number, currency: string, paidAt: string) {
  sequence += 1;
  await test.app.database.db
    .insert(billingInvoice)
    .values({ id: `in_${sequence}`, userId: who.id, amountPaid, currency, paidAt: new Date(paidAt) });
}
const createPlan = async (name: string) =>
  (await admin.post('/api/admin/plans', { name, prices: { month: null, year: null } })).json();
const userOf = (report: RevenueView, who: Member) => report.users.find((entry) => entry.userId === who.id);

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_TIMEZONE: TIMEZONE });
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  [pro, team, retired] = [await createPlan('Pro'), await createPlan('Team'), await createPlan('Old')];
  for (const name of NAMES) people[name] = await member(test, name === 'own' ? { personalKey: 'openai' } : {});
  const { monthly, yearly, late, gone, trial, granted, started } = people;
  await subscribe(monthly, { planId: pro.id, status: 'active', amount: 1_000, currency: 'eur' });
  // Two yearly subscriptions: 12,000 + 100 = 12,100 a year, 1,008.33… a month, counted 1,008.
  await subscribe(yearly, { planId: pro.id, status: 'active', interval: 'year', amount: 12_000, currency: 'eur' });
  await subscribe(yearly, { planId: pro.id, status: 'active', interval: 'year', amount: 100, currency: 'eur' });
  await subscribe(late, { planId: team.id, status: 'past_due', amount: 500, currency: 'usd' });
  await subscribe(gone, { planId: retired.id, status: 'canceled', amount: 9_999, currency: 'usd' });
  await subscribe(trial, {
    planId: retired.id,
    status: 'trialing',
    amount: 700,
    currency: 'usd',
    cancelAtPeriodEnd: true,
  });
  await subscribe(started, { planId: pro.id, status: 'incomplete', amount: 1_000, currency: 'eur' });
  await admin.patch(`/api/admin/plans/${retired.id}`, { active: false });
  await admin.put(`/api/admin/users/${granted.id}/plan`, { planId: team.id });

  // March 2026 in Paris: from 2026-02-28T23:00Z (CET) to 2026-03-31T22:00Z (CEST since the 29th).
  await invoice(monthly, 1_000, 'eur', '2026-02-28T23:30:00Z'); // 1 March, 00:30 in Paris: in
  await invoice(monthly, 1_000, 'eur', '2026-02-28T22:30:00Z'); // 28 February in Paris: out
  await invoice(yearly, 12_000, 'eur', '2026-03-15T12:00:00Z');
  await invoice(late, 500, 'usd', '2026-03-31T21:59:59Z'); // 31 March, 23:59:59: in
  await invoice(late, 500, 'usd', '2026-03-31T22:00:00Z'); // 1 April, midnight: out
  await invoice(gone, 9_999, 'usd', '2026-03-02T08:00:00Z'); // cancelled since, but it paid in March
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('GET /api/admin/billing/revenue', () => {
  it('sums the invoices paid in the range per currency, in the zone’s days, each once', async () => {
    const answer = await admin.get(MARCH);
    expect(answer.statusCode).toBe(200);
    const report = answer.json();
    expect(report).toMatchObject({ from: '2026-03-01', to: '2026-03-31' });
    expect(report.totals).toEqual([
      { currency: 'eur', amount: 13_000 },
      { currency: 'usd', amount: 10_499 },
    ]);
    expect(userOf(report, people.monthly)?.revenue).toEqual([{ currency: 'eur', amount: 1_000 }]);
    expect(userOf(report, people.late)?.revenue).toEqual([{ currency: 'usd', amount: 500 }]);
    const april = (await admin.get('/api/admin/billing/revenue?from=2026-04-01&to=2026-04-30')).json();
    expect(april.totals).toEqual([{ currency: 'usd', amount: 500 }]);
  });

  it('counts the recurring revenue of the subscriptions that give access, a yearly price as a twelfth', async () => {
    const report = (await admin.get(MARCH)).json();
    // eur: 1,000 monthly + round(12,100 / 12) = 2,008; usd: past due 500 + trialing 700.
    expect(report.mrr).toEqual([
      { currency: 'eur', amount: 2_008 },
      { currency: 'usd', amount: 1_200 },
    ]);
    expect(report.subscribersByPlan).toEqual([
      { planId: pro.id, name: 'Pro', count: 2 },
      { planId: team.id, name: 'Team', count: 1 },
      { planId: retired.id, name: 'Old', count: 1 },
    ]);
  });

  it("gives each user's plan and status in the contract's words", async () => {
    const report = (await admin.get(MARCH)).json();
    const standing = (name: (typeof NAMES)[number]) => {
      const entry = userOf(report, people[name]);
      return entry && { plan: entry.plan?.name ?? null, status: entry.status, cancelling: entry.cancelAtPeriodEnd };
    };
    expect(standing('monthly')).toEqual({ plan: 'Pro', status: 'active', cancelling: false });
    expect(standing('yearly')).toEqual({ plan: 'Pro', status: 'active', cancelling: false });
    expect(standing('late')).toEqual({ plan: 'Team', status: 'past_due', cancelling: false });
    expect(standing('gone')).toEqual({ plan: null, status: 'canceled', cancelling: false });
    // Trialing, cancelled at its period end: still a subscriber, counted as cancelling.
    expect(standing('trial')).toEqual({ plan: 'Old', status: 'trialing', cancelling: true });
    expect(standing('granted')).toEqual({ plan: 'Team', status: 'granted', cancelling: false });
    // Neither paid, subscribed nor spent the operator's keys: not listed.
    expect(standing('started')).toBeUndefined();
    expect(standing('own')).toBeUndefined();
  });

  it("reports each user's cost on the global keys from the usage ledger, personal keys apart", async () => {
    const body = { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'What do I cost?' }] };
    const granted = people.granted;
    const own = people.own;
    expect((await v1(test, granted.token, body)).statusCode).toBe(200);
    expect((await v1(test, own.token, body)).statusCode).toBe(200);
    const cost = (await globalLedger(test, granted.id)).cost;
    expect(cost).toBeGreaterThan(0);

    const report = (await admin.get('/api/admin/billing/revenue')).json();
    const today = dayIn(TIMEZONE)(new Date());
    expect(report.from).toBe(`${today.slice(0, 8)}01`);
    expect(report.to.slice(0, 8)).toBe(today.slice(0, 8));
    expect(report.to >= today).toBe(true);
    expect(userOf(report, granted)).toMatchObject({ globalCostMicrousd: cost, status: 'granted', revenue: [] });
    expect(userOf(report, own)).toBeUndefined();
    // Another range holds none of it.
    expect(userOf((await admin.get(MARCH)).json(), granted)?.globalCostMicrousd).toBe(0);
  });

  it('refuses days that are not calendar days, a reversed range and a range over 366 days', async () => {
    const url = (query: string) => `/api/admin/billing/revenue?${query}`;
    for (const query of [
      'from=2026-02-30',
      'from=2026-3-01',
      'to=20260301',
      "from=2026-03-01'--",
      'from=2026-03-31&to=2026-03-01',
      'from=2025-01-01&to=2026-01-02',
    ]) {
      const answer = await admin.get(url(query));
      expect(answer.statusCode, query).toBe(400);
      expect(answer.json().error.code, query).toBe('invalid_request');
    }
    expect((await admin.get(url('from=2024-01-01&to=2024-12-31'))).statusCode).toBe(200);
  });

  it('is for admins only', async () => {
    expect((await people.monthly.client.get(MARCH)).statusCode).toBe(403);
    expect((await anonymous(test.app).get(MARCH)).statusCode).toBe(401);
  });
});
