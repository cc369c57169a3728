import { onFirstUse } from '../on-first-use.ts';
import { modelIdFormat } from './model-id-format.ts';
import { assertApiKey, bearer, type ProviderSpec, price } from './spec.ts';

// The SDK is imported on the first model built (onFirstUse): an instance that never calls mistral through it never pays for it.
const loadSdk = onFirstUse(() => import('@ai-sdk/mistral'));

export const mistral = {
  id: 'mistral',
  name: 'Mistral',
  defaultBaseUrl: 'https://api.mistral.ai/v1',
  keyFormat: {
    pattern: /^[A-Za-z0-9]{32}$/,
    hint: 'exactly 32 letters and digits',
    // Any 32-alphanumeric run (a hex digest too: losing one from a message costs nothing).
    shape: /(?<![A-Za-z0-9])[A-Za-z0-9]{32}(?![A-Za-z0-9])/g,
  },
  // In the body only; fine-tunes hold colons (ft:open-mistral-7b:587a6b29:20240514:7e773925).
  modelIdFormat: modelIdFormat({ slashes: 0, colons: true }),
  openaiCompatible: true,
  // Mistral's chat completions: usage always comes in the last chunk; `seed` is `random_seed`.
  gateway: {
    renamed: { seed: 'random_seed', max_completion_tokens: 'max_tokens' },
    unsupported: ['user', 'logit_bias', 'logprobs', 'top_logprobs'],
    dropped: ['stream_options'],
    // Mistral sells no tiers: whatever a tier would mean there, it is not the catalogue's price.
    standardServiceTiers: [],
  },
  async languageModel({ apiKey, baseUrl, modelId, fetch }) {
    assertApiKey(apiKey);
    const { createMistral } = await loadSdk();
    return createMistral({ apiKey, baseURL: baseUrl, fetch })(modelId);
  },
  authHeaders: bearer,
  listModelsRequest: (apiKey, baseUrl) => ({ url: `${baseUrl}/models`, headers: bearer(apiKey) }),
  // maxOutputTokens: Mistral documents no output limit apart from the context window
  // (docs.mistral.ai models overview), so the context length is the bound.
  models: [
    {
      id: 'mistral-large-latest',
      name: 'Mistral Large',
      description: {
        en: "Mistral's largest model, strong in French.",
        fr: 'Le plus grand modèle de Mistral, très bon en français.',
      },
      pricing: price(2, 6),
      maxOutputTokens: 131_072,
    },
    {
      id: 'mistral-medium-latest',
      name: 'Mistral Medium',
      description: { en: 'Good quality at a moderate price.', fr: 'Bonne qualité à prix modéré.' },
      pricing: price(0.4, 2),
      maxOutputTokens: 131_072,
    },
    {
      id: 'mistral-small-latest',
      name: 'Mistral Small',
      description: { en: 'Small, fast and inexpensive.', fr: 'Petit, rapide et peu coûteux.' },
      pricing: price(0.1, 0.3),
      maxOutputTokens: 131_072,
    },
    {
      id: 'codestral-latest',
      name: 'Codestral',
      description: {
        en: 'Specialised in writing and completing code.',
        fr: 'Spécialisé dans l’écriture et la complétion de code.',
      },
      pricing: price(0.3, 0.9),
      maxOutputTokens: 256_000,
    },
    {
      id: 'ministral-8b-latest',
      name: 'Ministral 8B',
      description: { en: 'Very small and very cheap.', fr: 'Très petit et très économique.' },
      pricing: price(0.1, 0.1),
      maxOutputTokens: 131_072,
    },
  ],
} as const satisfies ProviderSpec<'mistral'>;
