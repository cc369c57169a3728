// Issue 10, item 13 (priced extras): on the operator's global keys, the gateway refuses what the
// provider would bill at prices the ledger does not know — a service tier past the standard ones,
// web search, audio output — unless the admin allows it (WEBOX_GLOBAL_SERVICE_TIERS,
// WEBOX_GLOBAL_PRICED_PARAMETERS). Personal keys pass everything on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/server/config.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { signUp } from './helpers/client.ts';
import { type KeyProvider, saveEveryKey } from './helpers/keys.ts';
import { gatewayModels } from './helpers/models.ts';

let fakes: FakeUpstreams;

interface Setup {
  test: TestApp;
  globalToken: string;
  personalToken: string;
}
let strict: Setup;
let lenient: Setup;

async function setUp(env: Record<string, string> = {}): Promise<Setup> {
  const test = await createTestApp({ ...fakes.env, ...env });
  const admin = await signUp(test.app);
  const personal = await signUp(test.app);
  await saveEveryKey(admin, 'global');
  await saveEveryKey(personal, 'personal');
  const globalToken = (await admin.post('/api/tokens', { name: 'global' })).json().token;
  const personalToken = (await personal.post('/api/tokens', { name: 'personal' })).json().token;
  return { test, globalToken, personalToken };
}

async function complete(setup: Setup, token: string, provider: KeyProvider, extra: Record<string, unknown>) {
  fakes.reset();
  const response = await setup.test.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: { model: gatewayModels[provider], messages: [{ role: 'user', content: 'hi' }], ...extra },
  });
  const sent = fakes.byProvider[provider].requests.filter((request) => request.method === 'POST');
  return { response, sent: sent.map((request) => request.body as Record<string, unknown>) };
}

async function expectRefused(setup: Setup, provider: KeyProvider, extra: Record<string, unknown>, param: string) {
  const { response, sent } = await complete(setup, setup.globalToken, provider, extra);
  expect(response.statusCode, `${provider} ${JSON.stringify(extra)}`).toBe(400);
  const error = response.json().error;
  expect(error).toMatchObject({ code: 'invalid_request', type: 'invalid_request_error', param });
  expect(error.message).toContain("not available on the operator's key");
  expect(sent, 'nothing reached the provider').toHaveLength(0);
  return error.message as string;
}

async function expectPassed(setup: Setup, token: string, provider: KeyProvider, extra: Record<string, unknown>) {
  const { response, sent } = await complete(setup, token, provider, extra);
  expect(response.statusCode, `${provider} ${JSON.stringify(extra)}: ${response.body.slice(0, 300)}`).toBe(200);
  expect(sent).toHaveLength(1);
  return sent[0] ?? {};
}

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  [strict, lenient] = await Promise.all([
    setUp(),
    setUp({ WEBOX_GLOBAL_SERVICE_TIERS: 'priority, flex', WEBOX_GLOBAL_PRICED_PARAMETERS: 'audio,modalities' }),
  ]);
});

afterAll(async () => {
  await strict?.test.close();
  await lenient?.test.close();
  await fakes?.close();
});

describe('service_tier on the global keys', () => {
  it('refuses the tiers priced apart, naming why and what to do', async () => {
    for (const tier of ['priority', 'flex', 'scale', 'PRIORITY', 42, { tier: 'priority' }]) {
      const message = await expectRefused(strict, 'openai', { service_tier: tier }, 'service_tier');
      expect(message).toContain('billed by OpenAI at prices WeBox does not meter');
      expect(message).toContain('WEBOX_GLOBAL_SERVICE_TIERS');
    }
    for (const tier of ['performance', 'auto'])
      await expectRefused(strict, 'groq', { service_tier: tier }, 'service_tier');
    await expectRefused(strict, 'mistral', { service_tier: 'default' }, 'service_tier');
  });

  it('passes absent, null and the standard tiers on unchanged, streamed too', async () => {
    for (const tier of [undefined, null, 'auto', 'default']) {
      const sent = await expectPassed(strict, strict.globalToken, 'openai', { service_tier: tier });
      expect(sent.service_tier).toBe(tier);
    }
    for (const tier of ['on_demand', 'flex']) {
      expect((await expectPassed(strict, strict.globalToken, 'groq', { service_tier: tier })).service_tier).toBe(tier);
    }
    const streamed = await complete(strict, strict.globalToken, 'openai', { service_tier: 'priority', stream: true });
    expect(streamed.response.statusCode).toBe(400);
    expect(streamed.sent).toHaveLength(0);
  });

  it('never sends service_tier to the translated providers, so there is nothing to refuse', async () => {
    for (const provider of ['anthropic', 'google'] as const) {
      const sent = await expectPassed(strict, strict.globalToken, provider, { service_tier: 'priority' });
      expect(JSON.stringify(sent)).not.toContain('priority');
    }
  });

  it('passes any tier on a personal key: the caller pays', async () => {
    for (const tier of ['priority', 'flex', 'scale']) {
      const sent = await expectPassed(strict, strict.personalToken, 'openai', { service_tier: tier });
      expect(sent.service_tier).toBe(tier);
    }
    expect(
      (await expectPassed(strict, strict.personalToken, 'groq', { service_tier: 'performance' })).service_tier,
    ).toBe('performance');
  });

  it('passes the tiers the admin allows with WEBOX_GLOBAL_SERVICE_TIERS, and still refuses the others', async () => {
    for (const tier of ['priority', 'flex']) {
      expect((await expectPassed(lenient, lenient.globalToken, 'openai', { service_tier: tier })).service_tier).toBe(
        tier,
      );
    }
    await expectRefused(lenient, 'openai', { service_tier: 'scale' }, 'service_tier');
  });
});

describe('parameters billed apart on the global keys', () => {
  const audio = { modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } };

  it('refuses web search and audio output, naming the parameter and what it bills', async () => {
    const search = await expectRefused(strict, 'openai', { web_search_options: {} }, 'web_search_options');
    expect(search).toContain('a fee for each web search');
    expect(search).toContain('WEBOX_GLOBAL_PRICED_PARAMETERS');
    await expectRefused(strict, 'openai', { audio: { voice: 'alloy', format: 'wav' } }, 'audio');
    await expectRefused(strict, 'openai', { modalities: ['audio'] }, 'modalities');
    await expectRefused(strict, 'openai', audio, 'audio');
  });

  it('passes what costs nothing more: text output, null values', async () => {
    await expectPassed(strict, strict.globalToken, 'openai', { modalities: ['text'] });
    await expectPassed(strict, strict.globalToken, 'openai', {
      web_search_options: null,
      audio: null,
      modalities: null,
    });
  });

  it('passes them on a personal key, and where the admin allows them', async () => {
    const sent = await expectPassed(strict, strict.personalToken, 'openai', { ...audio, web_search_options: {} });
    expect(sent).toMatchObject({ ...audio, web_search_options: {} });
    expect(await expectPassed(lenient, lenient.globalToken, 'openai', audio)).toMatchObject(audio);
    await expectRefused(lenient, 'openai', { web_search_options: {} }, 'web_search_options');
  });
});

describe('the settings', () => {
  it('parses comma-separated lists, defaulting to nothing, and refuses unknown parameters', () => {
    const base = { WEBOX_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(parseConfig(base).globalKeyExtras).toEqual({ serviceTiers: [], pricedParameters: [] });
    expect(
      parseConfig({ ...base, WEBOX_GLOBAL_SERVICE_TIERS: ' flex ,priority,', WEBOX_GLOBAL_PRICED_PARAMETERS: 'audio' })
        .globalKeyExtras,
    ).toEqual({ serviceTiers: ['flex', 'priority'], pricedParameters: ['audio'] });
    expect(() => parseConfig({ ...base, WEBOX_GLOBAL_PRICED_PARAMETERS: 'temperature' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, WEBOX_GLOBAL_SERVICE_TIERS: 'Priority Tier' })).toThrow(ConfigError);
  });
});
