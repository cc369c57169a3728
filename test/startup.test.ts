// Start-up rules of the embedded default and of PostgreSQL (DESIGN §4): the generated master key
// and auth secret, persistence across restarts, refusal to start on a missing or malformed key,
// the embedded database's lock, and the CLI commands (migrate, user promote, vault rotate).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { ConfigError, parseConfig } from '../src/server/config.ts';
import { EmbeddedDatabaseLockedError } from '../src/server/db/embedded-lock.ts';
import { KeyringError } from '../src/server/vault/crypto.ts';
import { clientWithCookie, cookieFrom, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';

const run = promisify(execFile);
const folders: string[] = [];
const newDataDir = async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'webox-startup-'));
  folders.push(folder);
  return path.join(folder, 'nested', 'data');
};
const quiet = { LOG_LEVEL: 'silent' };

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** Runs the real CLI as an operator would, on the Node that runs this test. */
const webox = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['src/server/main.ts', ...args], { env: { PATH: process.env.PATH ?? '', ...env } }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

describe('configuration refusals', () => {
  it('requires a master key and an auth secret with DATABASE_URL', async () => {
    expect(() => parseConfig({ DATABASE_URL: 'postgres://localhost/x' })).toThrow(/WEBOX_AUTH_SECRET/);
    const config = parseConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/none',
      WEBOX_AUTH_SECRET: 'x'.repeat(40),
      ...quiet,
    });
    await expect(buildApp(config)).rejects.toThrow(KeyringError);
    await expect(buildApp(config)).rejects.toThrow(/WEBOX_MASTER_KEY/);
  });

  it('refuses a master key that is not 32 bytes, and both key settings at once', async () => {
    const short = randomBytes(31).toString('base64');
    const config = parseConfig({ WEBOX_DATA_DIR: await newDataDir(), WEBOX_MASTER_KEY: short, ...quiet });
    const failure = buildApp(config);
    await expect(failure).rejects.toThrow(KeyringError);
    await expect(failure).rejects.not.toThrow(short);
    expect(() =>
      parseConfig({ WEBOX_MASTER_KEY: randomBytes(32).toString('base64'), WEBOX_MASTER_KEYS: 'a:b' }),
    ).toThrow(ConfigError);
  });

  it('refuses bad values of the other settings with a message naming them', () => {
    expect(() => parseConfig({ WEBOX_SIGNUP: 'maybe' })).toThrow(/WEBOX_SIGNUP/);
    expect(() => parseConfig({ WEBOX_OPENAI_BASE_URL: 'not a url' })).toThrow(/WEBOX_OPENAI_BASE_URL/);
    expect(() => parseConfig({ WEBOX_TIMEZONE: 'Mars/Olympus' })).toThrow(/WEBOX_TIMEZONE/);
    expect(() => parseConfig({ PORT: '99999' })).toThrow(/PORT/);
    expect(parseConfig({}).providerBaseUrls.google).toBe('https://generativelanguage.googleapis.com/v1beta');
  });
});

describe('the embedded default', () => {
  it('generates master.key and auth.secret (0600) on first start and keeps everything across restarts', async () => {
    const dataDir = await newDataDir();
    const config = parseConfig({ WEBOX_DATA_DIR: dataDir, ...quiet });
    const apiKey = makeKey.openai();

    const first = await buildApp(config);
    const masterKeyFile = path.join(dataDir, 'master.key');
    expect((await stat(masterKeyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dataDir, 'auth.secret'))).mode & 0o777).toBe(0o600);
    expect(Buffer.from(await readFile(masterKeyFile, 'utf8'), 'base64')).toHaveLength(32);
    const admin = await signUp(first, { email: 'owner@example.com', password: 'owner password 1' });
    expect((await admin.put('/api/admin/keys/openai', { apiKey })).statusCode).toBe(200);
    await first.close();

    const second = await buildApp(config);
    try {
      const signIn = await second.inject({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        headers: { origin: config.publicUrl },
        payload: { email: 'owner@example.com', password: 'owner password 1' },
      });
      expect(signIn.statusCode).toBe(200);
      const again = clientWithCookie(second, cookieFrom(signIn));
      expect((await again.get('/api/me')).json().role).toBe('admin');
      // The old session cookie still works too: the auth secret was kept.
      expect((await clientWithCookie(second, admin.cookie).get('/api/me')).statusCode).toBe(200);
      const ownerId = (await again.get('/api/me')).json().id;
      expect(await second.vault.getApiKey(ownerId, 'openai')).toBe(apiKey);
    } finally {
      await second.close();
    }
  });

  it('holds the embedded database for one process: the CLI refuses while a server runs', async () => {
    const dataDir = await newDataDir();
    const config = parseConfig({ WEBOX_DATA_DIR: dataDir, ...quiet });
    const app = await buildApp(config);
    try {
      expect(await readFile(path.join(dataDir, 'webox.lock'), 'utf8')).toContain(String(process.pid));
      await expect(buildApp(config)).rejects.toThrow(EmbeddedDatabaseLockedError);
      const cli = await webox(['migrate'], { WEBOX_DATA_DIR: dataDir });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/in use by WeBox process \d+.*Stop that server/s);
    } finally {
      await app.close();
    }
    const after = await webox(['migrate'], { WEBOX_DATA_DIR: dataDir });
    expect(after.stdout).toContain('Migrations applied.');
    expect(after.code).toBe(0);
  });

  it('promotes an account from the command line', async () => {
    const dataDir = await newDataDir();
    const config = parseConfig({ WEBOX_DATA_DIR: dataDir, ...quiet });
    const app = await buildApp(config);
    await signUp(app, { email: 'first@example.com' });
    const second = await signUp(app, { email: 'second@example.com' });
    expect((await second.get('/api/me')).json().role).toBe('user');
    await app.close();

    const unknown = await webox(['user', 'promote', 'nobody@example.com'], { WEBOX_DATA_DIR: dataDir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No account has the email nobody@example.com');
    const promoted = await webox(['user', 'promote', 'Second@Example.com'], { WEBOX_DATA_DIR: dataDir });
    expect(promoted.stdout).toContain('is now an admin');

    const reopened = await buildApp(config);
    try {
      expect((await clientWithCookie(reopened, second.cookie).get('/api/me')).json().role).toBe('admin');
    } finally {
      await reopened.close();
    }
  });
});
