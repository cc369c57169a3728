// The one list of providers. ProviderId, the /api/providers answer and the UI's provider list all
// derive from it: adding a provider is one file beside this one plus one line here.
import { anthropic } from './anthropic.ts';
import { google } from './google.ts';
import { groq } from './groq.ts';
import { mistral } from './mistral.ts';
import { openai } from './openai.ts';
import { OUTPUT_TOKENS_CEILING, type ProviderSpec } from './spec.ts';

export const providers = [openai, anthropic, google, mistral, groq] as const;

export type ProviderId = (typeof providers)[number]['id'];

export const providerIds = providers.map((provider) => provider.id) as readonly ProviderId[];

const byId = new Map<string, ProviderSpec<ProviderId>>(providers.map((provider) => [provider.id, provider]));

export function isProviderId(value: string): value is ProviderId {
  return byId.has(value);
}

export function getProvider(id: ProviderId): ProviderSpec<ProviderId> {
  const provider = byId.get(id);
  if (!provider) throw new Error(`Unknown provider ${id}`);
  return provider;
}

/** The most output one answer of a model may ask for: the catalogue's figure, else the ceiling. */
export function maxOutputTokensOf(providerId: string, modelId: string): number {
  return byId.get(providerId)?.models.find((model) => model.id === modelId)?.maxOutputTokens ?? OUTPUT_TOKENS_CEILING;
}

/** The environment variable that overrides a provider's base URL (DESIGN §7). */
export function baseUrlVariable(id: ProviderId) {
  return `WEBOX_${id.toUpperCase()}_BASE_URL`;
}
