// Limits across WeBox processes sharing PostgreSQL and Redis (the way WeBox scales out): a rate
// limit counts every instance's requests together, and a process killed mid-request leaves no hold
// behind once the expiry has passed, its request charged once at the held worst case. PostgreSQL
// and Redis only: real processes are killed, and only Redis is shared between them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/database.ts';
import { makeKey } from './helpers/keys.ts';
import { type ServerProcess, signUpOver, startServerProcess, waitFor } from './helpers/server-process.ts';

const redisUrl = process.env.REDIS_URL;
const NO_LIMITS = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };

describe.skipIf(!postgresUrl || !redisUrl)('limits across instances (PostgreSQL and Redis)', () => {
  let database: TestDatabase;
  let fakes: FakeUpstreams;
  let env: Record<string, string>;
  const processes: ServerProcess[] = [];
  let sql: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    fakes = await startFakeUpstreams();
    env = {
      DATABASE_URL: database.databaseUrl ?? '',
      REDIS_URL: redisUrl ?? '',
      WEBOX_REDIS_PREFIX: `webox-test-${randomBytes(6).toString('hex')}`,
      WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
      WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
      WEBOX_RATE_LIMIT_RPM: '20',
      WEBOX_QUOTA_HOLD_TTL_MS: '1500',
      ...fakes.env,
    };
    processes.push(await startServerProcess(env), await startServerProcess(env));
    sql = new pg.Client({ connectionString: database.databaseUrl });
    await sql.connect();
  }, 60_000);

  afterAll(async () => {
    for (const server of processes) server.kill();
    await sql?.end();
    await fakes?.close();
    await database?.drop();
  });

  const completion = (url: string, token: string, content = 'hello') =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }] }),
    });

  it('a limit of 20 requests per minute lets exactly 20 of 60 through, spread over two processes', async () => {
    const [first, second] = processes as [ServerProcess, ServerProcess];
    const admin = await signUpOver(first.url, 'admin-instances@example.com');
    expect((await admin.call('PUT', '/api/admin/keys/openai', { apiKey: makeKey.openai() })).status).toBe(200);
    const user = await signUpOver(second.url, 'user-instances@example.com');
    const token = (await user.call('POST', '/api/tokens', { name: 'spread' })).json.token as string;

    const answers = await Promise.all(
      Array.from({ length: 60 }, async (_unused, index) => {
        const response = await completion(index % 2 === 0 ? first.url : second.url, token);
        const body = (await response.json()) as { error?: { code: string } };
        return { status: response.status, code: body.error?.code, limit: response.headers.get('x-ratelimit-limit') };
      }),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(20);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused).toHaveLength(40);
    for (const answer of refused) expect(answer.code).toBe('rate_limited');
    for (const answer of answers) expect(answer.limit).toBe('20');
    expect(fakes.byProvider.openai.requests.filter((request) => request.path.endsWith('/completions'))).toHaveLength(
      20,
    );
  }, 60_000);

  it('a process killed mid-request leaves no hold after the expiry, and the budget is charged once', async () => {
    const [first, second] = processes as [ServerProcess, ServerProcess];
    const admin = await signUpOver(second.url, 'admin-instances@example.com').catch(() => null);
    // The admin account exists already (first test): sign in instead.
    const adminSession = admin ?? (await signInOver(second.url, 'admin-instances@example.com'));
    const user = await signUpOver(first.url, 'crash-instances@example.com');
    const token = (await user.call('POST', '/api/tokens', { name: 'crash' })).json.token as string;
    const set = await adminSession.call('PUT', `/api/admin/users/${user.id}/limits`, {
      global: { ...NO_LIMITS, dayTokens: 1_000_000 },
      personal: null,
      requestsPerMinute: 1000,
      tokensPerMinute: null,
    });
    expect(set.status).toBe(200);

    fakes.byProvider.openai.setBehavior({ kind: 'slow', delayMs: 10_000 }, { times: 1 });
    const pending = completion(first.url, token, 'this request dies with its process').catch(() => null);
    const holds = async () =>
      (await sql.query('select input_tokens, output_tokens, microusd from quota_hold where user_id = $1', [user.id]))
        .rows as Array<{ input_tokens: number; output_tokens: number; microusd: string }>;
    await waitFor(async () => (await holds()).length === 1, 5_000);
    const [held] = await holds();
    first.kill();
    await pending;

    // A new process takes the dead one's place; any instance's sweeper charges the orphan.
    processes[0] = await startServerProcess(env);
    await waitFor(async () => (await holds()).length === 0, 10_000);
    const rows = (
      await sql.query(
        'select cost_microusd, input_tokens, output_tokens, estimated, error_code from usage_event where user_id = $1',
        [user.id],
      )
    ).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      estimated: true,
      error_code: 'hold_expired',
      input_tokens: held?.input_tokens,
      output_tokens: held?.output_tokens,
    });
    expect(Number(rows[0].cost_microusd)).toBe(Number(held?.microusd));

    // What the user reads is that charge, with nothing held.
    const limits = (await user.call('GET', '/api/limits', undefined, processes[0]?.url)).json;
    const day = limits.budgets.find((line: { period: string }) => line.period === 'day');
    expect(day).toMatchObject({ spent: (held?.input_tokens ?? 0) + (held?.output_tokens ?? 0), held: 0 });
  }, 60_000);
});

async function signInOver(url: string, email: string) {
  const headers = { 'content-type': 'application/json', origin: url };
  const response = await fetch(`${url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ email, password: 'a long enough password' }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
  return {
    cookie,
    call: async (method: string, path: string, body?: unknown) => {
      const answer = await fetch(`${url}${path}`, {
        method,
        headers: { ...headers, cookie },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await answer.text();
      return { status: answer.status, json: text ? JSON.parse(text) : null };
    },
  };
}
