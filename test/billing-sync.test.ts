// `webox billing sync` on the fake Stripe: every customer's subscriptions read from Stripe's API
// repair what missed webhooks left (a Checkout never announced, a deletion never announced), a
// second run changes nothing, and the refreshed state reaches the gate on the next request. The
// command itself runs as a process on the app's database once the app has stopped.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncSubscriptions } from '../src/server/billing/billing-sync.ts';
import { createSubscriptionStore } from '../src/server/billing/subscription-store.ts';
import { openDatabase } from '../src/server/db/client.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { v1 } from './helpers/limits.ts';
import { addPlan, startBilling, startStripe, subscriber, subscriptionRows } from './helpers/stripe-billing.ts';

const run = promisify(execFile);

let fakes: FakeUpstreams;
let billing: Awaited<ReturnType<typeof startBilling>>;
let test: TestApp;
let admin: Client;

const completion = async (token: string) =>
  (await v1(test, token, { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hello' }] })).statusCode;
const sync = () =>
  syncSubscriptions({
    db: test.app.database.db,
    store: test.app.billing.subscriptions,
    stripe: test.app.billing.stripe!,
    plans: test.app.billing.access.plans(),
    changed: (userId) => test.app.billing.access.subscriptionChanged(userId),
  });
/** A row without its bookkeeping (the source's time and the row's), what a second run must keep. */
const stateOf = async (userId: string) =>
  (await subscriptionRows(test.app, userId)).map(({ sourceCreated: _source, updatedAt: _updated, ...rest }) => rest);

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  billing = await startBilling({ ...fakes.env });
  test = billing.test;
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  await admin.put('/api/admin/billing', { policy: 'subscribers' });
});

afterAll(async () => {
  await test?.close();
  await billing?.stripe.close();
  await fakes?.close();
});

describe('billing sync', () => {
  it('applies a Checkout whose webhooks never came, then a deletion that never came; a second run changes nothing', async () => {
    const user = await subscriber(test.app, billing);
    const other = await subscriber(test.app, billing);
    expect(await completion(user.token)).toBe(402);

    const report = await sync();
    expect(report).toMatchObject({ changed: 2, users: expect.arrayContaining([user.id, other.id]) });
    expect(report.customers).toBeGreaterThanOrEqual(2);
    expect((await user.client.get('/api/billing')).json()).toMatchObject({
      status: 'active',
      plan: { id: billing.planId },
      globalAccess: { allowed: true, reason: null },
    });
    expect(await completion(user.token)).toBe(200);

    const before = await stateOf(user.id);
    expect(await sync()).toMatchObject({ changed: 0, users: [] });
    expect(await stateOf(user.id)).toEqual(before);

    // Cancelled in Stripe's dashboard while WeBox was down: Stripe's list still has it (status all).
    billing.stripe.deleteSubscription(user.subscription.id);
    expect(await sync()).toMatchObject({ changed: 1, users: [user.id] });
    expect((await user.client.get('/api/billing')).json()).toMatchObject({ status: 'canceled', plan: null });
    expect(await completion(user.token)).toBe(402);
    expect(await completion(other.token)).toBe(200);
  });
});

describe('npx webox billing sync', () => {
  it('runs on the database of a stopped server, prints its summary, and is idempotent', async () => {
    const started = await startStripe();
    const stopped = await createTestApp({ ...started.env });
    let open: Awaited<ReturnType<typeof openDatabase>> | undefined;
    try {
      await addPlan(stopped.app, started.priceId);
      const user = await subscriber(stopped.app, started);
      await stopped.app.close();
      const cli = () =>
        run(process.execPath, ['src/server/main.ts', 'billing', 'sync'], {
          env: { PATH: process.env.PATH ?? '', ...stopped.env, LOG_LEVEL: 'warn' },
        });
      expect((await cli()).stdout).toContain(
        'Read 1 subscription(s) of 1 customer(s) from Stripe; 1 changed, for 1 user(s).',
      );
      expect((await cli()).stdout).toContain('0 changed, for 0 user(s).');

      open = await openDatabase({ databaseUrl: stopped.env.DATABASE_URL, dataDir: stopped.env.WEBOX_DATA_DIR! });
      const [row] = await createSubscriptionStore(open.db).forUser(user.id);
      expect(row).toMatchObject({ id: user.subscription.id, status: 'active', amount: 900, currency: 'eur' });
    } finally {
      await open?.close();
      await stopped.database.drop();
      await started.stripe.close();
    }
    // Two processes that each open the embedded database: slow on a busy machine.
  }, 120_000);

  it('says so when billing is off', async () => {
    const result = await run(process.execPath, ['src/server/main.ts', 'billing', 'sync'], {
      env: { PATH: process.env.PATH ?? '', ...test.env, STRIPE_SECRET_KEY: '', WEBOX_DATA_DIR: '/nonexistent/webox' },
    }).catch((error: { stderr: string; code: number }) => error);
    expect(result).toMatchObject({ code: 1 });
    expect((result as { stderr: string }).stderr).toContain('webox: billing is off');
  });
});
