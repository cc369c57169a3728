// Realistic-looking keys in each provider's format, unique per call, so a leak test can search
// every byte WeBox wrote for them.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { type ProviderId, providerIds } from '../../src/server/providers/registry.ts';
import type { Client } from './client.ts';

const alphanumeric = (length: number) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
};

/**
 * How each provider's keys look: a prefix and so many letters and digits. The registry's keyFormat
 * tells a key apart, it cannot write one; keyed by ProviderId, so a provider added to the registry
 * does not typecheck here until it has a rule, and providers.test.ts holds every made key to the
 * registry's own format.
 */
const exampleKeys = {
  openai: { prefix: 'sk-proj-', length: 40 },
  anthropic: { prefix: 'sk-ant-api03-', length: 40 },
  google: { prefix: 'AIza', length: 35 },
  mistral: { prefix: '', length: 32 },
  groq: { prefix: 'gsk_', length: 48 },
} as const satisfies Record<ProviderId, { prefix: string; length: number }>;

export type KeyProvider = ProviderId;
/** Every provider of the registry, in its order: the suites that loop over it test a new one too. */
export const allProviders: readonly KeyProvider[] = providerIds;

export const makeKey = Object.fromEntries(
  allProviders.map((provider) => {
    const { prefix, length } = exampleKeys[provider];
    return [provider, () => `${prefix}${alphanumeric(length)}`];
  }),
) as Record<KeyProvider, () => string>;

/**
 * Saves a fresh key of every provider, as the admin's global keys or as the client's own, and
 * returns them.
 */
export async function saveEveryKey(client: Client, source: 'global' | 'personal') {
  const keys = {} as Record<KeyProvider, string>;
  for (const provider of allProviders) {
    keys[provider] = makeKey[provider]();
    const url = source === 'global' ? `/api/admin/keys/${provider}` : `/api/keys/${provider}`;
    expect((await client.put(url, { apiKey: keys[provider] })).statusCode).toBe(200);
  }
  return keys;
}

/** The mask WeBox shows: first 5, '...', last 2. */
export const expectedMask = (key: string) => `${key.slice(0, 5)}...${key.slice(-2)}`;

/**
 * Every form a provider could quote a key in (issue 10, item 4): as it is, percent-encoded, JSON
 * \u escapes, hex, base64 and base64url (also at another byte alignment), and a 12-character piece.
 */
export function keyEncodings(key: string): Record<string, string> {
  const bytes = Buffer.from(key);
  const percent = (byte: number) => `%${byte.toString(16).padStart(2, '0')}`;
  return {
    raw: key,
    percentEncoded: [...bytes].map((byte) => percent(byte).toUpperCase()).join(''),
    percentEncodedLower: [...bytes].map(percent).join(''),
    uriComponent: encodeURIComponent(key),
    jsonEscaped: [...key].map((character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    hex: bytes.toString('hex'),
    hexUpper: bytes.toString('hex').toUpperCase(),
    base64: bytes.toString('base64'),
    base64url: bytes.toString('base64url'),
    base64Shifted: Buffer.concat([Buffer.from('user:'), bytes]).toString('base64'),
    fragment: key.slice(6, 18),
  };
}

/** What a client or a log reader sees in a body: the text, and every string inside its JSON values. */
export function readableTexts(text: string): string {
  const strings: string[] = [text];
  const collect = (value: unknown) => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const line of text.split('\n')) {
    const data = line.startsWith('data:') ? line.slice(5).trim() : line.trim();
    try {
      collect(JSON.parse(data));
    } catch {
      // Not JSON: the text itself is already kept.
    }
  }
  try {
    collect(JSON.parse(text));
  } catch {
    // Not one JSON document.
  }
  return strings.join('\n');
}
