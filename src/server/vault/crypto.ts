import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';

/** A 32-byte AES-256 key and the id that ciphertexts sealed under it carry. */
export type MasterKey = { id: string; key: Buffer };

/** Every listed key decrypts; only `active` encrypts. */
export type Keyring = { active: MasterKey; keys: ReadonlyMap<string, MasterKey> };

/** Where a ciphertext belongs: it only opens at the same place it was sealed. */
export type KeyPlace = { scope: 'personal' | 'global'; ownerId: string | null; provider: string };

/** A keyring that cannot be built. Its message names the setting at fault, never key material. */
export class KeyringError extends Error {
  override name = 'KeyringError';
}

/**
 * Why a ciphertext could not be opened, for operators' logs. Kept out of the message, which the
 * HTTP layer may show: `unknown_key` usually means a retired master key was dropped too early.
 */
export type VaultDecryptReason = 'unknown_version' | 'malformed' | 'unknown_key' | 'authentication_failed';

export class VaultDecryptError extends Error {
  override name = 'VaultDecryptError';
  readonly code = 'vault_decrypt_failed';
  readonly reason: VaultDecryptReason;

  constructor(reason: VaultDecryptReason) {
    super('The stored key cannot be read and must be saved again.');
    this.reason = reason;
  }
}

const VERSION = 'wbx1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// Short enough that a pasted base64 key (43+ characters) can never pass for an id, so ids can be
// named in error messages and logs without risk.
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+={0,2}$/;

export function keyIdFor(key: Buffer): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/**
 * Decodes a master key given as standard base64 or base64url (padding optional). Rejects anything
 * that is not the canonical encoding of exactly 32 bytes: Node's decoder silently skips invalid
 * characters, so a mistyped key would otherwise become a different, shorter or longer key.
 */
export function parseMasterKey(base64: string, label = 'the master key'): Buffer {
  const text = base64.trim();
  const isBase64 = BASE64_PATTERN.test(text);
  const isBase64url = BASE64URL_PATTERN.test(text);
  if (!isBase64 && !isBase64url) {
    throw new KeyringError(`${label} is not valid base64; generate one with \`openssl rand -base64 32\`.`);
  }
  const key = Buffer.from(text, isBase64 ? 'base64' : 'base64url');
  if (key.length !== KEY_BYTES) {
    throw new KeyringError(
      `${label} decodes to ${key.length} bytes; it must be base64 of exactly ${KEY_BYTES} random bytes ` +
        '(`openssl rand -base64 32`).',
    );
  }
  const unpadded = text.replace(/=+$/, '');
  const canonical = key.toString(isBase64 ? 'base64' : 'base64url').replace(/=+$/, '');
  const paddingFits = unpadded === text || text.length % 4 === 0;
  if (canonical !== unpadded || !paddingFits) {
    throw new KeyringError(`${label} is not valid base64; generate one with \`openssl rand -base64 32\`.`);
  }
  return key;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/**
 * Builds the keyring from `WEBOX_MASTER_KEY`, or from `WEBOX_MASTER_KEYS` (`id1:base64,id2:base64`)
 * with `WEBOX_MASTER_KEY_ACTIVE` naming the key that encrypts. Empty strings count as unset.
 */
export function buildKeyring(input: { masterKey?: string; masterKeys?: string; activeKeyId?: string }): Keyring {
  const { masterKey, masterKeys } = input;
  const activeKeyId = isSet(input.activeKeyId) ? input.activeKeyId.trim() : undefined;

  if (isSet(masterKey) && isSet(masterKeys)) {
    throw new KeyringError('Set either WEBOX_MASTER_KEY or WEBOX_MASTER_KEYS, not both.');
  }
  if (activeKeyId !== undefined && !KEY_ID_PATTERN.test(activeKeyId)) {
    throw new KeyringError('WEBOX_MASTER_KEY_ACTIVE must be 1 to 32 characters of A-Z, a-z, 0-9, _ or -.');
  }

  if (isSet(masterKey)) {
    const key = parseMasterKey(masterKey, 'WEBOX_MASTER_KEY');
    const single = { id: keyIdFor(key), key };
    // Naming another key here would mean the operator expects a rotation that is not configured.
    if (activeKeyId !== undefined && activeKeyId !== single.id) {
      throw new KeyringError(
        `WEBOX_MASTER_KEY_ACTIVE is ${activeKeyId} but WEBOX_MASTER_KEY has the id ${single.id}; ` +
          'use WEBOX_MASTER_KEYS to list several keys.',
      );
    }
    return { active: single, keys: new Map([[single.id, single]]) };
  }

  if (isSet(masterKeys)) {
    const keys = parseKeyList(masterKeys);
    const ids = [...keys.keys()];
    let active: MasterKey | undefined;
    if (activeKeyId !== undefined) {
      active = keys.get(activeKeyId);
      if (active === undefined) {
        throw new KeyringError(
          `WEBOX_MASTER_KEY_ACTIVE is ${activeKeyId}, which is not one of the ids in WEBOX_MASTER_KEYS ` +
            `(${ids.join(', ')}).`,
        );
      }
    } else if (keys.size === 1) {
      active = keys.values().next().value;
    } else {
      throw new KeyringError(
        `WEBOX_MASTER_KEYS lists ${keys.size} keys: set WEBOX_MASTER_KEY_ACTIVE to the id of the one that ` +
          `encrypts (${ids.join(', ')}).`,
      );
    }
    if (active === undefined) throw new KeyringError('WEBOX_MASTER_KEYS lists no key.');
    return { active, keys };
  }

  if (activeKeyId !== undefined) {
    throw new KeyringError('WEBOX_MASTER_KEY_ACTIVE is set but WEBOX_MASTER_KEYS is not.');
  }
  throw new KeyringError('No master key: set WEBOX_MASTER_KEY or WEBOX_MASTER_KEYS.');
}

// Entries are named by position, not content: a malformed entry may well be the key itself.
function parseKeyList(list: string): Map<string, MasterKey> {
  const keys = new Map<string, MasterKey>();
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    // A trailing comma is a harmless habit of hand-edited lists.
    .filter((entry) => entry !== '');
  entries.forEach((entry, index) => {
    const position = `WEBOX_MASTER_KEYS entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon === -1) {
      throw new KeyringError(`${position} is not of the form id:base64.`);
    }
    const id = entry.slice(0, colon).trim();
    if (id === '') {
      throw new KeyringError(`${position} has an empty key id.`);
    }
    if (!KEY_ID_PATTERN.test(id)) {
      throw new KeyringError(`${position} has a key id that is not 1 to 32 characters of A-Z, a-z, 0-9, _ or -.`);
    }
    if (keys.has(id)) {
      throw new KeyringError(`${position} repeats the key id ${id}.`);
    }
    keys.set(id, { id, key: parseMasterKey(entry.slice(colon + 1), position) });
  });
  if (keys.size === 0) {
    throw new KeyringError('WEBOX_MASTER_KEYS lists no key.');
  }
  return keys;
}

/**
 * Node turns a raw key Buffer into a KeyObject on every cipher it creates; on the gateway's hot
 * path (one decryption per request) doing that once per master key is measurably cheaper.
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObjectFor(key: Buffer): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = createSecretKey(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

export function associatedData(place: KeyPlace): Buffer {
  const owner = place.ownerId ?? 'global';
  return Buffer.from(`webox/provider-key/v1|${place.scope}|${owner}|${place.provider}`, 'utf8');
}

/**
 * Sealed strings read before, parsed and decoded (still ciphertext: the key is opened on every
 * call). A request's key is decrypted on every model call, and the parsing cost as much as the
 * AES. Bounded: emptied when full, so a flood of keys costs a re-parse, not memory.
 */
interface ParsedSeal {
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
}
const PARSED_SEALS_MAX = 4096;
const parsedSeals = new Map<string, ParsedSeal>();

function parseSeal(sealed: string): ParsedSeal {
  const known = parsedSeals.get(sealed);
  if (known) return known;
  const parts = sealed.split(':');
  if (parts[0] !== VERSION) throw new VaultDecryptError('unknown_version');
  if (parts.length !== 4) throw new VaultDecryptError('malformed');
  const [, keyId = '', nonceText = '', ciphertextText = ''] = parts;
  const nonce = decodeBase64url(nonceText);
  const ciphertext = decodeBase64url(ciphertextText);
  if (nonce?.length !== NONCE_BYTES || ciphertext === null || ciphertext.length < TAG_BYTES) {
    throw new VaultDecryptError('malformed');
  }
  if (parsedSeals.size >= PARSED_SEALS_MAX) parsedSeals.clear();
  const parsed = { keyId, nonce, ciphertext };
  parsedSeals.set(sealed, parsed);
  return parsed;
}

/** Encrypts under the active key with a fresh nonce: sealing the same key twice gives two strings. */
export function seal(keyring: Keyring, plaintext: string, place: KeyPlace): string {
  const { id, key } = keyring.active;
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, keyObjectFor(key), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(place));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, id, nonce.toString('base64url'), ciphertext.toString('base64url')].join(':');
}

/**
 * Decrypts with the key the ciphertext names. Fails closed: any doubt is a VaultDecryptError, never
 * a retry with another key and never the input handed back as if it were plaintext.
 */
export function open(keyring: Keyring, sealed: string, place: KeyPlace): string {
  const { keyId, nonce, ciphertext } = parseSeal(sealed);
  const masterKey = keyring.keys.get(keyId);
  if (masterKey === undefined) throw new VaultDecryptError('unknown_key');

  const tagStart = ciphertext.length - TAG_BYTES;
  try {
    const decipher = createDecipheriv(ALGORITHM, keyObjectFor(masterKey.key), nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(place));
    decipher.setAuthTag(ciphertext.subarray(tagStart));
    const plaintext = Buffer.concat([decipher.update(ciphertext.subarray(0, tagStart)), decipher.final()]);
    return plaintext.toString('utf8');
  } catch {
    throw new VaultDecryptError('authentication_failed');
  }
}

// Strict, unlike Buffer.from: a non-canonical or padded encoding is a sign of tampering or damage.
function decodeBase64url(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

/**
 * The id of the master key that sealed this ciphertext, or null if it is not a sealed string.
 * Rotation re-seals the rows whose id is not the active one.
 */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) return null;
  const keyId = parts[1] ?? '';
  return KEY_ID_PATTERN.test(keyId) ? keyId : null;
}

/**
 * `sk-1234567890abcdef89` → `sk-12...89`. Keys shorter than 12 characters (never accepted on save)
 * mask to `...` alone, so that the mask can never show most of a key.
 */
export function mask(apiKey: string): string {
  if (apiKey.length < 12) return '...';
  return `${apiKey.slice(0, 5)}...${apiKey.slice(-2)}`;
}

/** A new master key in the form WEBOX_MASTER_KEY and `master.key` take. */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
