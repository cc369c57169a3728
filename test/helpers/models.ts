// The model each provider's suites call, from the provider's catalogue in the registry.
import { type ProviderId, providerIds } from '../../src/server/providers/registry.ts';

/**
 * A cheap model of each provider; Groq's holds a slash, as its hosted models' ids do, so every
 * suite routes one. Keyed by ProviderId: a provider added to the registry does not typecheck here
 * until it has one, and providers.test.ts checks each is in its provider's catalogue.
 */
export const testModels = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  google: 'gemini-2.5-flash',
  mistral: 'mistral-small-latest',
  groq: 'openai/gpt-oss-20b',
} as const satisfies Record<ProviderId, string>;

/** The same models as /v1 names them: `provider/model`. */
export const gatewayModels = Object.fromEntries(
  providerIds.map((provider) => [provider, `${provider}/${testModels[provider]}`]),
) as Record<ProviderId, string>;
