// The ledger writes off the request's path, in batches: a graceful shutdown flushes everything; a
// crash (SIGKILL) loses at most the records of the last flush interval. The crash test kills a real
// process, so it runs on PostgreSQL only (a killed PGlite can corrupt its folder).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import { FLUSH_INTERVAL_MS } from '../src/server/usage/usage-ledger.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { signUp } from './helpers/client.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/database.ts';
import { makeKey } from './helpers/keys.ts';

const databases: TestDatabase[] = [];
let fakes: FakeUpstreams | undefined;

afterAll(async () => {
  await fakes?.close();
  await Promise.all(databases.map((database) => database.drop()));
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
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
      app.usageLedger.record({
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
    expect(app.usageLedger.pending()).toBe(120);
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
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, ['src/server/main.ts', 'serve'], {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: database.databaseUrl ?? '',
          WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
          WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
          WEBOX_PUBLIC_URL: url,
          PORT: String(port),
          LOG_LEVEL: 'warn',
          WEBOX_RATE_LIMIT_RPM: '1000000',
          ...fakes.env,
        },
        stdio: 'ignore',
      });
      try {
        for (let attempt = 0; attempt < 100; attempt++) {
          if (
            await fetch(`${url}/readyz`).then(
              (response) => response.ok,
              () => false,
            )
          )
            break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const headers = { 'content-type': 'application/json', origin: url };
        const signUpResponse = await fetch(`${url}/api/auth/sign-up/email`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'Crash', email: 'crash@example.com', password: 'crash password 1' }),
        });
        const cookie = signUpResponse.headers
          .getSetCookie()
          .map((value) => value.split(';')[0])
          .join('; ');
        await fetch(`${url}/api/admin/keys/openai`, {
          method: 'PUT',
          headers: { ...headers, cookie },
          body: JSON.stringify({ apiKey: makeKey.openai() }),
        });
        const token = (
          (await (
            await fetch(`${url}/api/tokens`, {
              method: 'POST',
              headers: { ...headers, cookie },
              body: JSON.stringify({ name: 'crash' }),
            })
          ).json()) as { token: string }
        ).token;

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
        child.kill('SIGKILL');

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
        child.kill('SIGKILL');
      }
    },
    60_000,
  );
});
