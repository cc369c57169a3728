// The vault's error catalogue (DESIGN §6). Messages name the provider and the expected form,
// never the key itself.
import { AppError } from '../errors.ts';
import type { ProviderSpec } from '../providers/spec.ts';

export type KeySource = 'personal' | 'global';

export const vaultErrors = {
  unknownProvider: (provider: string) =>
    new AppError(400, 'unknown_provider', `Unknown provider "${provider.slice(0, 40)}".`),
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
  providerRejectedKey: (provider: ProviderSpec, source: KeySource) =>
    new AppError(502, 'provider_rejected_key', `${provider.name} rejected the ${source} API key.`, {
      details: { provider: provider.id, source },
    }),
};
