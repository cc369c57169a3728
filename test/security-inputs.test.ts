// Issue 10, items 1 and 13: text with control characters, oversized names and deeply nested JSON
// are refused at the boundary with 400 invalid_request (never a 500), on every route that takes
// text; and whatever was tried, the usage ledger keeps writing everyone's rows, so budgeted users
// are charged their real cost, not their held worst case.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/server/db/client.ts';
import { createUsageLedger } from '../src/server/metering/usage-ledger.ts';
import type { UsageRecord } from '../src/server/metering/usage-row.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, cookieFrom, signUp, uniqueEmail } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let attacker: Client;
let attackerToken: string;

/** Every character a one-line name, title, id or model may not hold (table of the classes). */
const LINE_BREAKERS = [
  ...Array.from({ length: 0x20 }, (_unused, code) => String.fromCharCode(code)),
  '\u007f',
  ...Array.from({ length: 0x20 }, (_unused, code) => String.fromCharCode(0x80 + code)),
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\ud800',
  '\udfff',
];
/** What message text may not hold: tabs and line breaks are text, the other controls are not. */
const MESSAGE_BREAKERS = LINE_BREAKERS.filter(
  (character) => !['\t', '\n', '\r', '\u2028', '\u2029', '\u202e', '\u2066'].includes(character),
);
const show = (character: string) => `U+${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

const v1 = (token: string, body: unknown) =>
  test.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

const hi = [{ role: 'user', content: 'hi' }];

function expectInvalid(response: { statusCode: number; json(): { error: { code: string } } }, label: string) {
  expect(response.statusCode, label).toBe(400);
  expect(response.json().error.code, label).toBe('invalid_request');
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_QUOTA_HOLD_TTL_MS: '1500' });
  admin = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
  attacker = await signUp(test.app);
  attackerToken = (await attacker.post('/api/tokens', { name: 'attack' })).json().token;
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('control characters are refused at the boundary', () => {
  it('/v1 refuses a model id holding any control character, in OpenAI’s shape, before any provider sees it', async () => {
    for (const bad of LINE_BREAKERS) {
      const response = await v1(attackerToken, { model: `openai/gpt-4o-mini${bad}`, messages: hi });
      expect(response.statusCode, show(bad)).toBe(400);
      expect(response.json().error, show(bad)).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_request',
        param: 'model',
      });
    }
    expect(fakes.requests()).toHaveLength(0);
  });

  it('/api/chat refuses a control character in the provider, the model or a message', async () => {
    for (const bad of LINE_BREAKERS) {
      const model = await attacker.post('/api/chat', { provider: 'openai', model: `gpt-4o-mini${bad}`, messages: hi });
      expectInvalid(model, `model ${show(bad)}`);
      const provider = await attacker.post('/api/chat', {
        provider: `openai${bad}`,
        model: 'gpt-4o-mini',
        messages: hi,
      });
      expectInvalid(provider, `provider ${show(bad)}`);
    }
    for (const bad of MESSAGE_BREAKERS) {
      const message = await attacker.post('/api/chat', {
        provider: 'openai',
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `hi${bad}there` }],
      });
      expectInvalid(message, `content ${show(bad)}`);
    }
    expect(fakes.requests()).toHaveLength(0);
    // Tabs and line breaks are ordinary message text.
    const multiline = await attacker.post('/api/chat', {
      provider: 'openai',
      model: 'gpt-4o-mini',
      stream: false,
      messages: [{ role: 'user', content: 'line one\r\n\tline two\u2028' }],
    });
    expect(multiline.statusCode).toBe(200);
  });

  it('conversations refuse control characters in titles, models and providers, and a NUL message before the provider is paid', async () => {
    const created = await attacker.post('/api/conversations', { provider: 'openai', model: 'gpt-4o-mini' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    for (const bad of LINE_BREAKERS) {
      expectInvalid(
        await attacker.post('/api/conversations', { title: `Pla${bad}ns`, provider: 'openai', model: 'gpt-4o-mini' }),
        `create title ${show(bad)}`,
      );
      expectInvalid(
        await attacker.post('/api/conversations', { provider: 'openai', model: `gpt-4o${bad}-mini` }),
        `create model ${show(bad)}`,
      );
      expectInvalid(await attacker.patch(`/api/conversations/${id}`, { title: `x${bad}y` }), `rename ${show(bad)}`);
      expectInvalid(
        await attacker.post(`/api/conversations/${id}/messages`, { content: 'hi', model: `gpt${bad}-4o` }),
        `message model ${show(bad)}`,
      );
    }
    for (const bad of MESSAGE_BREAKERS) {
      expectInvalid(
        await attacker.post(`/api/conversations/${id}/messages`, { content: `hello${bad}world` }),
        `message ${show(bad)}`,
      );
    }
    expect(fakes.requests()).toHaveLength(0);
    expect((await attacker.get(`/api/conversations/${id}`)).json().messages).toEqual([]);
  });

  it('a paid answer holding a NUL is saved, and a title made from a message is one safe line', async () => {
    const created = await attacker.post('/api/conversations', { provider: 'openai', model: 'gpt-4o-mini' });
    const id = created.json().id as string;
    fakes.byProvider.openai.setReply('before\u0000after');
    const turn = await attacker.post(`/api/conversations/${id}/messages`, {
      content: `\u202e${'👩‍👩‍👧'.repeat(9)}x\n\tdone`,
    });
    expect(turn.statusCode).toBe(200);
    expect(turn.body).toContain('"type":"done"');
    const saved = (await attacker.get(`/api/conversations/${id}`)).json();
    expect(saved.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);
    expect(saved.messages[1].content).toBe('before\ufffdafter');
    expect(saved.title.isWellFormed()).toBe(true);
    expect(saved.title).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it('access tokens, admin-made accounts, prices, usage queries and ids refuse control characters', async () => {
    for (const bad of LINE_BREAKERS) {
      expectInvalid(await attacker.post('/api/tokens', { name: `lap${bad}top` }), `token ${show(bad)}`);
      expectInvalid(
        await admin.post('/api/admin/users', {
          name: `E${bad}ve`,
          email: uniqueEmail('made'),
          password: 'a long enough password',
        }),
        `account ${show(bad)}`,
      );
      expectInvalid(
        await admin.post('/api/admin/prices', {
          provider: `openai${bad}`,
          model: 'gpt-4o-mini',
          effectiveFrom: new Date().toISOString(),
          inputMicrousdPerMtok: 1,
          outputMicrousdPerMtok: 1,
        }),
        `price provider ${show(bad)}`,
      );
      expectInvalid(
        await admin.post('/api/admin/prices', {
          provider: 'openai',
          model: `gpt-4o-mini${bad}`,
          effectiveFrom: new Date().toISOString(),
          inputMicrousdPerMtok: 1,
          outputMicrousdPerMtok: 1,
        }),
        `price model ${show(bad)}`,
      );
      const encoded = encodeURIComponent(`x${bad}`.isWellFormed() ? `x${bad}` : 'x\u0000');
      expectInvalid(await admin.get(`/api/admin/usage?userId=${encoded}`), `usage userId ${show(bad)}`);
      expectInvalid(await admin.get(`/api/admin/users/${encoded}/limits`), `user id ${show(bad)}`);
      expectInvalid(await admin.patch(`/api/admin/users/${encoded}`, { disabled: false }), `user id ${show(bad)}`);
      expectInvalid(await attacker.delete(`/api/tokens/${encoded}`), `token id ${show(bad)}`);
      expectInvalid(await attacker.delete(`/api/keys/${encoded}`), `provider ${show(bad)}`);
    }
    // better-auth's guard refuses a NUL in any of its inputs, passwords included (scrypt's HMAC
    // would take "password\u0000" for "password").
    expectInvalid(
      await admin.post('/api/admin/users', { name: 'Eve', email: uniqueEmail('made'), password: 'long enough\u0000' }),
      'password with NUL',
    );
    // An unknown but well-formed id is still "not found".
    expect((await admin.get('/api/admin/users/no-such-user/limits')).statusCode).toBe(404);
  });
});

describe('account names (better-auth routes)', () => {
  const signUpWith = (body: Record<string, unknown>) =>
    test.app.inject({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      headers: { origin: test.app.config.publicUrl },
      remoteAddress: `10.200.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      payload: { email: uniqueEmail('named'), password: 'a long enough password', ...body },
    });

  const expectAuthRefusal = (response: { statusCode: number; json(): Record<string, unknown> }, label: string) => {
    expect(response.statusCode, label).toBe(400);
    // better-auth's own shape, which its client reads.
    expect(response.json(), label).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  };

  it('sign-up refuses a name with a control character, an empty or 1.9 MB name, and an image that is not https', async () => {
    for (const bad of LINE_BREAKERS) expectAuthRefusal(await signUpWith({ name: `E${bad}ve` }), show(bad));
    expectAuthRefusal(await signUpWith({ name: '   ' }), 'blank name');
    expectAuthRefusal(await signUpWith({ name: 'x'.repeat(1_900_000) }), '1.9 MB name');
    expectAuthRefusal(await signUpWith({ name: 'x'.repeat(201) }), '201 characters');
    expectAuthRefusal(await signUpWith({ name: 'Eve', image: 'javascript:alert(1)' }), 'javascript: image');
    expectAuthRefusal(await signUpWith({ name: 'Eve', image: 'http://example.com/a.png' }), 'http image');
    expectAuthRefusal(
      await signUpWith({ name: 'Eve', image: `https://example.com/${'a'.repeat(3000)}` }),
      'long image',
    );

    const fine = await signUpWith({ name: 'Ève Élodie 🎉', image: 'https://example.com/me.png' });
    expect(fine.statusCode).toBe(200);
    const me = await test.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: cookieFrom(fine) } });
    expect(me.json().name).toBe('Ève Élodie 🎉');
  });

  it('update-user is not served (renames go through the user hooks, checked below)', async () => {
    const user = await signUp(test.app);
    expect((await user.post('/api/auth/update-user', { name: 'E\u0000ve' })).statusCode).toBe(404);
    expect((await user.post('/api/auth/update-user', { name: 'Renamed' })).statusCode).toBe(404);
    expect((await user.get('/api/me')).json().name).not.toBe('Renamed');
  });

  it('the user hooks refuse bad fields on every path better-auth creates or renames a user by', async () => {
    // The internal adapter is what every endpoint (sign-up, update-user, admin, single sign-on) calls.
    const { internalAdapter } = await test.app.auth.$context;
    const user = await signUp(test.app);
    const id = (await user.get('/api/me')).json().id as string;
    for (const fields of [
      { name: 'E\u0000ve' },
      { name: 'E\u202eve' },
      { name: 'x'.repeat(201) },
      { image: 'http://x/y' },
    ]) {
      await expect(
        internalAdapter.createUser({ email: uniqueEmail('hook'), name: 'Eve', ...fields }, { method: 'admin' }),
      ).rejects.toMatchObject({ statusCode: 400 });
      await expect(internalAdapter.updateUser(id, fields)).rejects.toMatchObject({ statusCode: 400 });
    }
    expect((await user.get('/api/me')).json().name).not.toContain('\u0000');
  });

  it('a NUL anywhere in a better-auth request is refused, not sent to the database', async () => {
    const user = await signUp(test.app);
    const signIn = await test.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      headers: { origin: test.app.config.publicUrl },
      payload: { email: user.email, password: `${user.password}\u0000` },
    });
    expect(signIn.statusCode).toBe(400);
    const reset = await test.app.inject({
      method: 'POST',
      url: '/api/auth/reset-password',
      headers: { origin: test.app.config.publicUrl },
      payload: { token: 'abc\u0000', newPassword: 'another long password' },
    });
    // Served since issue 14 (a forgotten password): the NUL is refused before the token is looked up.
    expect(reset.statusCode).toBe(400);
    expect(reset.json().code).toBe('INVALID_INPUT');
    const verify = await test.app.inject({ method: 'GET', url: '/api/auth/verify-email?token=a%00b' });
    expect(verify.statusCode).toBeLessThan(500);
  });
});

describe('deeply nested JSON', () => {
  const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const inMessages = (depth: number) =>
    `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi","x":${nestedArrays(depth)}}]}`;

  it('answers 400 invalid_request on /v1 (OpenAI’s shape), /api/* and /api/auth/*, never a 500', async () => {
    for (const payload of [inMessages(100_000), `{"model":"openai/gpt-4o-mini","messages":${nestedArrays(100_000)}}`]) {
      const response = await v1(attackerToken, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    }
    for (const payload of [nestedArrays(100_000), nestedObjects(100_000), `{"name":${nestedObjects(5_000)}}`]) {
      for (const [client, url] of [
        [attacker, '/api/chat'],
        [attacker, '/api/tokens'],
        [admin, '/api/admin/users'],
      ] as const) {
        const response = await client.request({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          payload,
        });
        expectInvalid(response, url);
      }
      for (const url of ['/api/auth/sign-in/email', '/api/auth/sign-up/email']) {
        const response = await test.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', origin: test.app.config.publicUrl },
          payload,
        });
        expect(response.statusCode, url).toBe(400);
      }
    }
    expect(fakes.requests()).toHaveLength(0);
  });

  it('takes ordinary nesting, brackets inside strings, and keeps refusing prototype poisoning', async () => {
    const deepButFine = `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"${'[{'.repeat(5_000)}\\"]"}],"metadata":${nestedArrays(40)}}`;
    expect((await v1(attackerToken, deepButFine)).statusCode).not.toBe(400);
    const poisoned = await v1(
      attackerToken,
      '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"__proto__":{"admin":true}}',
    );
    expect(poisoned.statusCode).toBe(400);
    const constructorPoisoned = await attacker.request({
      method: 'POST',
      url: '/api/tokens',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"x","constructor":{"prototype":{"admin":true}}}',
    });
    expectInvalid(constructorPoisoned, 'constructor poisoning');
  });
});

describe('the ledger keeps metering everyone', () => {
  it('after every attempt above, other users’ rows are written and a budgeted user is charged the real cost', async () => {
    // The attacker's refused requests, with control characters in the model, on both paths.
    for (const bad of ['\u0000', '\u0001', '\u009f', '\ud800']) {
      await v1(attackerToken, { model: `openai/gpt-4o-mini${bad}`, messages: hi });
      await v1(attackerToken, { model: `${bad}`, messages: hi });
      await attacker.post('/api/chat', { provider: `openai${bad}`, model: `gpt-4o-mini${bad}`, messages: hi });
    }
    // A budgeted user, on the global key, right behind them.
    const budgeted = await signUp(test.app);
    const budgetedId = (await budgeted.get('/api/me')).json().id as string;
    const limits = await admin.put(`/api/admin/users/${budgetedId}/limits`, {
      global: { dayMicrousd: 1_000_000, monthMicrousd: null, dayTokens: null, monthTokens: null },
      personal: null,
      requestsPerMinute: null,
      tokensPerMinute: null,
    });
    expect(limits.statusCode).toBe(200);
    const token = (await budgeted.post('/api/tokens', { name: 'budgeted' })).json().token as string;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => v1(token, { model: 'openai/gpt-4o-mini', max_tokens: 1000, messages: hi })),
    );
    for (const answer of answers) expect(answer.statusCode).toBe(200);
    const usedTokens = answers.reduce(
      (sum, answer) => sum + answer.json().usage.prompt_tokens + answer.json().usage.completion_tokens,
      0,
    );

    await test.app.metering.ledger.flush();
    expect(test.app.metering.ledger.pending()).toBe(0);
    expect(test.app.metering.ledger.stats()).toMatchObject({ pending: 0, rejected: 0 });
    expect(await test.app.metering.quota.openHolds(budgetedId)).toBe(0);

    const usage = (await budgeted.get('/api/usage')).json();
    expect(usage.totals.requests).toBe(5);
    expect(usage.totals.inputTokens + usage.totals.outputTokens).toBe(usedTokens);
    const rows = await test.app.database.query<{ estimated: boolean; error_code: string | null }>(
      'select estimated, error_code from usage_event where user_id = $1',
      [budgetedId],
    );
    expect(rows.rows).toHaveLength(5);
    for (const row of rows.rows) expect(row).toEqual({ estimated: false, error_code: null });

    // The attacker's refusals are metered too, under a model name that is safe to store and show.
    const attackerId = (await attacker.get('/api/me')).json().id as string;
    const refused = await test.app.database.query<{ model: string; provider: string; status: number }>(
      'select model, provider, status from usage_event where user_id = $1 and status = 400',
      [attackerId],
    );
    expect(refused.rows.length).toBeGreaterThanOrEqual(12);
    for (const row of refused.rows) {
      expect(row.model).not.toMatch(/[\u0000-\u001f\u007f-\u009f\ufffd]/);
      expect(row.provider).not.toMatch(/[\u0000-\u001f\u007f-\u009f\ufffd]/);
    }
    expect(test.logs.join('')).not.toContain('usage batch could not be written');
    expect(test.logs.join('')).not.toContain('"statusCode":500');
  });
});

describe('the ledger isolates a row PostgreSQL refuses', () => {
  const MODEL_PARAM = 5;
  const INPUT_TOKENS_PARAM = 7;

  /**
   * The real database under a wrapper that spoils chosen rows after the ledger's sanitiser (as a
   * value it did not foresee would), or plays an unreachable database.
   */
  function harness() {
    const state = { nulModel: new Set<string>(), hugeTokens: new Set<string>(), down: false, statements: 0 };
    const errors: Array<Record<string, unknown>> = [];
    const query: DatabaseHandle['query'] = async (text, params) => {
      state.statements++;
      if (state.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      const ids = params[0] as string[];
      const spoiled = [...params];
      spoiled[MODEL_PARAM] = (params[MODEL_PARAM] as string[]).map((model, index) =>
        state.nulModel.has(ids[index] ?? '') ? `${model}\u0000` : model,
      );
      spoiled[INPUT_TOKENS_PARAM] = (params[INPUT_TOKENS_PARAM] as number[]).map((tokens, index) =>
        state.hugeTokens.has(ids[index] ?? '') ? 2 ** 31 : tokens,
      );
      return test.app.database.query(text, spoiled);
    };
    const ledger = createUsageLedger({
      query,
      prices: test.app.metering.prices,
      timezone: 'UTC',
      log: {
        warn: () => {},
        error: (object, message) => errors.push({ ...object, message }),
      },
    });
    return { state, errors, ledger };
  }

  let userId: string;
  const row = (requestId: string): UsageRecord => ({
    requestId,
    userId,
    endpoint: 'gateway',
    provider: 'openai',
    model: 'gpt-4o-mini',
    keySource: 'global',
    tokens: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0 },
    status: 200,
  });
  const written = async (prefix: string) =>
    (
      await test.app.database.query<{ request_id: string }>(
        'select request_id from usage_event where request_id like $1 order by request_id',
        [`${prefix}%`],
      )
    ).rows.map((found) => found.request_id);

  beforeAll(async () => {
    userId = (await attacker.get('/api/me')).json().id as string;
  });

  it('writes every other row of the batch, counts and logs the refused ones, and is not stuck', async () => {
    const { state, errors, ledger } = harness();
    const ids = Array.from({ length: 40 }, (_unused, index) => `isolate-${String(index).padStart(2, '0')}`);
    state.nulModel.add('isolate-07');
    state.hugeTokens.add('isolate-31');
    for (const id of ids) ledger.record(row(id));
    await ledger.flush();

    expect(ledger.stats()).toEqual({ written: 38, rejected: 2, orphaned: 0, pending: 0 });
    expect(await written('isolate-')).toEqual(ids.filter((id) => id !== 'isolate-07' && id !== 'isolate-31'));
    expect(errors.map((error) => [error.requestId, error.sqlstate])).toEqual([
      ['isolate-07', '22021'],
      ['isolate-31', '22003'],
    ]);
    // The refused row's strings are not logged raw.
    expect(JSON.stringify(errors)).not.toContain('\\u0000');

    // The queue moves on: the next rows are written at once.
    ledger.record(row('isolate-next'));
    await ledger.flush();
    expect(await written('isolate-next')).toEqual(['isolate-next']);
    expect(ledger.stats()).toEqual({ written: 39, rejected: 2, orphaned: 0, pending: 0 });
    await ledger.close();
  });

  it('keeps every row queued while the database is unreachable, and writes them all when it is back', async () => {
    const { state, errors, ledger } = harness();
    state.down = true;
    for (let index = 0; index < 30; index++) ledger.record(row(`outage-${index}`));
    await ledger.flush();
    await ledger.flush();
    expect(ledger.stats()).toEqual({ written: 0, rejected: 0, orphaned: 0, pending: 30 });
    expect(errors.every((error) => error.message === 'usage batch could not be written; will retry')).toBe(true);
    state.down = false;
    await ledger.flush();
    expect(ledger.stats()).toEqual({ written: 30, rejected: 0, orphaned: 0, pending: 0 });
    expect(await written('outage-')).toHaveLength(30);
    await ledger.close();
  });

  it('expired holds (writeNow) and the final flush are not blocked by a refused row', async () => {
    const { state, ledger } = harness();
    state.nulModel.add('now-1');
    await ledger.writeNow(['now-0', 'now-1', 'now-2'].map(row));
    expect(await written('now-')).toEqual(['now-0', 'now-2']);
    expect(ledger.stats()).toMatchObject({ written: 2, rejected: 1 });

    state.down = true;
    await expect(ledger.writeNow([row('now-3')])).rejects.toThrow('ECONNREFUSED');
    state.down = false;

    state.hugeTokens.add('close-1');
    for (const id of ['close-0', 'close-1', 'close-2']) ledger.record(row(id));
    await expect(ledger.close()).resolves.toBeUndefined();
    expect(await written('close-')).toEqual(['close-0', 'close-2']);
    expect(ledger.stats()).toEqual({ written: 4, rejected: 2, orphaned: 0, pending: 0 });
  });

  it('makes every text safe before it is queued, so a raw control character never reaches the database', async () => {
    const { ledger } = harness();
    ledger.record({
      ...row('sanitised-0'),
      provider: 'open\u0000ai',
      model: `gpt\u0001-4o\u2028${'x'.repeat(500)}`,
      errorCode: 'bad\u009fcode',
      tokens: { inputTokens: 2 ** 40, outputTokens: Number.NaN, cachedInputTokens: -5 },
      latencyMs: Number.POSITIVE_INFINITY,
    });
    await ledger.flush();
    expect(ledger.stats()).toEqual({ written: 1, rejected: 0, orphaned: 0, pending: 0 });
    const stored = await test.app.database.query<Record<string, unknown>>(
      'select provider, model, error_code, input_tokens, output_tokens, cached_input_tokens, latency_ms from usage_event where request_id = $1',
      ['sanitised-0'],
    );
    expect(stored.rows[0]).toEqual({
      provider: 'openai',
      model: `gpt-4o${'x'.repeat(194)}`,
      error_code: 'badcode',
      input_tokens: 2_147_483_647,
      output_tokens: 0,
      cached_input_tokens: 0,
      latency_ms: 0,
    });
    await ledger.close();
  });
});
