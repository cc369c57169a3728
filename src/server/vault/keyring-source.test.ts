import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateMasterKey, KeyringError, keyIdFor, open, parseMasterKey, seal } from './crypto.ts';
import { type KeyringLog, loadKeyring, loadOrCreateSecretFile } from './keyring-source.ts';

const temporaryDirs: string[] = [];

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'webox-keyring-'));
  temporaryDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function recordingLog() {
  const lines: { level: 'warn' | 'info'; message: string }[] = [];
  const log: KeyringLog = {
    warn: (message) => lines.push({ level: 'warn', message }),
    info: (message) => lines.push({ level: 'info', message }),
  };
  return { log, lines };
}

const place = { scope: 'global', ownerId: null, provider: 'openai' } as const;

describe('loadKeyring on the embedded default', () => {
  it('creates master.key with mode 0600 in a data dir that does not exist yet', async () => {
    const dataDir = join(await freshDir(), 'nested', 'data');
    const { log, lines } = recordingLog();

    const { keyring, generated } = await loadKeyring({ dataDir, embedded: true, log });

    expect(generated).toBe(true);
    const path = join(dataDir, 'master.key');
    const file = await stat(path);
    expect(file.mode & 0o777).toBe(0o600);
    const content = await readFile(path, 'utf8');
    expect(parseMasterKey(content)).toHaveLength(32);
    expect(keyring.active.id).toBe(keyIdFor(parseMasterKey(content)));
    // Only the key itself is left behind, no temporary file.
    expect(await readdir(dataDir)).toEqual(['master.key']);

    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain(path);
    expect(warnings[0]?.message).toMatch(/back/i);
    for (const line of lines) {
      expect(line.message).not.toContain(content.trim());
      expect(line.message).not.toContain(content.trim().slice(0, 12));
    }
  });

  it('reuses the file on the next start', async () => {
    const dataDir = await freshDir();
    const first = await loadKeyring({ dataDir, embedded: true, log: recordingLog().log });
    const sealed = seal(first.keyring, 'sk-1234567890abcdef89', place);

    const { log, lines } = recordingLog();
    const second = await loadKeyring({ dataDir, embedded: true, log });

    expect(second.generated).toBe(false);
    expect(second.keyring.active.id).toBe(first.keyring.active.id);
    expect(open(second.keyring, sealed, place)).toBe('sk-1234567890abcdef89');
    expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('gives two processes starting together the same key', async () => {
    const dataDir = join(await freshDir(), 'data');
    const loads = await Promise.all(
      Array.from({ length: 8 }, () => loadKeyring({ dataDir, embedded: true, log: recordingLog().log })),
    );
    const ids = new Set(loads.map((load) => load.keyring.active.id));
    expect(ids.size).toBe(1);
    expect(loads.filter((load) => load.generated)).toHaveLength(1);
    expect(await readdir(dataDir)).toEqual(['master.key']);
  });

  it('prefers a key from the environment and writes no file', async () => {
    const dataDir = await freshDir();
    const masterKey = generateMasterKey();
    const { keyring, generated } = await loadKeyring({ masterKey, dataDir, embedded: true, log: recordingLog().log });
    expect(generated).toBe(false);
    expect(keyring.active.id).toBe(keyIdFor(parseMasterKey(masterKey)));
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('refuses an empty master.key rather than replacing it', async () => {
    const dataDir = await freshDir();
    await writeFile(join(dataDir, 'master.key'), '\n', { mode: 0o600 });
    await expect(loadKeyring({ dataDir, embedded: true, log: recordingLog().log })).rejects.toThrow(KeyringError);
    expect(await readFile(join(dataDir, 'master.key'), 'utf8')).toBe('\n');
  });

  it('refuses a damaged master.key without echoing it', async () => {
    const dataDir = await freshDir();
    const damaged = generateMasterKey().slice(0, 30);
    await writeFile(join(dataDir, 'master.key'), damaged, { mode: 0o600 });
    const error = await loadKeyring({ dataDir, embedded: true, log: recordingLog().log }).catch((error) => error);
    expect(error).toBeInstanceOf(KeyringError);
    expect(error.message).toContain('master.key');
    expect(error.message).not.toContain(damaged);
  });

  it('warns when master.key can be read by others', async () => {
    const dataDir = await freshDir();
    const path = join(dataDir, 'master.key');
    const content = generateMasterKey();
    await writeFile(path, content);
    await chmod(path, 0o644);
    const { log, lines } = recordingLog();
    await loadKeyring({ dataDir, embedded: true, log });
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('chmod 600');
    expect(warnings[0]?.message).not.toContain(content);
  });
});

describe('loadKeyring with DATABASE_URL', () => {
  it('refuses to start without a key and creates nothing', async () => {
    const dataDir = join(await freshDir(), 'data');
    const attempt = loadKeyring({ dataDir, embedded: false, log: recordingLog().log });
    await expect(attempt).rejects.toThrow(KeyringError);
    await expect(attempt).rejects.toThrow(
      /WEBOX_MASTER_KEY \(or WEBOX_MASTER_KEYS\) is required when DATABASE_URL is set/,
    );
    await expect(stat(dataDir)).rejects.toThrow();
  });

  it('builds from WEBOX_MASTER_KEYS', async () => {
    const { keyring } = await loadKeyring({
      masterKeys: `old:${generateMasterKey()},new:${generateMasterKey()}`,
      activeKeyId: 'new',
      dataDir: await freshDir(),
      embedded: false,
      log: recordingLog().log,
    });
    expect(keyring.active.id).toBe('new');
    expect(keyring.keys.size).toBe(2);
  });
});

describe('loadOrCreateSecretFile', () => {
  it('creates 32 random bytes in base64url with mode 0600, once', async () => {
    const path = join(await freshDir(), 'deeper', 'auth.secret');
    const { log, lines } = recordingLog();

    const secret = await loadOrCreateSecretFile(path, log);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(lines.some((line) => line.level === 'warn' && line.message.includes(path))).toBe(true);
    for (const line of lines) expect(line.message).not.toContain(secret);

    const again = recordingLog();
    expect(await loadOrCreateSecretFile(path, again.log)).toBe(secret);
    expect(again.lines).toEqual([]);
  });
});
