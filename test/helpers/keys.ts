// Realistic-looking keys in each provider's format, unique per call, so a leak test can search
// every byte WeBox wrote for them.
import { randomBytes } from 'node:crypto';

const alphanumeric = (length: number) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
};

export const makeKey = {
  openai: () => `sk-proj-${alphanumeric(40)}`,
  anthropic: () => `sk-ant-api03-${alphanumeric(40)}`,
  google: () => `AIza${alphanumeric(35)}`,
  mistral: () => alphanumeric(32),
  groq: () => `gsk_${alphanumeric(48)}`,
} as const;

export type KeyProvider = keyof typeof makeKey;
export const allProviders = Object.keys(makeKey) as KeyProvider[];

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
