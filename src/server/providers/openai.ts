import { onFirstUse } from '../on-first-use.ts';
import { modelIdFormat } from './model-id-format.ts';
import { assertApiKey, bearer, type ProviderSpec, price } from './spec.ts';

// The SDK is imported on the first model built (onFirstUse): an instance that never calls openai through it never pays for it.
const loadSdk = onFirstUse(() => import('@ai-sdk/openai'));

export const openai = {
  id: 'openai',
  name: 'OpenAI',
  defaultBaseUrl: 'https://api.openai.com/v1',
  // OpenAI keys start with sk- (sk-proj-, sk-svcacct-, …); an Anthropic key also starts with
  // sk-, so it is refused here rather than failing later at the provider.
  keyFormat: {
    pattern: /^sk-(?!ant-)/,
    hint: 'starts with "sk-" (for example sk-proj-…)',
    // Masked keys too: OpenAI's messages quote "sk-proj-****…abcd".
    shape: /\bsk-(?!ant-)[A-Za-z0-9_*-]{8,}/g,
  },
  // In the body only; fine-tunes hold colons (ft:gpt-4o-mini:org::abc123).
  modelIdFormat: modelIdFormat({ slashes: 0, colons: true }),
  openaiCompatible: true,
  gateway: {
    streamUsageOption: true,
    // Absent, "auto" (what absent means: the project's own setting) and "default" are the standard
    // prices; flex, scale and priority are billed at others.
    standardServiceTiers: ['auto', 'default'],
    pricedParameters: {
      web_search_options: { bills: 'a fee for each web search' },
      audio: { bills: 'audio output at audio token prices' },
      modalities: {
        bills: 'audio output at audio token prices',
        free: (value) => Array.isArray(value) && value.every((modality) => modality === 'text'),
      },
    },
  },
  async languageModel({ apiKey, baseUrl, modelId, fetch }) {
    assertApiKey(apiKey);
    const { createOpenAI } = await loadSdk();
    // .chat() calls /chat/completions, the API every OpenAI-compatible upstream speaks.
    return createOpenAI({ apiKey, baseURL: baseUrl, fetch }).chat(modelId);
  },
  authHeaders: bearer,
  listModelsRequest: (apiKey, baseUrl) => ({ url: `${baseUrl}/models`, headers: bearer(apiKey) }),
  // maxOutputTokens: "max output tokens" on each model's page (platform.openai.com/docs/models);
  // reasoning tokens count inside it.
  models: [
    { id: 'gpt-5.1', name: 'GPT-5.1', pricing: price(1.25, 10, 0.125), maxOutputTokens: 128_000 },
    { id: 'gpt-5', name: 'GPT-5', pricing: price(1.25, 10, 0.125), maxOutputTokens: 128_000 },
    { id: 'gpt-5-mini', name: 'GPT-5 mini', pricing: price(0.25, 2, 0.025), maxOutputTokens: 128_000 },
    { id: 'gpt-5-nano', name: 'GPT-5 nano', pricing: price(0.05, 0.4, 0.005), maxOutputTokens: 128_000 },
    { id: 'gpt-4.1', name: 'GPT-4.1', pricing: price(2, 8, 0.5), maxOutputTokens: 32_768 },
    { id: 'gpt-4.1-mini', name: 'GPT-4.1 mini', pricing: price(0.4, 1.6, 0.1), maxOutputTokens: 32_768 },
    { id: 'gpt-4o', name: 'GPT-4o', pricing: price(2.5, 10, 1.25), maxOutputTokens: 16_384 },
    { id: 'gpt-4o-mini', name: 'GPT-4o mini', pricing: price(0.15, 0.6, 0.075), maxOutputTokens: 16_384 },
    { id: 'o4-mini', name: 'o4-mini', pricing: price(1.1, 4.4, 0.275), maxOutputTokens: 100_000 },
  ],
} as const satisfies ProviderSpec<'openai'>;
