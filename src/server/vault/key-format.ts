// Format checks on save (DESIGN §4): trimmed, 20 to 512 printable ASCII characters, then the
// provider's own form. A key that fails is never stored.
import type { ProviderSpec } from '../providers/spec.ts';
import { vaultErrors } from './vault-errors.ts';

export const MIN_KEY_LENGTH = 20;
export const MAX_KEY_LENGTH = 512;
// Printable ASCII without the space: a key with a space inside is a paste accident.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** Returns the trimmed key, or throws invalid_key_format naming the expected form. */
export function checkKeyFormat(provider: ProviderSpec, raw: unknown): string {
  if (typeof raw !== 'string') throw vaultErrors.invalidKeyFormat(provider, 'the key must be a string');
  const key = raw.trim();
  if (key.length === 0) throw vaultErrors.invalidKeyFormat(provider, 'the key is empty');
  if (!PRINTABLE_ASCII.test(key)) {
    throw vaultErrors.invalidKeyFormat(provider, 'it contains spaces or characters outside printable ASCII');
  }
  if (key.length < MIN_KEY_LENGTH) {
    throw vaultErrors.invalidKeyFormat(provider, `it is shorter than ${MIN_KEY_LENGTH} characters`);
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw vaultErrors.invalidKeyFormat(provider, `it is longer than ${MAX_KEY_LENGTH} characters`);
  }
  if (!provider.keyFormat.pattern.test(key)) throw vaultErrors.invalidKeyFormat(provider, 'wrong form');
  return key;
}
