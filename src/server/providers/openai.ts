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
    {
      id: 'gpt-5.1',
      name: 'GPT-5.1',
      description: {
        en: "OpenAI's flagship: strong reasoning and writing.",
        fr: 'Le modèle phare d’OpenAI : raisonnement et rédaction de haut niveau.',
      },
      pricing: price(1.25, 10, 0.125),
      maxOutputTokens: 128_000,
    },
    {
      id: 'gpt-5',
      name: 'GPT-5',
      description: { en: 'Strong reasoning for complex tasks.', fr: 'Raisonnement poussé pour les tâches complexes.' },
      pricing: price(1.25, 10, 0.125),
      maxOutputTokens: 128_000,
    },
    {
      id: 'gpt-5-mini',
      name: 'GPT-5 mini',
      description: {
        en: 'A fast, affordable GPT-5 for everyday work.',
        fr: 'Un GPT-5 rapide et abordable pour le quotidien.',
      },
      pricing: price(0.25, 2, 0.025),
      maxOutputTokens: 128_000,
    },
    {
      id: 'gpt-5-nano',
      name: 'GPT-5 nano',
      description: {
        en: 'The smallest, cheapest GPT-5: quick answers.',
        fr: 'Le plus petit GPT-5, le moins cher : réponses rapides.',
      },
      pricing: price(0.05, 0.4, 0.005),
      maxOutputTokens: 128_000,
    },
    {
      id: 'gpt-4.1',
      name: 'GPT-4.1',
      description: { en: 'Reliable for long documents and code.', fr: 'Fiable sur les longs documents et le code.' },
      pricing: price(2, 8, 0.5),
      maxOutputTokens: 32_768,
    },
    {
      id: 'gpt-4.1-mini',
      name: 'GPT-4.1 mini',
      description: { en: 'A lighter GPT-4.1, fast and inexpensive.', fr: 'Un GPT-4.1 allégé, rapide et peu coûteux.' },
      pricing: price(0.4, 1.6, 0.1),
      maxOutputTokens: 32_768,
    },
    {
      id: 'gpt-4o',
      name: 'GPT-4o',
      description: { en: 'Versatile general-purpose model.', fr: 'Modèle polyvalent pour tous les usages.' },
      pricing: price(2.5, 10, 1.25),
      maxOutputTokens: 16_384,
    },
    {
      id: 'gpt-4o-mini',
      name: 'GPT-4o mini',
      description: {
        en: 'Small and cheap, good for simple tasks.',
        fr: 'Petit et économique, idéal pour les tâches simples.',
      },
      pricing: price(0.15, 0.6, 0.075),
      maxOutputTokens: 16_384,
    },
    {
      id: 'o4-mini',
      name: 'o4-mini',
      description: {
        en: 'Reasons step by step: maths, science, code.',
        fr: 'Raisonne pas à pas : maths, sciences, code.',
      },
      pricing: price(1.1, 4.4, 0.275),
      maxOutputTokens: 100_000,
    },
  ],
} as const satisfies ProviderSpec<'openai'>;
