import { onFirstUse } from '../on-first-use.ts';
import { modelIdFormat } from './model-id-format.ts';
import { assertApiKey, type ProviderSpec, price } from './spec.ts';

// The SDK is imported on the first model built (onFirstUse): an instance that never calls anthropic through it never pays for it.
const loadSdk = onFirstUse(() => import('@ai-sdk/anthropic'));

const authHeaders = (apiKey: string) => ({ 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' });

export const anthropic = {
  id: 'anthropic',
  name: 'Anthropic',
  defaultBaseUrl: 'https://api.anthropic.com/v1',
  keyFormat: { pattern: /^sk-ant-/, hint: 'starts with "sk-ant-"', shape: /\bsk-ant-[A-Za-z0-9_*-]{8,}/g },
  // In the body only.
  modelIdFormat: modelIdFormat({ slashes: 0, colons: true }),
  openaiCompatible: false,
  // Translated through the AI SDK: these OpenAI parameters have no Anthropic equivalent there.
  gateway: {
    unsupported: [
      'seed',
      'user',
      'n',
      'logit_bias',
      'logprobs',
      'top_logprobs',
      'response_format',
      'presence_penalty',
      'frequency_penalty',
    ],
  },
  async languageModel({ apiKey, baseUrl, modelId, fetch }) {
    assertApiKey(apiKey);
    const { createAnthropic } = await loadSdk();
    return createAnthropic({ apiKey, baseURL: baseUrl, fetch })(modelId);
  },
  authHeaders,
  listModelsRequest: (apiKey, baseUrl) => ({ url: `${baseUrl}/models`, headers: authHeaders(apiKey) }),
  // maxOutputTokens: "max output" in Anthropic's models overview (docs.anthropic.com).
  models: [
    {
      id: 'claude-opus-4-5',
      name: 'Claude Opus 4.5',
      description: {
        en: "Anthropic's most capable model, for demanding work.",
        fr: 'Le modèle le plus capable d’Anthropic, pour les travaux exigeants.',
      },
      pricing: price(5, 25, 0.5),
      maxOutputTokens: 64_000,
    },
    {
      id: 'claude-sonnet-4-5',
      name: 'Claude Sonnet 4.5',
      description: {
        en: 'Balanced quality and speed, excellent at code.',
        fr: 'Qualité et rapidité équilibrées, excellent en code.',
      },
      pricing: price(3, 15, 0.3),
      maxOutputTokens: 64_000,
    },
    {
      id: 'claude-haiku-4-5',
      name: 'Claude Haiku 4.5',
      description: {
        en: 'Fast and light Claude for everyday questions.',
        fr: 'Un Claude rapide et léger pour les questions courantes.',
      },
      pricing: price(1, 5, 0.1),
      maxOutputTokens: 64_000,
    },
    {
      id: 'claude-opus-4-1',
      name: 'Claude Opus 4.1',
      description: {
        en: 'Previous Opus: powerful and very expensive.',
        fr: 'L’Opus précédent : puissant et très coûteux.',
      },
      pricing: price(15, 75, 1.5),
      maxOutputTokens: 32_000,
    },
  ],
} as const satisfies ProviderSpec<'anthropic'>;
