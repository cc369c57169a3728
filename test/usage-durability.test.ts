// The ledger writes off the request's path, in batches: a graceful shutdown flushes everything; a
// crash (SIGKILL) loses at most the records of the last flush interval. The crash test kills a real
// process, so it runs on PostgreSQL only (a killed PGlite can corrupt its folder).
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import { FLUSH_INTERVAL_MS } from '../src/server/metering/usage-ledger.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { signUp } from './helpers/client.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/database.ts';
import { makeKey } from './helpers/keys.ts';
import { signUpOver, startServerProcess } from './helpers/server-process.ts';

const databases: TestDatabase[] = [];
let fakes: FakeUpstreams | undefined;

afterAll(async () => {
  await fakes?.close();
  await Promise.all(databases.map((database) => database.drop()));
});

describe('usage durability', () => {
  it('a graceful shutdown writes every queued record', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const env = {
      WEBOX_DATA_DIR: database.dataDir,
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
      WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
      WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'silent',
    };
    const app = await buildApp(parseConfig(env));
    const user = await signUp(app);
    const userId = (await user.get('/api/me')).json().id as string;
    for (let index = 0; index < 120; index++) {
      app.metering.ledger.record({
        requestId: `shutdown-${index}`,
        userId,
        endpoint: 'gateway',
        provider: 'openai',
        model: 'gpt-4o-mini',
        keySource: 'global',
        tokens: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0 },
        status: 200,
      });
    }
    expect(app.metering.ledger.pending()).toBe(120);
    await app.close();

    const reopened = await buildApp(parseConfig(env));
    try {
      const result = await reopened.database.db.execute(sql`select count(*)::int as count from usage_event`);
      expect((result as unknown as { rows: Array<{ count: number }> }).rows[0]?.count).toBe(120);
    } finally {
      await reopened.close();
    }
  });

  it.skipIf(!postgresUrl)(
    'a crash loses at most the last flush interval',
    async () => {
      const database = await createTestDatabase();
      databases.push(database);
      fakes = await startFakeUpstreams({ record: false });
      const server = await startServerProcess({
        DATABASE_URL: database.databaseUrl ?? '',
        WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
        WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
        WEBOX_RATE_LIMIT_RPM: '1000000',
        ...fakes.env,
      });
      const { url } = server;
      try {
        const admin = await signUpOver(url, 'crash@example.com');
        await admin.call('PUT', '/api/admin/keys/openai', { apiKey: makeKey.openai() });
        const token = (await admin.call('POST', '/api/tokens', { name: 'crash' })).json.token as string;

        // Steady traffic, then SIGKILL in the middle of it.
        const answeredAt: number[] = [];
        const stopAt = Date.now() + 2_500;
        while (Date.now() < stopAt) {
          const response = await fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
          });
          await response.arrayBuffer();
          if (response.ok) answeredAt.push(Date.now());
        }
        const killedAt = Date.now();
        server.kill();

        const client = new pg.Client({ connectionString: database.databaseUrl });
        await client.connect();
        const written = (await client.query('select count(*)::int as count from usage_event')).rows[0].count as number;
        await client.end();
        const lost = answeredAt.length - written;
        const inLastInterval = answeredAt.filter((at) => at > killedAt - FLUSH_INTERVAL_MS - 250).length;
        console.log(
          `crash: ${answeredAt.length} answered, ${written} written, ${lost} lost; ${inLastInterval} answered in the last ${FLUSH_INTERVAL_MS} ms (+250 ms margin)`,
        );
        expect(answeredAt.length).toBeGreaterThan(20);
        expect(written).toBeGreaterThan(0);
        expect(lost).toBeGreaterThanOrEqual(0);
        expect(lost).toBeLessThanOrEqual(inLastInterval);
      } finally {
        server.kill();
      }
    },
    60_000,
  );
});
