import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  associatedData,
  buildKeyring,
  generateMasterKey,
  type KeyPlace,
  KeyringError,
  keyIdFor,
  mask,
  open,
  parseMasterKey,
  seal,
  sealedKeyId,
  VaultDecryptError,
} from './crypto.ts';

const apiKey = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';
const alicePlace: KeyPlace = { scope: 'personal', ownerId: 'user-alice', provider: 'openai' };

function keyringOf(masterKey = generateMasterKey()) {
  return buildKeyring({ masterKey });
}

function expectDecryptFailure(action: () => unknown) {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(VaultDecryptError);
  const error = thrown as VaultDecryptError;
  expect(error.code).toBe('vault_decrypt_failed');
  expect(error.message).not.toContain(apiKey);
  return error;
}

function expectKeyringError(action: () => unknown, secrets: string[]) {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(KeyringError);
  const message = (thrown as KeyringError).message;
  for (const secret of secrets) {
    expect(message).not.toContain(secret);
    // A prefix of the key would leak it as surely as the whole.
    expect(message).not.toContain(secret.slice(0, 12));
  }
  return message;
}

// Changes one byte of the decoded part, then re-encodes it, so the string stays well formed and only
// the authentication tag can catch the change.
function flipByte(sealed: string, partIndex: number, byteIndex: number): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[partIndex] ?? '', 'base64url');
  bytes[byteIndex] = (bytes[byteIndex] ?? 0) ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join(':');
}

describe('seal and open', () => {
  it('round-trips a key', () => {
    const keyring = keyringOf();
    expect(open(keyring, seal(keyring, apiKey, alicePlace), alicePlace)).toBe(apiKey);
  });

  it('round-trips a non-ASCII value', () => {
    const keyring = keyringOf();
    const value = 'clé-🔑';
    expect(open(keyring, seal(keyring, value, alicePlace), alicePlace)).toBe(value);
  });

  it('gives different ciphertexts for the same key sealed twice', () => {
    const keyring = keyringOf();
    const first = seal(keyring, apiKey, alicePlace);
    const second = seal(keyring, apiKey, alicePlace);
    expect(first).not.toBe(second);
    expect(first.split(':')[2]).not.toBe(second.split(':')[2]);
  });

  it('writes wbx1:<keyId>:<nonce>:<ciphertext+tag> with a 12-byte nonce and a 16-byte tag', () => {
    const keyring = keyringOf();
    const sealed = seal(keyring, apiKey, alicePlace);
    const [version, keyId, nonce, ciphertext] = sealed.split(':');
    expect(version).toBe('wbx1');
    expect(keyId).toBe(keyring.active.id);
    expect(Buffer.from(nonce ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(ciphertext ?? '', 'base64url')).toHaveLength(Buffer.byteLength(apiKey) + 16);
    expect(sealed).toMatch(/^wbx1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(apiKey);
  });

  it('fails on one changed byte anywhere in the nonce or the ciphertext', () => {
    const keyring = keyringOf();
    const sealed = seal(keyring, apiKey, alicePlace);
    const nonceLength = 12;
    const ciphertextLength = Buffer.byteLength(apiKey) + 16;
    for (let index = 0; index < nonceLength; index++) {
      const error = expectDecryptFailure(() => open(keyring, flipByte(sealed, 2, index), alicePlace));
      expect(error.reason).toBe('authentication_failed');
    }
    for (let index = 0; index < ciphertextLength; index++) {
      const error = expectDecryptFailure(() => open(keyring, flipByte(sealed, 3, index), alicePlace));
      expect(error.reason).toBe('authentication_failed');
    }
  });

  it('fails when the ciphertext is opened at another owner, scope or provider', () => {
    const keyring = keyringOf();
    const sealed = seal(keyring, apiKey, alicePlace);
    const elsewhere: KeyPlace[] = [
      { ...alicePlace, ownerId: 'user-bob' },
      { scope: 'global', ownerId: null, provider: 'openai' },
      { ...alicePlace, scope: 'global' },
      { ...alicePlace, provider: 'groq' },
    ];
    for (const place of elsewhere) {
      expectDecryptFailure(() => open(keyring, sealed, place));
    }
  });

  it('binds global keys to the global place', () => {
    const keyring = keyringOf();
    const globalPlace: KeyPlace = { scope: 'global', ownerId: null, provider: 'anthropic' };
    const sealed = seal(keyring, apiKey, globalPlace);
    expect(open(keyring, sealed, globalPlace)).toBe(apiKey);
    // An owner literally named "global" must not open a personal key as the global one.
    expectDecryptFailure(() => open(keyring, sealed, { scope: 'personal', ownerId: 'global', provider: 'anthropic' }));
  });

  it('fails under a wrong master key', () => {
    const sealed = seal(keyringOf(), apiKey, alicePlace);
    const [, keyId] = sealed.split(':');
    // Same id, other key material: only the tag can tell.
    const impostor = buildKeyring({ masterKeys: `${keyId}:${generateMasterKey()}` });
    const error = expectDecryptFailure(() => open(impostor, sealed, alicePlace));
    expect(error.reason).toBe('authentication_failed');
  });

  it('fails on an unknown key id', () => {
    const sealed = seal(keyringOf(), apiKey, alicePlace);
    const error = expectDecryptFailure(() => open(keyringOf(), sealed, alicePlace));
    expect(error.reason).toBe('unknown_key');
  });

  it('refuses unknown versions and never hands back its input', () => {
    const keyring = keyringOf();
    const sealed = seal(keyring, apiKey, alicePlace);
    for (const input of [sealed.replace(/^wbx1:/, 'wbx2:'), sealed.replace(/^wbx1:/, ''), apiKey, '']) {
      const error = expectDecryptFailure(() => open(keyring, input, alicePlace));
      expect(error.reason).toBe('unknown_version');
    }
  });

  it('refuses malformed strings', () => {
    const keyring = keyringOf();
    const [version, keyId, nonce, ciphertext] = seal(keyring, apiKey, alicePlace).split(':');
    const malformed = [
      `${version}:${keyId}:${nonce}`,
      `${version}:${keyId}:${nonce}:${ciphertext}:extra`,
      `${version}:${keyId}::${ciphertext}`,
      `${version}:${keyId}:${nonce}:`,
      `${version}:${keyId}:${nonce}=:${ciphertext}`,
      `${version}:${keyId}:${nonce}:${ciphertext}!`,
      `${version}:${keyId}:${nonce?.slice(0, -2)}:${ciphertext}`,
      `${version}:${keyId}:${nonce}:${Buffer.alloc(15).toString('base64url')}`,
    ];
    for (const input of malformed) {
      const error = expectDecryptFailure(() => open(keyring, input, alicePlace));
      expect(error.reason).toBe('malformed');
    }
  });

  it('says nothing about the key in the error message', () => {
    const keyring = keyringOf();
    const sealed = seal(keyring, apiKey, alicePlace);
    const error = expectDecryptFailure(() => open(keyring, sealed, { ...alicePlace, provider: 'mistral' }));
    expect(error.message).toBe('The stored key cannot be read and must be saved again.');
    expect(error.message).not.toContain(keyring.active.id);
    expect(error.message).not.toContain(sealed);
  });
});

describe('a keyring with two keys', () => {
  const oldKey = generateMasterKey();
  const newKey = generateMasterKey();

  it('decrypts the ciphertexts of both keys and encrypts with the active one', () => {
    const before = buildKeyring({ masterKeys: `old:${oldKey}` });
    const sealedUnderOld = seal(before, apiKey, alicePlace);
    expect(sealedKeyId(sealedUnderOld)).toBe('old');

    const during = buildKeyring({ masterKeys: `old:${oldKey},new:${newKey}`, activeKeyId: 'new' });
    const sealedUnderNew = seal(during, apiKey, alicePlace);
    expect(sealedKeyId(sealedUnderNew)).toBe('new');
    expect(open(during, sealedUnderOld, alicePlace)).toBe(apiKey);
    expect(open(during, sealedUnderNew, alicePlace)).toBe(apiKey);

    const after = buildKeyring({ masterKeys: `new:${newKey}` });
    expect(open(after, sealedUnderNew, alicePlace)).toBe(apiKey);
    expect(expectDecryptFailure(() => open(after, sealedUnderOld, alicePlace)).reason).toBe('unknown_key');
  });

  it('requires an active id when several keys are listed', () => {
    const message = expectKeyringError(
      () => buildKeyring({ masterKeys: `old:${oldKey},new:${newKey}` }),
      [oldKey, newKey],
    );
    expect(message).toContain('WEBOX_MASTER_KEY_ACTIVE');
  });

  it('makes a single listed key active', () => {
    expect(buildKeyring({ masterKeys: `only:${oldKey}` }).active.id).toBe('only');
  });
});

describe('sealedKeyId', () => {
  it('answers null for what is not a sealed string', () => {
    expect(sealedKeyId(apiKey)).toBeNull();
    expect(sealedKeyId('wbx2:k1:a:b')).toBeNull();
    expect(sealedKeyId('wbx1:k1:a')).toBeNull();
  });
});

describe('mask', () => {
  it('keeps the first 5 and the last 2 characters', () => {
    expect(mask('sk-1234567890abcdef89')).toBe('sk-12...89');
    expect(mask('sk-ant-api03-abcdefghijklmnopqrstuvwxyz-XY')).toBe('sk-an...XY');
    expect(mask('gsk_abcdefghijklmnopqrstuvwxyz')).toBe('gsk_a...yz');
    expect(mask('AIzaSyA1234567890abcdefghijklmnopqrstu')).toBe('AIzaS...tu');
  });

  it('never shows most of a short value', () => {
    expect(mask('sk-short')).toBe('...');
    expect(mask('')).toBe('...');
  });
});

describe('keyIdFor', () => {
  it('is k and the first 8 hex digits of the SHA-256 of the key', () => {
    expect(keyIdFor(Buffer.alloc(32))).toBe('k66687aad');
    expect(keyIdFor(randomBytes(32))).toMatch(/^k[0-9a-f]{8}$/);
  });

  it('is the id of a single WEBOX_MASTER_KEY', () => {
    const masterKey = generateMasterKey();
    const keyring = buildKeyring({ masterKey });
    expect(keyring.active.id).toBe(keyIdFor(Buffer.from(masterKey, 'base64')));
    expect([...keyring.keys.keys()]).toEqual([keyring.active.id]);
  });
});

describe('parseMasterKey', () => {
  it('accepts standard base64 and base64url, padded or not', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64').replace(/=+$/, '')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64url')).equals(key)).toBe(true);
    expect(parseMasterKey(`${key.toString('base64')}\n`).equals(key)).toBe(true);
  });

  it('makes 32-byte keys of generateMasterKey', () => {
    expect(parseMasterKey(generateMasterKey())).toHaveLength(32);
  });
});

describe('buildKeyring refuses', () => {
  it('both WEBOX_MASTER_KEY and WEBOX_MASTER_KEYS', () => {
    const first = generateMasterKey();
    const second = generateMasterKey();
    const message = expectKeyringError(
      () => buildKeyring({ masterKey: first, masterKeys: `k1:${second}` }),
      [first, second],
    );
    expect(message).toContain('WEBOX_MASTER_KEY');
    expect(message).toContain('WEBOX_MASTER_KEYS');
  });

  it('a 31-byte key, in either form', () => {
    const short = randomBytes(31).toString('base64');
    expect(expectKeyringError(() => buildKeyring({ masterKey: short }), [short])).toContain('31 bytes');
    expect(expectKeyringError(() => buildKeyring({ masterKeys: `k1:${short}` }), [short])).toContain('entry 1');
  });

  it('a 33-byte key', () => {
    const long = randomBytes(33).toString('base64');
    expectKeyringError(() => buildKeyring({ masterKey: long }), [long]);
  });

  it('garbage base64', () => {
    const valid = generateMasterKey();
    const garbage = [
      `${valid.slice(0, 20)}!${valid.slice(21)}`,
      `${valid.slice(0, 20)} ${valid.slice(21)}`,
      valid.replace(/^./, '-').replace(/.(?==*$)/, '+'),
      `${valid.replace(/=+$/, '')}==`,
      'not a key at all, just some words!!',
    ];
    for (const value of garbage) {
      expectKeyringError(() => buildKeyring({ masterKey: value }), [value]);
    }
  });

  it('a non-canonical last character that would decode to the same bytes', () => {
    const key = Buffer.alloc(32, 0);
    const canonical = key.toString('base64url'); // 43 characters, the last carrying 2 bits
    const sloppy = `${canonical.slice(0, -1)}B`;
    expect(Buffer.from(sloppy, 'base64url').equals(key)).toBe(true);
    expectKeyringError(() => parseMasterKey(sloppy), [sloppy]);
  });

  it('an active id that is not listed', () => {
    const first = generateMasterKey();
    const second = generateMasterKey();
    const message = expectKeyringError(
      () => buildKeyring({ masterKeys: `one:${first},two:${second}`, activeKeyId: 'three' }),
      [first, second],
    );
    expect(message).toContain('three');
    expect(message).toContain('one, two');
  });

  it('an active id that does not match a single WEBOX_MASTER_KEY', () => {
    const masterKey = generateMasterKey();
    expectKeyringError(() => buildKeyring({ masterKey, activeKeyId: 'other' }), [masterKey]);
    const id = keyIdFor(Buffer.from(masterKey, 'base64'));
    expect(buildKeyring({ masterKey, activeKeyId: id }).active.id).toBe(id);
  });

  it('duplicate, empty and ill-formed ids', () => {
    const first = generateMasterKey();
    const second = generateMasterKey();
    const lists = [
      `same:${first},same:${second}`,
      `:${first}`,
      `bad id:${first}`,
      `bad.id:${first}`,
      `é:${first}`,
      `${'x'.repeat(33)}:${first}`,
      first,
      // Reversed by mistake: the key must not be echoed back as if it were an id.
      `${first.replace(/=+$/, '').replace(/[+/]/g, 'A')}:one`,
    ];
    for (const masterKeys of lists) {
      expectKeyringError(() => buildKeyring({ masterKeys, activeKeyId: 'same' }), [first, second]);
    }
  });

  it('nothing at all', () => {
    expectKeyringError(() => buildKeyring({}), []);
    expectKeyringError(() => buildKeyring({ masterKey: '', masterKeys: '  ' }), []);
    expectKeyringError(() => buildKeyring({ activeKeyId: 'one' }), []);
  });
});

describe('associatedData', () => {
  it('names the scope, the owner (or global) and the provider', () => {
    expect(associatedData(alicePlace).toString('utf8')).toBe('webox/provider-key/v1|personal|user-alice|openai');
    expect(associatedData({ scope: 'global', ownerId: null, provider: 'groq' }).toString('utf8')).toBe(
      'webox/provider-key/v1|global|global|groq',
    );
  });
});
