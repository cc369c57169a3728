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
