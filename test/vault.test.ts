// The vault end to end: master key rotation (two-key keyring, `webox vault rotate` and the admin
// API, idempotent), a wrong master key, tampered and swapped ciphertexts failing closed.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import { keyIdFor } from '../src/server/vault/crypto.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { clientWithCookie, signUp } from './helpers/client.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { makeKey } from './helpers/keys.ts';

const run = promisify(execFile);
const keyA = randomBytes(32);
const keyB = randomBytes(32);
const base64 = (key: Buffer) => key.toString('base64');

let database: TestDatabase;
let fakes: FakeUpstreams;
const authSecret = randomBytes(32).toString('base64url');
const keys = { adminOpenai: makeKey.openai(), aliceOpenai: makeKey.openai(), bobAnthropic: makeKey.anthropic() };
let adminCookie = '';
let aliceCookie = '';
let aliceId = '';
let bobId = '';

const envFor = (keyring: Record<string, string>) => ({
  WEBOX_DATA_DIR: database.dataDir,
  ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
  WEBOX_AUTH_SECRET: authSecret,
  LOG_LEVEL: 'silent',
  ...fakes.env,
  ...keyring,
});
const open = (keyring: Record<string, string>) => buildApp(parseConfig(envFor(keyring)));
const rows = async (app: Awaited<ReturnType<typeof open>>) =>
  (
    (await app.database.db.execute(
      sql`select id, scope, owner_id, provider, ciphertext, master_key_id from provider_key order by id`,
    )) as unknown as {
      rows: Array<{ id: string; ciphertext: string; master_key_id: string; owner_id: string | null; provider: string }>;
    }
  ).rows;

beforeAll(async () => {
  database = await createTestDatabase();
  fakes = await startFakeUpstreams();
  const app = await open({ WEBOX_MASTER_KEY: base64(keyA) });
  try {
    const admin = await signUp(app);
    const alice = await signUp(app);
    const bob = await signUp(app);
    adminCookie = admin.cookie;
    aliceCookie = alice.cookie;
    aliceId = (await alice.get('/api/me')).json().id;
    bobId = (await bob.get('/api/me')).json().id;
    expect((await admin.put('/api/admin/keys/openai', { apiKey: keys.adminOpenai })).statusCode).toBe(200);
    expect((await alice.put('/api/keys/openai', { apiKey: keys.aliceOpenai })).statusCode).toBe(200);
    expect((await bob.put('/api/keys/anthropic', { apiKey: keys.bobAnthropic })).statusCode).toBe(200);
    expect(new Set((await rows(app)).map((row) => row.master_key_id))).toEqual(new Set([keyIdFor(keyA)]));
  } finally {
    await app.close();
  }
});

afterAll(async () => {
  await fakes?.close();
  await database?.drop();
});

describe('master key rotation', () => {
  it('refuses to read anything under an unrelated master key, and lists masks without decrypting', async () => {
    const app = await open({ WEBOX_MASTER_KEY: base64(randomBytes(32)) });
    try {
      const alice = clientWithCookie(app, aliceCookie);
      expect((await alice.get('/api/keys')).statusCode).toBe(200);
      const chat = await alice.post('/api/chat', {
        provider: 'openai',
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(chat.statusCode).toBe(500);
      expect(chat.json().error).toEqual({
        code: 'vault_decrypt_failed',
        message: 'The stored key cannot be read and must be saved again.',
      });
      expect(fakes.requests()).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it('reads old ciphertexts with a two-key keyring and seals new ones with the active key', async () => {
    // The CLI reads the old key under the id it had as a single key ("k" + hash), so list it so.
    const app = await open({
      WEBOX_MASTER_KEYS: `${keyIdFor(keyA)}:${base64(keyA)},new:${base64(keyB)}`,
      WEBOX_MASTER_KEY_ACTIVE: 'new',
    });
    try {
      expect(await app.vault.getApiKey(aliceId, 'openai')).toBe(keys.aliceOpenai);
      expect(await app.vault.getApiKey(bobId, 'openai')).toBe(keys.adminOpenai);
      const fresh = makeKey.groq();
      await clientWithCookie(app, aliceCookie).put('/api/keys/groq', { apiKey: fresh });
      const groqRow = (await rows(app)).find((row) => row.provider === 'groq');
      expect(groqRow?.master_key_id).toBe('new');
      expect(groqRow?.ciphertext.startsWith('wbx1:new:')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('re-encrypts every row with `webox vault rotate`, idempotently', async () => {
    const keyring = {
      WEBOX_MASTER_KEYS: `${keyIdFor(keyA)}:${base64(keyA)},new:${base64(keyB)}`,
      WEBOX_MASTER_KEY_ACTIVE: 'new',
    };
    const cli = () =>
      run(process.execPath, ['src/server/main.ts', 'vault', 'rotate'], {
        env: { PATH: process.env.PATH ?? '', ...envFor(keyring) },
      });
    const first = await cli();
    // The three provider keys and the audit trail's fingerprint key (made by the first key saved).
    expect(first.stdout).toContain('Re-encrypted 4 key(s) under new');
    const second = await cli();
    expect(second.stdout).toContain('Re-encrypted 0 key(s) under new');

    // The old key can now be dropped: everything opens under the new one alone.
    const app = await open({ WEBOX_MASTER_KEYS: `new:${base64(keyB)}` });
    try {
      expect(new Set((await rows(app)).map((row) => row.master_key_id))).toEqual(new Set(['new']));
      // Each run is in the audit trail, as WeBox's own (no account, no address).
      const audited = (
        (await app.database.db.execute(
          sql`select actor_id, ip, target_id, details from audit_event where action = 'vault.rotated' order by at`,
        )) as unknown as { rows: Array<Record<string, unknown>> }
      ).rows;
      expect(audited).toMatchObject([
        { actor_id: null, ip: null, target_id: 'new', details: { via: 'cli', rotated: 4, unreadable: 0 } },
        { details: { via: 'cli', rotated: 0 } },
      ]);
      expect(await app.vault.getApiKey(aliceId, 'openai')).toBe(keys.aliceOpenai);
      expect(await app.vault.getApiKey(bobId, 'anthropic')).toBe(keys.bobAnthropic);
      expect(await app.vault.getApiKey(bobId, 'openai')).toBe(keys.adminOpenai);
    } finally {
      await app.close();
    }
  });

  it('rotates online through the admin API, for admins only', async () => {
    const app = await open({
      WEBOX_MASTER_KEYS: `new:${base64(keyB)},newer:${base64(keyA)}`,
      WEBOX_MASTER_KEY_ACTIVE: 'newer',
    });
    try {
      expect((await clientWithCookie(app, aliceCookie).post('/api/admin/vault/rotate', {})).statusCode).toBe(403);
      const report = await clientWithCookie(app, adminCookie).post('/api/admin/vault/rotate', {});
      expect(report.statusCode).toBe(200);
      // Four provider keys and the audit trail's fingerprint key.
      expect(report.json()).toEqual({ activeKeyId: 'newer', rotated: 5, skipped: 0, unreadable: 0 });
      expect(await app.vault.getApiKey(aliceId, 'openai')).toBe(keys.aliceOpenai);
      const again = await clientWithCookie(app, adminCookie).post('/api/admin/vault/rotate', {});
      expect(again.json().rotated).toBe(0);
    } finally {
      await app.close();
    }
  });
});

describe('ciphertexts fail closed', () => {
  const keyring = { WEBOX_MASTER_KEYS: `newer:${base64(keyA)}` };

  it('a tampered personal ciphertext gives vault_decrypt_failed, never the global key', async () => {
    const app = await open(keyring);
    try {
      const aliceRow = (await rows(app)).find((row) => row.owner_id === aliceId && row.provider === 'openai');
      expect(aliceRow).toBeDefined();
      const original = aliceRow?.ciphertext ?? '';
      const last = original.at(-1) === 'A' ? 'B' : 'A';
      await app.database.db.execute(
        sql`update provider_key set ciphertext = ${original.slice(0, -1) + last} where id = ${aliceRow?.id}`,
      );
      fakes.reset();
      const chat = await clientWithCookie(app, aliceCookie).post('/api/chat', {
        provider: 'openai',
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(chat.statusCode).toBe(500);
      expect(chat.json().error.code).toBe('vault_decrypt_failed');
      expect(fakes.requests()).toHaveLength(0);
      await app.database.db.execute(sql`update provider_key set ciphertext = ${original} where id = ${aliceRow?.id}`);
      // Written behind the vault's back: tell its cache, as a save through the API would.
      await app.bus.publish('provider-key', `personal|${aliceId}|openai`);
      expect(await app.vault.getApiKey(aliceId, 'openai')).toBe(keys.aliceOpenai);
    } finally {
      await app.close();
    }
  });

  it('a ciphertext copied to another user, scope or provider does not open there', async () => {
    const app = await open(keyring);
    try {
      const all = await rows(app);
      const bobsAnthropic = all.find((row) => row.owner_id === bobId && row.provider === 'anthropic');
      const aliceOpenai = all.find((row) => row.owner_id === aliceId && row.provider === 'openai');
      const globalOpenai = all.find((row) => row.owner_id === null && row.provider === 'openai');
      // Bob's ciphertext pasted into Alice's row; Alice's personal into the global row.
      await app.database.db.execute(
        sql`update provider_key set ciphertext = ${bobsAnthropic?.ciphertext} where id = ${aliceOpenai?.id}`,
      );
      await app.database.db.execute(
        sql`update provider_key set ciphertext = ${aliceOpenai?.ciphertext} where id = ${globalOpenai?.id}`,
      );
      await expect(app.vault.resolveKey(aliceId, 'openai')).rejects.toMatchObject({ code: 'vault_decrypt_failed' });
      await expect(app.vault.resolveKey(bobId, 'openai')).rejects.toMatchObject({ code: 'vault_decrypt_failed' });
      // Same owner and scope, other provider.
      await app.database.db.execute(
        sql`update provider_key set ciphertext = ${bobsAnthropic?.ciphertext}, provider = 'mistral' where id = ${bobsAnthropic?.id}`,
      );
      await expect(app.vault.resolveKey(bobId, 'mistral')).rejects.toMatchObject({ code: 'vault_decrypt_failed' });
    } finally {
      await app.close();
    }
  });
});
