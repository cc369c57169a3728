// Alerts on two instances sharing one PostgreSQL (PostgreSQL only: PGlite has one process): the same
// once key raised on both at the same moment is one alert with one delivery per webhook, and with
// both instances' workers running every delivery is sent exactly once.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import { type Client, signUp } from './helpers/client.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { startWebhookReceiver, verifyStandardWebhook, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') === true;

describe.runIf(onPostgres)('alerts on two instances', () => {
  let database: TestDatabase;
  let first: App;
  let second: App;
  let admin: Client;
  let receiver: WebhookReceiver;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.databaseUrl,
      WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
      WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'silent',
    };
    // Both workers poll often: every round of one races the other's for the same rows.
    first = await buildApp(parseConfig(env), { alerts: { pollMs: 20 } });
    second = await buildApp(parseConfig(env), { alerts: { pollMs: 20 } });
    admin = await signUp(first);
    receiver = await startWebhookReceiver();
    const created = await admin.post('/api/admin/alerts/webhooks', { name: 'Ops', url: receiver.url, secret });
    expect(created.statusCode).toBe(201);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await receiver?.close();
    await database?.drop();
  });

  const alertOf = (onceKey: string) =>
    ({
      kind: 'global_key.rejected',
      onceKey,
      severity: 'critical',
      audience: 'admins',
      provider: 'groq',
      details: { status: 401 },
    }) as const;

  /** Until every delivery is settled (both workers are running: no explicit round is needed). */
  async function settled(expected: number) {
    for (let round = 0; round < 200; round++) {
      await Promise.all([first.alerts.deliverDue(), second.alerts.deliverDue()]);
      const rows = await first.alerts.outbox.recent(1000);
      if (rows.length >= expected && rows.every((row) => row.status !== 'pending')) return rows;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the deliveries did not settle');
  }

  it('raises a once key raised on both instances at once one time, with one delivery to the webhook', async () => {
    const keys = Array.from({ length: 10 }, () => `race-${randomUUID()}`);
    const results = await Promise.all(
      keys.flatMap((key) => [first.alerts.raise(alertOf(key)), second.alerts.raise(alertOf(key))]),
    );
    const raised = results.filter((row) => row !== null);
    expect(raised).toHaveLength(keys.length);
    expect(new Set(raised.map((row) => row?.onceKey))).toEqual(new Set(keys));

    const rows = await settled(keys.length);
    const ids = new Set(raised.map((row) => row?.id));
    const webhookRows = rows.filter((row) => row.channel === 'webhook' && ids.has(row.alertId));
    expect(webhookRows).toHaveLength(keys.length);
    const posts = receiver.received.filter((post) => ids.has(String(post.headers['webhook-id'])));
    expect(posts).toHaveLength(keys.length);
    for (const post of posts) expect(verifyStandardWebhook(secret, post)).toBe(true);
  });

  it('sends each delivery exactly once with both workers running', async () => {
    const before = receiver.received.length;
    const raised = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (index % 2 ? first : second).alerts.raise(alertOf(`many-${randomUUID()}`)),
      ),
    );
    const ids = new Set(raised.map((row) => row?.id));
    const rows = await settled(40);
    expect(rows.filter((row) => ids.has(row.alertId) && row.status === 'delivered')).toHaveLength(40);
    expect(rows.filter((row) => ids.has(row.alertId)).every((row) => row.attempts === 1)).toBe(true);
    const posts = receiver.received.slice(before).map((post) => String(post.headers['webhook-id']));
    expect(posts).toHaveLength(40);
    expect(new Set(posts)).toEqual(ids);
  });
});
