// Redis stopped during traffic: spending the operator's (global) keys fails closed with 503
// limits_unavailable, personal-key traffic goes on, and counting in Redis resumes when it returns.
// Starts its own redis-server on a free port (never the machine's shared one).
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { freePort, waitFor } from './helpers/server-process.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let redis: ChildProcess | null = null;
let port: number;

async function startRedis() {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  redis = child;
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        probe.stdout?.on('data', (data: Buffer) => {
          out += data.toString();
        });
        probe.on('close', () => resolve(out.trim() === 'PONG'));
      }),
    10_000,
  );
}

async function stopRedis() {
  const child = redis;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
  redis = null;
}

let globalUser: { token: string };
let personalUser: { token: string };

const completion = (token: string) =>
  test.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token}` },
    payload: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] },
  });

async function withToken(client: Client) {
  return { token: (await client.post('/api/tokens', { name: 'outage' })).json().token as string };
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, REDIS_URL: `redis://127.0.0.1:${port}`, WEBOX_RATE_LIMIT_RPM: '1000' });
  const admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  globalUser = await withToken(await signUp(test.app));
  const owner = await signUp(test.app);
  await owner.put('/api/keys/openai', { apiKey: makeKey.openai() });
  personalUser = await withToken(owner);
}, 60_000);

afterAll(async () => {
  await test?.close();
  await fakes?.close();
  await stopRedis();
});

describe('Redis stopped during traffic', () => {
  it('global keys pause with 503, personal keys go on, counting resumes when Redis returns', async () => {
    const before = await completion(globalUser.token);
    expect(before.statusCode).toBe(200);
    expect(before.headers['x-ratelimit-remaining']).toBe('999');
    expect((await completion(personalUser.token)).statusCode).toBe(200);

    await stopRedis();
    await waitFor(async () => (await completion(globalUser.token)).statusCode === 503, 5_000);
    const paused = await completion(globalUser.token);
    expect(paused.statusCode).toBe(503);
    expect(paused.json().error.code).toBe('limits_unavailable');
    expect(paused.json().error.message).toMatch(/Personal keys still work/);
    expect(Number(paused.headers['retry-after'])).toBeGreaterThan(0);
    const upstreamCalls = fakes.byProvider.openai.requests.length;
    for (let index = 0; index < 5; index++) expect((await completion(personalUser.token)).statusCode).toBe(200);
    // The paused requests never reached the provider; the personal ones did.
    expect(fakes.byProvider.openai.requests.length).toBe(upstreamCalls + 5);

    await startRedis();
    await waitFor(async () => (await completion(globalUser.token)).statusCode === 200, 15_000);
    // Counting is back in Redis (a fresh window: this Redis kept nothing).
    const counted = await completion(globalUser.token);
    expect(counted.statusCode).toBe(200);
    expect(counted.headers['x-ratelimit-remaining']).toBe('998');
  }, 60_000);
});
