// The vault's error catalogue (DESIGN §6): a key's format, its absence, its decryption, and
// checking it with the provider (`verify: true`). Messages name the provider and the expected
// form, never the key itself.
import { AppError } from '../errors.ts';
import type { ProviderSpec } from '../providers/spec.ts';

export type { KeySource } from '../providers/provider-errors.ts';

export const vaultErrors = {
  invalidKeyFormat: (provider: ProviderSpec, problem: string) =>
    new AppError(
      400,
      'invalid_key_format',
      `This does not look like a ${provider.name} API key: ${problem}. A ${provider.name} key ${provider.keyFormat.hint}.`,
      { details: { provider: provider.id, expected: provider.keyFormat.hint } },
    ),
  noApiKey: (provider: ProviderSpec) =>
    new AppError(400, 'no_api_key', `No API key available for ${provider.name}`, {
      details: { provider: provider.id },
    }),
  decryptFailed: () =>
    new AppError(500, 'vault_decrypt_failed', 'The stored key cannot be read and must be saved again.'),
  verifyTimedOut: (provider: ProviderSpec) =>
    new AppError(504, 'provider_timeout', `${provider.name} did not answer in time while checking the key.`, {
      details: { provider: provider.id },
    }),
  verifyUnreachable: (provider: ProviderSpec) =>
    new AppError(502, 'provider_error', `${provider.name} could not be reached to check the key.`, {
      details: { provider: provider.id },
    }),
  verifyRateLimited: (provider: ProviderSpec, retryAfter: string | null) =>
    new AppError(429, 'provider_rate_limited', `${provider.name} is rate limiting this key; try again later.`, {
      details: { provider: provider.id },
      headers: retryAfter ? { 'retry-after': retryAfter } : {},
    }),
  verifyFailed: (provider: ProviderSpec, status: number) =>
    new AppError(502, 'provider_error', `${provider.name} answered ${status} while checking the key.`, {
      details: { provider: provider.id },
    }),
};
