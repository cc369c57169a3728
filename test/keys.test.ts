// The hybrid key system over HTTP: personal keys beat global keys, global keys serve everyone,
// masks only, admins only for global keys, users isolated from each other, bad input refused and
// nothing stored, and no key in clear in any response, log line or table.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp } from './helpers/client.ts';
import { allProviders, expectedMask, makeKey } from './helpers/keys.ts';

let test: TestApp;
let admin: Client;
let alice: Client;
let bob: Client;
/** Every key this file sends: none may appear in clear anywhere. */
const usedKeys: string[] = [];
const key = (provider: keyof typeof makeKey) => {
  const value = makeKey[provider]();
  usedKeys.push(value);
  return value;
};

type KeysView = {
  providers: Array<{
    provider: string;
    source: string;
    personal: { mask: string; updatedAt: string } | null;
    global: { configured: boolean };
  }>;
};
const keysOf = async (client: Client) => (await client.get('/api/keys')).json() as KeysView;
const entry = async (client: Client, provider: string) =>
  (await keysOf(client)).providers.find((row) => row.provider === provider);

beforeAll(async () => {
  test = await createTestApp();
  admin = await signUp(test.app);
  alice = await signUp(test.app);
  bob = await signUp(test.app);
});

afterAll(async () => {
  await test?.close();
});

describe('key resolution (personal → global → none)', () => {
  it('starts with no key anywhere', async () => {
    const view = await keysOf(alice);
    expect(view.providers.map((row) => row.provider)).toEqual(allProviders);
    for (const row of view.providers) {
      expect(row).toEqual({ provider: row.provider, source: 'none', personal: null, global: { configured: false } });
    }
    expect(await test.app.vault.getApiKeySource('nobody', 'openai')).toBe('none');
  });

  it('serves the global key to users without a personal key, showing them only "configured"', async () => {
    const globalKey = key('openai');
    const saved = await admin.put('/api/admin/keys/openai', { apiKey: globalKey });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual({ provider: 'openai', mask: expectedMask(globalKey), updatedAt: expect.any(String) });

    const row = await entry(alice, 'openai');
    expect(row).toEqual({ provider: 'openai', source: 'global', personal: null, global: { configured: true } });
    const aliceId = (await alice.get('/api/me')).json().id;
    expect(await test.app.vault.resolveKey(aliceId, 'openai')).toEqual({ source: 'global', apiKey: globalKey });
    expect(await test.app.vault.getApiKey(aliceId, 'openai')).toBe(globalKey);
    expect(await test.app.vault.hasApiAccess(aliceId, 'openai')).toBe(true);
    expect(await test.app.vault.getApiKeySource(aliceId, 'openai')).toBe('global');
  });

  it('lets a personal key take priority, and falls back to global when it is deleted', async () => {
    const aliceId = (await alice.get('/api/me')).json().id;
    const personalKey = key('openai');
    const saved = await alice.put('/api/keys/openai', { apiKey: `  ${personalKey}\n` });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().mask).toBe(expectedMask(personalKey));
    expect(await entry(alice, 'openai')).toMatchObject({
      source: 'personal',
      personal: { mask: expectedMask(personalKey) },
      global: { configured: true },
    });
    expect(await test.app.vault.resolveKey(aliceId, 'openai')).toEqual({ source: 'personal', apiKey: personalKey });

    // Replacing keeps one row and changes the mask.
    const replacement = key('openai');
    await alice.put('/api/keys/openai', { apiKey: replacement });
    expect(await test.app.vault.getApiKey(aliceId, 'openai')).toBe(replacement);

    expect((await alice.delete('/api/keys/openai')).statusCode).toBe(204);
    expect(await test.app.vault.getApiKeySource(aliceId, 'openai')).toBe('global');
    expect((await alice.delete('/api/keys/openai')).statusCode).toBe(404);
  });

  it('gives none after the global key is deleted', async () => {
    const aliceId = (await alice.get('/api/me')).json().id;
    expect((await admin.delete('/api/admin/keys/openai')).statusCode).toBe(204);
    expect(await test.app.vault.resolveKey(aliceId, 'openai')).toEqual({ source: 'none' });
    expect(await test.app.vault.getApiKey(aliceId, 'openai')).toBeNull();
    expect(await test.app.vault.hasApiAccess(aliceId, 'openai')).toBe(false);
    expect((await admin.get('/api/admin/keys')).json().providers[0]).toEqual({
      provider: 'openai',
      configured: false,
      mask: null,
      updatedAt: null,
      verified: false,
    });
  });

  it('keeps providers independent', async () => {
    const aliceId = (await alice.get('/api/me')).json().id;
    await admin.put('/api/admin/keys/anthropic', { apiKey: key('anthropic') });
    await alice.put('/api/keys/groq', { apiKey: key('groq') });
    const view = await keysOf(alice);
    const sources = Object.fromEntries(view.providers.map((row) => [row.provider, row.source]));
    expect(sources).toEqual({ openai: 'none', anthropic: 'global', google: 'none', mistral: 'none', groq: 'personal' });
    expect(await test.app.vault.getApiKeySource(aliceId, 'mistral')).toBe('none');
  });

  it('never lets two users see or use each other’s keys', async () => {
    const aliceId = (await alice.get('/api/me')).json().id;
    const bobId = (await bob.get('/api/me')).json().id;
    const bobsKey = key('mistral');
    await bob.put('/api/keys/mistral', { apiKey: bobsKey });
    expect(await entry(alice, 'mistral')).toMatchObject({ source: 'none', personal: null });
    expect(await test.app.vault.getApiKey(aliceId, 'mistral')).toBeNull();
    expect(await test.app.vault.getApiKey(bobId, 'mistral')).toBe(bobsKey);
    // Alice deleting "her" mistral key cannot touch Bob's.
    expect((await alice.delete('/api/keys/mistral')).statusCode).toBe(404);
    expect(await test.app.vault.getApiKey(bobId, 'mistral')).toBe(bobsKey);
    expect(JSON.stringify(await keysOf(alice))).not.toContain(expectedMask(bobsKey));
  });

  it('shows global masks to admins only', async () => {
    const globalKey = key('google');
    await admin.put('/api/admin/keys/google', { apiKey: globalKey });
    const adminView = (await admin.get('/api/admin/keys')).json();
    expect(adminView.providers.find((row: { provider: string }) => row.provider === 'google')).toMatchObject({
      configured: true,
      mask: expectedMask(globalKey),
    });
    const aliceView = JSON.stringify(await keysOf(alice));
    expect(aliceView).not.toContain(expectedMask(globalKey));
    expect((await alice.get('/api/admin/keys')).statusCode).toBe(403);
  });

  it('lists, for the admin, which providers each user has personal keys for, never the keys', async () => {
    const users = (await admin.get('/api/admin/users')).json().users as Array<{
      email: string;
      personalKeys: string[];
    }>;
    expect(users.find((row) => row.email === alice.email)?.personalKeys).toEqual(['groq']);
    expect(users.find((row) => row.email === bob.email)?.personalKeys).toEqual(['mistral']);
  });
});

describe('formats and bad input', () => {
  const wellFormed = allProviders.map((provider) => [provider, makeKey[provider]()] as const);
  for (const [provider, value] of wellFormed) {
    it(`accepts a well-formed ${provider} key`, async () => {
      usedKeys.push(value);
      const response = await bob.put(`/api/keys/${provider}`, { apiKey: value });
      expect(response.statusCode).toBe(200);
      expect(response.json().mask).toBe(expectedMask(value));
    });
  }

  const malformed: Array<[string, string, string]> = [
    ['openai', '', 'empty'],
    ['openai', '   ', 'blank'],
    ['openai', 'sk-short', 'too short'],
    ['openai', `sk-${'a'.repeat(600)}`, 'oversized'],
    ['openai', 'pk-0123456789abcdefghijklmnop', 'wrong prefix'],
    ['openai', 'sk-ant-0123456789abcdefghijklmnop', 'an Anthropic key'],
    ['openai', 'sk-0123456789abcdéfghijklmnop', 'non-ASCII'],
    ['openai', 'sk-0123456789 abcdefghijklmnop', 'inner space'],
    ['anthropic', 'sk-0123456789abcdefghijklmnop', 'missing sk-ant-'],
    ['google', 'AIza0123456789', 'Google too short'],
    ['google', `AIza${'a'.repeat(34)}!`, 'Google bad character'],
    ['mistral', 'a'.repeat(31), 'Mistral 31 characters'],
    ['mistral', `${'a'.repeat(31)}-`, 'Mistral non-alphanumeric'],
    ['groq', 'gsx_0123456789abcdefghijklmnop', 'Groq wrong prefix'],
  ];
  for (const [provider, value, label] of malformed) {
    it(`refuses ${label} (${provider}) with invalid_key_format and stores nothing`, async () => {
      const before = await entry(alice, provider);
      const response = await alice.put(`/api/keys/${provider}`, { apiKey: value });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_key_format');
      expect(response.json().error.message).toMatch(/key/);
      expect(await entry(alice, provider)).toEqual(before);
    });
  }

  it('refuses an unknown provider with unknown_provider', async () => {
    const response = await alice.put('/api/keys/cohere', { apiKey: 'sk-0123456789abcdefghijklmnop' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('unknown_provider');
    expect((await admin.put('/api/admin/keys/cohere', { apiKey: 'x'.repeat(30) })).json().error.code).toBe(
      'unknown_provider',
    );
    expect((await alice.delete('/api/keys/cohere')).json().error.code).toBe('unknown_provider');
  });

  it('refuses malformed JSON, missing fields and wrong types with invalid_request', async () => {
    const badJson = await alice.request({
      method: 'PUT',
      url: '/api/keys/openai',
      headers: { 'content-type': 'application/json' },
      payload: '{"apiKey": "sk-',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('invalid_request');

    const missing = await alice.put('/api/keys/openai', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('invalid_request');

    const wrongType = await alice.put('/api/keys/openai', { apiKey: 42 });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.code).toBe('invalid_request');
    expect(await entry(alice, 'openai')).toMatchObject({ personal: null });
  });

  it('answers 413 payload_too_large to an oversized body', async () => {
    const response = await alice.put('/api/keys/openai', { apiKey: 'sk-'.padEnd(3 * 1024 * 1024, 'a') });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
  });

  it('answers unknown routes with 404 not_found in the common shape', async () => {
    const response = await anonymous(test.app).get('/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});

describe('no key in clear anywhere', () => {
  it('holds no plaintext key in any table, response or log line', async () => {
    expect(usedKeys.length).toBeGreaterThan(10);
    const dump = await test.dump();
    expect(dump).toContain('wbx1:');
    const logs = test.logs.join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    const responses = [
      JSON.stringify(await keysOf(alice)),
      JSON.stringify(await keysOf(bob)),
      (await admin.get('/api/admin/keys')).body,
      (await admin.get('/api/admin/users')).body,
    ].join('\n');
    for (const value of usedKeys) {
      expect(dump).not.toContain(value);
      expect(logs).not.toContain(value);
      expect(responses).not.toContain(value);
      // Not even a long fragment of it.
      expect(dump).not.toContain(value.slice(8, 28));
      expect(logs).not.toContain(value.slice(8, 28));
    }
  });
});

describe('catalogue and health', () => {
  it('lists the five providers with key hints and models', async () => {
    const response = await alice.get('/api/providers');
    expect(response.statusCode).toBe(200);
    const { providers } = response.json() as {
      providers: Array<{ id: string; name: string; keyHint: string; models: Array<{ id: string; name: string }> }>;
    };
    expect(providers.map((provider) => provider.id)).toEqual(allProviders);
    expect(providers.map((provider) => provider.name)).toEqual([
      'OpenAI',
      'Anthropic',
      'Google Gemini',
      'Mistral',
      'Groq',
    ]);
    for (const provider of providers) {
      expect(provider.keyHint.length).toBeGreaterThan(5);
      expect(provider.models.length).toBeGreaterThanOrEqual(3);
    }
    expect((await anonymous(test.app).get('/api/providers')).statusCode).toBe(401);
  });

  it('answers /healthz, /readyz and /api/info', async () => {
    const client = anonymous(test.app);
    expect((await client.get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await client.get('/readyz')).json()).toEqual({ status: 'ok' });
    expect((await client.get('/api/info')).json()).toEqual({
      name: 'WeBox',
      version: expect.any(String),
      publicOrigin: expect.any(String),
    });
  });

  it('answers /readyz 503 when the database cannot be reached', async () => {
    const spy = vi.spyOn(test.app.database, 'ping').mockRejectedValueOnce(new Error('connection refused'));
    const response = await anonymous(test.app).get('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable' });
    spy.mockRestore();
  });
});
