// Stripe's webhook across two WeBox instances sharing one PostgreSQL database: the same event
// delivered to both at once is applied once (the second waits on the first's record of its id);
// a subscription that lapses through one instance is refused on the next request on the other
// (the change bus), though that one served the user from its memory until then. PostgreSQL only:
// the embedded PGlite database has one process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/server/app.ts';
import type { Client } from './helpers/client.ts';
import { postgresUrl } from './helpers/database.ts';
import { holdNextRead } from './helpers/hold-reads.ts';
import { waitFor } from './helpers/server-process.ts';
import { addPlan, deliver, deliverAll, eventAt, startStripe, subscriber } from './helpers/stripe-billing.ts';
import { twoInstancesOnPostgres } from './helpers/two-instances.ts';

describe.skipIf(!postgresUrl)('the webhook on two instances of one PostgreSQL', () => {
  let stripe: Awaited<ReturnType<typeof startStripe>>;
  beforeAll(async () => {
    stripe = await startStripe();
  });
  // Info logs: the tests count the "applied" lines each instance wrote.
  const two = twoInstancesOnPostgres(() => ({ ...stripe.env, LOG_LEVEL: 'info' }), { captureLogs: true });
  const instances: { app: App; logs: string[] }[] = [];
  let first: App;
  let second: App;
  let admin: Client;

  beforeAll(async () => {
    const parts = two();
    ({ first, second, admin } = parts);
    instances.push({ app: first, logs: parts.logs[0] }, { app: second, logs: parts.logs[1] });
    await admin.put('/api/admin/billing', { policy: 'subscribers' });
    await addPlan(first, stripe.priceId);
  });

  afterAll(async () => {
    await stripe?.stripe.close();
  });

  const completion = (app: App, token: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hello' }] }),
    });
  const applied = (eventId: string) =>
    instances.flatMap(({ logs }) => logs).filter((line) => line.includes(eventId) && line.includes('"applied"'));

  it('the same event delivered to both at once is applied once', async () => {
    const user = await subscriber(first, stripe);
    for (const event of user.events) {
      // Both instances first look for the event among those applied, and both are held there
      // until each has looked: neither finds it, and both go on to apply it at the same time.
      const held = instances.map(({ app }) => holdNextRead(app.database.db, /from "stripe_event"/));
      const answering = Promise.all([deliver(first, stripe.stripe, event), deliver(second, stripe.stripe, event)]);
      await Promise.all(held.map((hold) => hold.reached));
      for (const hold of held) hold.release();
      const answers = await answering;
      expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
      expect(applied(event.id)).toHaveLength(1);
    }
    const events = await first.database.query(`select id from stripe_event where id = any($1)`, [
      user.events.map((event) => event.id),
    ]);
    expect(events.rows).toHaveLength(3);
    const invoices = await first.database.query(`select id from billing_invoice where user_id = $1`, [user.id]);
    expect(invoices.rows).toHaveLength(1);
    expect((await completion(second, user.token)).statusCode).toBe(200);
  });

  it('a subscription deleted through one instance is refused on the next request on the other', async () => {
    const user = await subscriber(first, stripe);
    expect(await deliverAll(first, stripe.stripe, user.events)).toEqual([200, 200, 200]);
    // The second instance reads the user's billing once, then answers from its memory.
    expect((await completion(second, user.token)).statusCode).toBe(200);
    expect((await completion(second, user.token)).statusCode).toBe(200);

    stripe.stripe.deleteSubscription(user.subscription.id);
    const deleted = eventAt(
      stripe.stripe,
      'customer.subscription.deleted',
      stripe.stripe.subscription(user.subscription.id)!,
      30,
    );
    expect((await deliver(first, stripe.stripe, deleted)).statusCode).toBe(200);
    expect((await completion(first, user.token)).statusCode).toBe(402);
    await waitFor(async () => (await completion(second, user.token)).statusCode === 402, 1000, 25);
    const refused = await completion(second, user.token);
    expect(refused.json().error).toMatchObject({ code: 'subscription_required', reason: 'no_subscription' });
  });
});
