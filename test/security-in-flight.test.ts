// Issue 10, item 12: one user's slow requests cannot starve everyone else. Each user may have
// WEBOX_MAX_IN_FLIGHT_PER_USER model calls running (per instance); the next answers 429
// rate_limited at once, whatever the route or key; a slot is given back however its request ends;
// and the upstream pool never makes one user's request queue behind another's.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { type Member, member, NO_LIMITS, setLimits, v1 } from './helpers/limits.ts';
import { waitFor } from './helpers/server-process.ts';

const CAP = 3;
/** Longer than any test: a slow upstream answers only when its caller gives up. */
const SLOW = { kind: 'slow', delayMs: 120_000 } as const;

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let baseUrl: string;

const ask = (extra: Record<string, unknown> = {}) => ({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Take your time.' }],
  ...extra,
});
const chatBody = { provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Slowly.' }] };

const modelCalls = () => fakes.byProvider.openai.requests.filter((request) => request.method === 'POST').length;

interface Pending {
  settled: boolean;
  abort(): void;
  done: Promise<unknown>;
}

/** A request over the network that the test can abandon, as a client that goes away does. */
function send(path: string, headers: Record<string, string>, body: unknown): Pending {
  const controller = new AbortController();
  const pending: Pending = {
    settled: false,
    abort: () => controller.abort(),
    done: Promise.resolve(),
  };
  pending.done = fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: controller.signal,
  })
    .then((response) => response.text())
    .catch(() => undefined)
    .finally(() => {
      pending.settled = true;
    });
  return pending;
}

const slowV1 = (token: string, extra: Record<string, unknown> = {}) =>
  send('/v1/chat/completions', { authorization: `Bearer ${token}` }, ask({ stream: true, ...extra }));
const slowChat = (client: Client) =>
  send('/api/chat', { cookie: client.cookie, origin: test.app.config.publicUrl }, chatBody);

/** Opens `count` slow calls and waits until the provider holds them all. */
async function holdSlow(count: number, open: () => Pending): Promise<Pending[]> {
  const before = modelCalls();
  fakes.byProvider.openai.setBehavior(SLOW, { times: count });
  const pending = Array.from({ length: count }, open);
  await waitFor(async () => modelCalls() === before + count, 10_000);
  return pending;
}

async function abandon(pending: Pending[]) {
  for (const request of pending) request.abort();
  await Promise.all(pending.map((request) => request.done));
}

const inFlight = (userId: string) => test.app.metering.inFlight(userId);
const settlesToZero = (userId: string) => waitFor(async () => inFlight(userId) === 0, 10_000);

function expectConcurrencyRefusal(answer: LightMyRequestResponse) {
  expect(answer.statusCode).toBe(429);
  expect(answer.json().error.code).toBe('rate_limited');
  expect(answer.json().error.message).toMatch(new RegExp(`${CAP} requests in progress`));
  expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({
    ...fakes.env,
    WEBOX_MAX_IN_FLIGHT_PER_USER: String(CAP),
    WEBOX_UPSTREAM_TIMEOUT_MS: '180000',
  });
  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const address = test.app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('requests in flight per user', () => {
  it('the request past the cap answers 429 at once, on /v1 and /api/chat alike; another user is served meanwhile; the first goes again once its calls end', async () => {
    const first = await member(test);
    const second = await member(test);
    const slow = await holdSlow(CAP, () => slowV1(first.token));
    expect(inFlight(first.id)).toBe(CAP);

    const refused = await v1(test, first.token, ask());
    expectConcurrencyRefusal(refused);
    expect(refused.json().error.type).toBe('rate_limit_error');
    expectConcurrencyRefusal(await first.client.post('/api/chat', chatBody));
    expect(modelCalls()).toBe(CAP);

    // Someone else is not held up by the first user's calls.
    expect((await v1(test, second.token, ask())).statusCode).toBe(200);
    expect((await second.client.post('/api/chat', chatBody)).statusCode).toBe(200);
    expect(slow.every((request) => !request.settled)).toBe(true);

    await abandon(slow);
    await settlesToZero(first.id);
    expect((await v1(test, first.token, ask())).statusCode).toBe(200);
    expect(inFlight(first.id)).toBe(0);
  });

  it('counts personal-key calls and conversation turns too', async () => {
    const owner = await member(test);
    await owner.client.put('/api/keys/openai', { apiKey: makeKey.openai() });
    const conversation = (
      await owner.client.post('/api/conversations', { provider: 'openai', model: 'gpt-4o-mini' })
    ).json().id as string;
    const turn = () =>
      send(
        `/api/conversations/${conversation}/messages`,
        { cookie: owner.client.cookie, origin: test.app.config.publicUrl },
        { content: 'Slowly.' },
      );
    const slow = [...(await holdSlow(1, turn)), ...(await holdSlow(CAP - 1, () => slowV1(owner.token)))];
    expectConcurrencyRefusal(await owner.client.post(`/api/conversations/${conversation}/messages`, { content: 'x' }));
    expectConcurrencyRefusal(await v1(test, owner.token, ask()));
    await abandon(slow);
    await settlesToZero(owner.id);
  });

  it('a slot is given back however the call ends: answer, upstream error, cut stream, client gone, budget refusal', async () => {
    const user = await member(test);
    const { openai } = fakes.byProvider;
    const chatStream = () => user.client.post('/api/chat', chatBody);

    for (const outcome of ['server_error', 'rate_limited', 'bad_request', 'unauthorized', 'cut'] as const) {
      openai.setBehavior(outcome === 'rate_limited' ? { kind: outcome, retryAfterSeconds: 30 } : { kind: outcome });
      const answers = await Promise.all([
        ...Array.from({ length: CAP }, () => v1(test, user.token, ask({ stream: outcome === 'cut' }))),
      ]);
      expect(answers.map((answer) => answer.statusCode).every((status) => status !== 500)).toBe(true);
      await settlesToZero(user.id);
      const chats = await Promise.all(Array.from({ length: CAP }, chatStream));
      expect(chats.every((answer) => answer.statusCode !== 500)).toBe(true);
      await settlesToZero(user.id);
    }
    openai.setBehavior({ kind: 'ok' });

    // Clients that go away while the provider is still thinking, on both paths.
    await abandon(await holdSlow(CAP, () => slowV1(user.token)));
    await settlesToZero(user.id);
    await abandon(await holdSlow(CAP, () => slowChat(user.client)));
    await settlesToZero(user.id);

    // Refused by the budget after the slot was taken.
    await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayTokens: 1 } });
    for (let round = 0; round < 2; round++) {
      const refused = await Promise.all(Array.from({ length: CAP }, () => v1(test, user.token, ask())));
      expect(refused.map((answer) => answer.json().error.code)).toEqual(Array(CAP).fill('quota_exceeded'));
      expect(inFlight(user.id)).toBe(0);
    }
    await setLimits(admin, user.id, {});

    // Nothing leaked and nothing was given back twice: exactly CAP fit again.
    const slow = await holdSlow(CAP, () => slowV1(user.token));
    expectConcurrencyRefusal(await v1(test, user.token, ask()));
    await abandon(slow);
    await settlesToZero(user.id);
    expect((await v1(test, user.token, ask())).statusCode).toBe(200);
  });
});

describe('the upstream pool', () => {
  let crowded: TestApp;
  let crowdedUrl: string;

  beforeAll(async () => {
    crowded = await createTestApp({
      ...fakes.env,
      WEBOX_MAX_IN_FLIGHT_PER_USER: '70',
      WEBOX_UPSTREAM_TIMEOUT_MS: '180000',
    });
    await crowded.app.listen({ port: 0, host: '127.0.0.1' });
    const address = crowded.app.server.address();
    crowdedUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const owner = await signUp(crowded.app);
    await owner.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  });

  afterAll(async () => {
    await crowded?.close();
  });

  it('140 slow streams from two users do not make a third user wait for a connection', async () => {
    const users: Member[] = [];
    for (let index = 0; index < 3; index++) users.push(await member(crowded));
    const [first, second, third] = users as [Member, Member, Member];
    const previous = baseUrl;
    baseUrl = crowdedUrl;
    try {
      let opened = 0;
      const slow = await holdSlow(140, () => slowV1((opened++ % 2 === 0 ? first : second).token));
      expect(crowded.app.metering.inFlight(first.id) + crowded.app.metering.inFlight(second.id)).toBe(140);
      // Served now, not when a slow stream lets a connection go (that would be minutes away).
      expect((await v1(crowded, third.token, ask())).statusCode).toBe(200);
      expect(slow.every((request) => !request.settled)).toBe(true);
      await abandon(slow);
    } finally {
      baseUrl = previous;
    }
  });
});
